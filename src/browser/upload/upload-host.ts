import { releaseProxy } from 'comlink';
import type { Database } from 'sql.js';
import type { MigrationProgress } from '../../core/types.ts';
import { isMigrationError, runMigrations } from '../../index.ts';
import { databaseErrorData, isDatabaseError, messageOf } from '../database-error.ts';
import { replaceStoredImage } from '../replace-image.ts';
import { loadSqlJs } from '../sql-loader.ts';
import { checkHeader, checkSize, HEADER_BYTES, type Rejection } from './pre-open-checks.ts';
import { checkIntegrity, openUntrusted, tableSummaries, uploadLedger } from './scratch-copy.ts';
import { upgradedFileName } from './upgraded-file-name.ts';
import type {
  AdoptResult,
  UpgradeResult,
  UploadInspection,
  UploadOutcome,
  UploadRequest,
  UploadWorkerApi,
} from './upload-protocol.ts';

const EMPTY = new Uint8Array();

/**
 * One uploaded file inside its own worker: checked, dry-run, upgraded, then handed out as a
 * download or adopted as the app's database. The person's file is never changed — the worker
 * works on a copy in SQLite's memory — and nothing is stored until `adopt`.
 */
export class UploadHost implements UploadWorkerApi {
  private request: UploadRequest | undefined;
  /** The copy, open from `inspect` until `upgrade` has exported it. */
  private db: Database | undefined;
  private upgraded: { bytes: Uint8Array; result: UpgradeResult } | undefined;

  async inspect(
    file: Blob | Uint8Array,
    request: UploadRequest,
  ): Promise<UploadOutcome<UploadInspection>> {
    if (this.request !== undefined) return failure('CLOSED', 'This upload worker is in use.');
    this.request = request;
    const startedAt = performance.now();
    const { fileName, maxBytes, availableBytes } = request;
    const sizeBytes = file instanceof Blob ? file.size : file.byteLength;
    const input = { fileName, sizeBytes, maxBytes, availableBytes };
    const size = checkSize(input);
    if (!size.ok) return rejected(size);
    // The engine compiles while the file is read.
    const sqlReady = loadSqlJs();
    sqlReady.catch(() => {});
    const head = await firstBytes(file, HEADER_BYTES);
    const header = checkHeader({ ...input, head });
    if (!header.ok) return rejected(header);

    let bytes: Uint8Array | undefined = file instanceof Blob ? await readAll(file) : file;
    // Let go of the transferred bytes through the parameter too: sql.js copies them, and a file
    // held twice through the dry run would cost a third of the memory an upgrade may use.
    file = EMPTY;
    const readAt = performance.now();
    if (bytes === undefined || bytes.byteLength !== sizeBytes)
      return failure('NOT_A_DATABASE', `${fileName} could not be read whole; pick it again.`);
    let db: Database;
    try {
      db = openUntrusted(await sqlReady, bytes);
    } catch (error) {
      return failure('CORRUPT', `${fileName} could not be opened: ${messageOf(error)}.`);
    }
    bytes = undefined; // sql.js holds its own copy; this one can be collected.
    const openedAt = performance.now();
    const integrity = checkIntegrity(db, fileName);
    if (!integrity.ok) {
      db.close();
      return rejected(integrity);
    }
    const tables = tableSummaries(db);
    const checkedAt = performance.now();
    try {
      const ledger = uploadLedger(db);
      const plan = runMigrations(db, request.migrations, this.runOptions({ dryRun: true }));
      this.db = db;
      const doneAt = performance.now();
      return {
        ok: true,
        value: {
          fileName,
          sizeBytes,
          ...header.facts,
          checks: [...header.checks, ...size.checks, ...integrity.checks],
          ledger,
          tables,
          plan,
          timings: {
            readMs: readAt - startedAt,
            openMs: openedAt - readAt,
            checkMs: checkedAt - openedAt,
            dryRunMs: doneAt - checkedAt,
            totalMs: doneAt - startedAt,
          },
        },
      };
    } catch (error) {
      db.close();
      return thrown(error, 'inspect');
    }
  }

  async upgrade(
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadOutcome<UpgradeResult>> {
    try {
      if (this.upgraded !== undefined) return { ok: true, value: this.upgraded.result };
      const db = this.db;
      const request = this.request;
      if (db === undefined || request === undefined)
        return failure('CLOSED', 'Nothing was inspected, so there is nothing to upgrade.');
      const startedAt = performance.now();
      // Each call posts a message to the page at once, while the run goes on: the run is
      // synchronous and never waits for the page (which may even be gone).
      const tell = (progress: MigrationProgress) =>
        Promise.resolve(onProgress?.(progress)).catch(() => {});
      const report = runMigrations(db, request.migrations, this.runOptions({ onProgress: tell }));
      const migratedAt = performance.now();
      const bytes = db.export();
      db.close(); // Frees the copy's memory: from here on only the exported file is kept.
      this.db = undefined;
      const doneAt = performance.now();
      const result: UpgradeResult = {
        report,
        fileName: upgradedFileName(request.fileName),
        sizeBytes: bytes.byteLength,
        timings: {
          migrateMs: migratedAt - startedAt,
          exportMs: doneAt - migratedAt,
          totalMs: doneAt - startedAt,
        },
      };
      this.upgraded = { bytes, result };
      return { ok: true, value: result };
    } catch (error) {
      // The core left the copy as it was; it can be tried again or dropped.
      return thrown(error, 'upgrade');
    } finally {
      (onProgress as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
    }
  }

  async download(): Promise<UploadOutcome<Blob>> {
    const upgraded = this.upgraded;
    if (upgraded === undefined) return notUpgraded();
    // A Blob crosses to the page as a handle: the page never holds the bytes itself.
    return {
      ok: true,
      value: new Blob([upgraded.bytes as Uint8Array<ArrayBuffer>], {
        type: 'application/vnd.sqlite3',
      }),
    };
  }

  async adopt(name: string): Promise<UploadOutcome<AdoptResult>> {
    const upgraded = this.upgraded;
    if (upgraded === undefined) return notUpgraded();
    const drift = upgraded.result.report.drift ?? [];
    if (drift.length > 0)
      return failure(
        'SCHEMA_DRIFT',
        `The upgraded file's schema still differs from this app's schema.sql (${drift.map((d) => `${d.kind} ${d.object}: ${d.detail}`).join('; ')}), so it is not adopted: the app could fail on it. Repair the file, or download it to inspect it.`,
      );
    try {
      return {
        ok: true,
        value: await replaceStoredImage(name, { bytes: upgraded.bytes }, 'pre-adopt'),
      };
    } catch (error) {
      return thrown(error, 'adopt');
    }
  }

  private runOptions<T extends object>(extra: T) {
    const request = this.request;
    // Drift is always checked: a file whose ledger is complete plans as up to date, and only
    // comparing its schema with schema.sql shows a column or table it lacks.
    return { ...request?.runOptions, schema: request?.schema, checkDrift: true, ...extra };
  }
}

async function firstBytes(file: Blob | Uint8Array, count: number): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file.subarray(0, count);
  return new Uint8Array(await file.slice(0, count).arrayBuffer());
}

async function readAll(file: Blob): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch {
    // The file changed or vanished on disk since it was picked.
    return undefined;
  }
}

function notUpgraded<T>(): UploadOutcome<T> {
  return failure('NOT_UPGRADED', 'The file has not been upgraded yet: upgrade it first.');
}

function rejected<T>(rejection: Rejection): UploadOutcome<T> {
  return failure(rejection.code, rejection.message);
}

function failure<T>(
  code: Parameters<typeof databaseErrorData>[0],
  message: string,
): UploadOutcome<T> {
  return { ok: false, error: databaseErrorData(code, message) };
}

/**
 * A failure as data: the core's and the browser layer's errors as they are, anything else under
 * the code of the step it broke (only adopting saves anything).
 */
export function thrown<T>(error: unknown, step: 'inspect' | 'upgrade' | 'adopt'): UploadOutcome<T> {
  if (isMigrationError(error)) return { ok: false, error: error.toJSON() };
  if (isDatabaseError(error))
    return { ok: false, error: databaseErrorData(error.code, error.message) };
  return failure(UNEXPECTED_FAILURE[step], messageOf(error));
}

const UNEXPECTED_FAILURE = {
  inspect: 'INSPECT_FAILED',
  upgrade: 'UPGRADE_FAILED',
  adopt: 'SAVE_FAILED',
} as const;
