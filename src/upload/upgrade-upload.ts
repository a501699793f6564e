import { proxy, type Remote, transfer } from 'comlink';
import { carryErrorsAcrossWorkers } from '../browser/crossing-errors.ts';
import { UploadError } from '../browser/errors.ts';
import {
  type Budget,
  describeBudget,
  timeBudget,
  withinBudget,
} from '../browser/page/time-budget.ts';
import {
  absoluteUrl,
  migrationSet,
  type StartedWorker,
  startWorker,
  type WorkerKind,
} from '../browser/page/worker-client.ts';
import { type WorkerRunOptions, workerRunOptions } from '../browser/protocol.ts';
import type { Migration, MigrationProgress } from '../index.ts';
import type { AdoptResult, KeptUpload, UploadReport, UploadWorkerApi } from './protocol.ts';

/** The upload worker, and the errors its calls reject with when it is gone. */
const UPLOAD_WORKER: WorkerKind = {
  what: 'The upload worker',
  failed: (message, cause) => new UploadError('WORKER_FAILED', message, { cause }),
  stopped: (message) => new UploadError('CLOSED', message),
};

/** Files larger than this are refused unless `maxBytes` says otherwise. */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * How long checking and upgrading an upload may take unless `timeoutMs` says otherwise: far
 * beyond what a large file needs, so it stops only a migration that never ends.
 */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 5 * 60 * 1000;

/** What `upgradeUpload` needs: the app's migrations, and optionally limits. */
export interface UploadOptions extends WorkerRunOptions {
  /** A Vite raw glob of the migrations folder (`schema.sql` included), or migrations already split out. */
  migrations: Record<string, string> | Migration[];
  /** The full current schema, when `migrations` is a list. */
  schema?: string | undefined;
  /** The file's name, for bytes handed over without one (a `File` brings its own). */
  fileName?: string | undefined;
  /** Larger files are refused before they are read; default `DEFAULT_MAX_UPLOAD_BYTES`. */
  maxBytes?: number | undefined;
  /** Checking and upgrading that take longer are stopped (`TIMED_OUT`); default `DEFAULT_UPLOAD_TIMEOUT_MS`. */
  timeoutMs?: number | undefined;
  /** Aborting stops the check or upgrade in flight and ends its worker (`CANCELLED`). */
  signal?: AbortSignal | undefined;
  /** Hears the migrations' progress on the copy (migration i of n, elapsed). */
  onProgress?: ((progress: MigrationProgress) => void) | undefined;
  /** Where SQLite's wasm is served; by default the copy shipped beside the worker. */
  wasmUrl?: string | URL | undefined;
  /** Starts an upload worker (called twice: see `UploadSession.keep`); by default the one shipped beside this file. */
  createWorker?: (() => Worker) | undefined;
}

/** A checked and upgraded copy in its worker: keep the upgraded file, then download or adopt it. */
export interface UploadSession {
  /** The checks, the file's tables and ledger, and the upgrade as it ran on the copy. */
  readonly report: UploadReport;
  /**
   * Keeps the upgraded file: the worker that migrated it hands it over and is ended (freeing
   * SQLite's memory), and a fresh worker keeps it for `download` and `adopt`.
   */
  keep(): Promise<KeptUpload>;
  /** The upgraded file, for a download. */
  download(): Promise<Blob>;
  /**
   * Makes the upgraded file database `name`'s stored file, under the cross-tab lock; the file it
   * replaces becomes a backup in the same transaction, and the other tabs reload.
   */
  adopt(name: string): Promise<AdoptResult>;
  /** Ends the worker and frees its memory; the session refuses calls afterwards. */
  close(): void;
}

/**
 * Checks an untrusted SQLite file and upgrades a copy of it, in a worker of its own: the size
 * against `maxBytes` and the browser's free space and the header before anything is read, then
 * SQLite's integrity checks on a copy opened with an untrusted schema, then the migrations, run on
 * that copy (so the report shown is what the upgrade did, not a forecast). Nothing is written
 * anywhere: the person's file is only read, and the copy lives in the worker's memory. A `File` is
 * handed to the worker as is (the page never reads it); a `Uint8Array` is transferred, so its
 * buffer is detached afterwards.
 *
 * Rejects with `UploadError` (`NOT_A_DATABASE`, `TOO_LARGE`, `NO_ROOM`, `CORRUPT`, `TIMED_OUT`,
 * `CANCELLED`) for a file that must not be opened or a check that was stopped, and with
 * `MigrationError` when the migrations refuse it (`UNRECOGNIZED_SCHEMA`, `UNKNOWN_APPLIED` — a
 * newer app's database — `SQL_FAILED`, …).
 *
 * @example
 * const upload = await upgradeUpload(input.files[0], {
 *   migrations,
 *   onProgress: (p) => console.log(`${p.index} of ${p.total}`),
 * });
 * console.log(upload.report.upgrade.executed); // what ran on the copy, in order
 * await upload.keep();
 * await upload.adopt('notes');
 * upload.close();
 */
export async function upgradeUpload(
  file: Blob | Uint8Array,
  options: UploadOptions,
): Promise<UploadSession> {
  carryErrorsAcrossWorkers();
  const { migrations, schema } = migrationSet(options.migrations, options.schema);
  const fileName = file instanceof File ? file.name : (options.fileName ?? 'upload.db');
  const timeoutMs = timeBudget(options.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS, 'timeoutMs');
  const start = () =>
    startWorker<UploadWorkerApi>(
      options.createWorker ??
        (() =>
          new Worker(new URL('./worker/upload-worker.js', import.meta.url), {
            type: 'module',
            name: 'sqljs-migrate-upload',
          })),
      UPLOAD_WORKER,
    );
  let current: StartedWorker<UploadWorkerApi> | undefined = start();
  let closed = false;
  const close = () => {
    closed = true;
    current?.stop();
    current = undefined;
  };
  const call = <T>(work: (api: Remote<UploadWorkerApi>) => Promise<T>) => {
    if (closed || current === undefined)
      return Promise.reject(new UploadError('CLOSED', 'This upload is closed.'));
    return current.call(work);
  };
  const onProgress = options.onProgress;
  const progress = onProgress === undefined ? undefined : proxy(onProgress);
  let report: UploadReport;
  try {
    // Asked here, where the page's storage manager answers; the worker only compares.
    const availableBytes = await availableStorage();
    report = await withinBudget(
      call((api) =>
        api.check(
          file instanceof Uint8Array ? transfer(file, [file.buffer]) : file,
          {
            fileName,
            migrations,
            schema,
            runOptions: workerRunOptions(options),
            maxBytes: options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
            availableBytes,
            wasmUrl: absoluteUrl(options.wasmUrl),
          },
          progress,
        ),
      ),
      uploadBudget(fileName, timeoutMs, options.signal),
    );
  } catch (error) {
    close();
    throw error;
  }
  let kept: Promise<KeptUpload> | undefined;
  const keep = async (): Promise<KeptUpload> => {
    try {
      const handed = await call((api) => api.handOver());
      // The page only passes the buffer on; ending the migrating worker first frees SQLite's
      // memory before the file is stored anywhere.
      current?.stop();
      if (closed) throw new UploadError('CLOSED', 'This upload is closed.');
      current = start();
      await call((api) =>
        api.keep(
          transfer(handed.file, [handed.file]),
          handed.byteLength,
          report.upgrade.drift ?? [],
        ),
      );
      return handed.kept;
    } catch (error) {
      // The file left the worker that held it: there is nothing left to keep but the person's
      // own file, so the session ends and the file is picked again.
      close();
      throw error;
    }
  };
  return {
    report,
    keep: () => {
      kept ??= keep();
      return kept;
    },
    download: () => call((api) => api.download()),
    adopt: (name) => call((api) => api.adopt(name)),
    close,
  };
}

/** Checking and upgrading `fileName` are stopped (`TIMED_OUT`, `CANCELLED`) past `timeoutMs`, or when `signal` aborts. */
function uploadBudget(
  fileName: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Budget {
  return {
    timeoutMs,
    signal,
    timedOut: () =>
      new UploadError(
        'TIMED_OUT',
        `Checking and upgrading ${fileName} took longer than ${describeBudget(timeoutMs)}, so it was stopped (a migration may never end on this file); nothing was stored.`,
        { fileName, timeoutMs },
      ),
    cancelled: () =>
      new UploadError('CANCELLED', `Checking ${fileName} was stopped; nothing was stored.`, {
        fileName,
      }),
  };
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
