import { proxy, type Remote, releaseProxy, transfer, wrap } from 'comlink';
import type { Migration, MigrationProgress } from '../../core/types.ts';
import { DatabaseError, messageOf } from '../database-error.ts';
import { migrationSet } from '../migration-set.ts';
import { reviveError, type WorkerRunOptions, workerRunOptions } from '../worker-protocol.ts';
import type {
  AdoptResult,
  UpgradeResult,
  UploadInspection,
  UploadOutcome,
  UploadWorkerApi,
} from './upload-protocol.ts';

/** Files larger than this are refused unless `maxBytes` says otherwise. */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** What `inspectUpload` needs: the app's migrations, and optionally limits. */
export interface UploadOptions extends WorkerRunOptions {
  /** A Vite raw glob of the migrations folder (`schema.sql` included), or migrations already split out. */
  migrations: Record<string, string> | Migration[];
  /** The full current schema, when `migrations` is a list. */
  schema?: string;
  /** The file's name, for bytes handed over without one (a `File` brings its own). */
  fileName?: string;
  /** Larger files are refused before they are read; default `DEFAULT_MAX_UPLOAD_BYTES`. */
  maxBytes?: number;
  /** Hears the migrations' progress on the copy (migration i of n, elapsed). */
  onProgress?: (progress: MigrationProgress) => void;
  /** Starts an upload worker (called twice: see `UploadSession.upgrade`); the default is the one bundled beside this file. */
  createWorker?: () => Worker;
}

/** A checked and upgraded copy in its worker: take the upgraded file, then download or adopt it. */
export interface UploadSession {
  /** The checks, the file's tables and ledger, and the upgrade as it ran on the copy. */
  readonly inspection: UploadInspection;
  /**
   * Takes the upgraded file out of SQLite: the worker that migrated it hands it over and is
   * ended (freeing SQLite's memory), and a fresh worker keeps it for `download` and `adopt`.
   */
  upgrade(): Promise<UpgradeResult>;
  /** The upgraded file, made in the worker, for a download. */
  download(): Promise<Blob>;
  /**
   * Makes the upgraded file database `name`'s stored image, under the cross-tab lock; the
   * image it replaces becomes a backup in the same transaction, and the other tabs reload.
   */
  adopt(name: string): Promise<AdoptResult>;
  /** Ends the worker and frees its memory; the session refuses calls afterwards. */
  close(): void;
}

/**
 * Checks an untrusted SQLite file and upgrades a copy of it, in a worker of its own: the size
 * against `maxBytes` and the browser's free space and the header before anything is read, then
 * SQLite's integrity checks on a copy opened with an untrusted schema, then the migrations, run on
 * that copy (so the plan shown is what the upgrade does, not a forecast). Nothing is written
 * anywhere: the person's file is only read, and the copy lives in the worker's memory. A `File` is handed to the worker as is (the page never reads it);
 * a `Uint8Array` is transferred, so its buffer is detached afterwards.
 *
 * Rejects with `DatabaseError` (`NOT_A_DATABASE`, `TOO_LARGE`, `NO_ROOM`, `CORRUPT`) for a file
 * that must not be opened, and with `MigrationError` when the migrations refuse it
 * (`UNRECOGNIZED_SCHEMA`, `UNKNOWN_APPLIED` — a newer app's database — `SQL_FAILED`, …).
 *
 * @example
 * const upload = await inspectUpload(input.files[0], {
 *   migrations,
 *   onProgress: (p) => console.log(`${p.index} of ${p.total}`),
 * });
 * console.log(upload.inspection.plan.executed); // what ran on the copy, in order
 * await upload.upgrade();
 * await upload.adopt('notes');
 * upload.close();
 */
export async function inspectUpload(
  file: Blob | Uint8Array,
  options: UploadOptions,
): Promise<UploadSession> {
  const { migrations, schema } = migrationSet(options.migrations, options.schema);
  const start = () => {
    const worker = options.createWorker?.() ?? startBundledWorker();
    return { worker, api: wrap<UploadWorkerApi>(worker) };
  };
  let current: ReturnType<typeof start> | undefined = start();
  const stop = () => {
    current?.api[releaseProxy]();
    current?.worker.terminate();
    current = undefined;
  };
  let closed = false;
  const closedError = () => new DatabaseError('CLOSED', 'This upload is closed.');
  const close = () => {
    closed = true;
    stop();
  };
  const call = async <T>(work: (live: Remote<UploadWorkerApi>) => Promise<UploadOutcome<T>>) => {
    if (closed || current === undefined) throw closedError();
    let outcome: UploadOutcome<T>;
    try {
      outcome = await work(current.api);
    } catch (error) {
      throw new DatabaseError('OPEN_FAILED', `The upload worker failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (!outcome.ok) throw reviveError(outcome.error);
    return outcome.value;
  };

  // Asked here, where the page's storage manager answers; the worker only compares.
  const availableBytes = await availableStorage();
  const onProgress = options.onProgress;
  let inspection: UploadInspection;
  try {
    inspection = await call((live) =>
      live.inspect(
        file instanceof Uint8Array ? transfer(file, [file.buffer]) : file,
        {
          fileName: file instanceof File ? file.name : (options.fileName ?? 'upload.db'),
          migrations,
          schema,
          runOptions: workerRunOptions(options),
          maxBytes: options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
          availableBytes,
        },
        onProgress === undefined ? undefined : proxy(onProgress),
      ),
    );
  } catch (error) {
    close();
    throw error;
  }
  let upgraded: Promise<UpgradeResult> | undefined;
  const upgrade = async (): Promise<UpgradeResult> => {
    const taken = await call((live) => live.finish());
    // The page only passes the buffer on; ending the migrating worker first frees SQLite's
    // memory before the file is stored anywhere.
    stop();
    if (closed) throw closedError();
    current = start();
    await current.api.keep(transfer(taken.file, [taken.file]), taken.byteLength, taken.result);
    return taken.result;
  };
  return {
    inspection,
    upgrade: () => {
      upgraded ??= upgrade();
      return upgraded;
    },
    download: () => call((live) => live.download()),
    adopt: (name) => call((live) => live.adopt(name)),
    close,
  };
}

function startBundledWorker(): Worker {
  // Written out in full so Vite sees it and bundles the worker with its imports.
  return new Worker(new URL('./upload-worker.ts', import.meta.url), {
    type: 'module',
    name: 'sqljs-migrate-upload',
  });
}

/** What the browser still lets this site store, or null when it does not say. */
async function availableStorage(): Promise<number | null> {
  try {
    const estimate = await navigator.storage?.estimate();
    if (estimate?.quota === undefined || estimate.usage === undefined) return null;
    return estimate.quota - estimate.usage;
  } catch {
    return null;
  }
}
