import { releaseProxy, transfer } from 'comlink';
import type { Database, SqlJsStatic } from 'sql.js';
import type { MigrationProgress, MigrationReport } from '../../core/types.ts';
import { describeDifference, isMigrationError, runMigrations } from '../../index.ts';
import { databaseErrorData, isDatabaseError, messageOf } from '../database-error.ts';
import { takeFile } from '../in-place-file.ts';
import { replaceStoredImage } from '../replace-image.ts';
import { loadSqlJs } from '../sql-loader.ts';
import { blobInParts } from './blob-in-parts.ts';
import { checkHeader, checkSize, HEADER_BYTES, type Rejection } from './pre-open-checks.ts';
import { readWithRoom } from './read-with-room.ts';
import { checkIntegrity, openUntrusted, tableSummaries, uploadLedger } from './scratch-copy.ts';
import { upgradedFileName } from './upgraded-file-name.ts';
import type {
  AdoptResult,
  TakenUpload,
  UpgradeResult,
  UploadInspection,
  UploadOutcome,
  UploadRequest,
  UploadWorkerApi,
} from './upload-protocol.ts';

/**
 * One uploaded file inside its worker: checked, then upgraded on a copy, then handed out as a
 * download or adopted as the app's database. The person's file is never changed — the worker
 * works on a copy in SQLite's memory — and nothing is stored until `adopt`.
 *
 * The page runs this class in two workers, one after the other: the first checks and migrates,
 * then hands the upgraded file over (`finish`) and is ended, which frees everything SQLite used
 * (the journal of the largest migration stays in its memory until then); the second only keeps the
 * file (`keep`) for `download` and `adopt`, so storing it never meets SQLite's memory.
 */
export class UploadHost implements UploadWorkerApi {
  private request: UploadRequest | undefined;
  /** The upgraded copy, open from `inspect` until `finish`, and the buffer it was opened in. */
  private copy: { db: Database; capacity: Uint8Array; report: MigrationReport } | undefined;
  private upgraded: { file: Blob; result: UpgradeResult } | undefined;

  async inspect(
    file: Blob | Uint8Array,
    request: UploadRequest,
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadOutcome<UploadInspection>> {
    try {
      return await this.inspectFile(file, request, onProgress);
    } finally {
      (onProgress as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
    }
  }

  private async inspectFile(
    file: Blob | Uint8Array,
    request: UploadRequest,
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadOutcome<UploadInspection>> {
    if (this.request !== undefined) return failure('CLOSED', 'This upload worker is in use.');
    this.request = request;
    const startedAt = performance.now();
    const { fileName, maxBytes, availableBytes } = request;
    const sizeBytes = file instanceof Blob ? file.size : file.byteLength;
    const input = { fileName, sizeBytes, maxBytes, availableBytes };
    const size = checkSize(input);
    if (!size.ok) return rejected(size);
    const head = await firstBytes(file, HEADER_BYTES);
    const header = checkHeader({ ...input, head });
    if (!header.ok) return rejected(header);

    const capacity = file instanceof Blob ? await readWithRoom(file) : file;
    const readAt = performance.now();
    if (capacity === undefined)
      return failure('NOT_A_DATABASE', `${fileName} could not be read whole; pick it again.`);
    // The engine is loaded only now, not while the file is read: in Chromium a file's stream
    // read beside the engine's download and compile sometimes never answered.
    let sql: SqlJsStatic;
    try {
      sql = await loadSqlJs();
    } catch (error) {
      return failure('INSPECT_FAILED', `SQLite failed to load: ${messageOf(error)}`);
    }
    let db: Database;
    try {
      db = openUntrusted(sql, capacity, sizeBytes);
    } catch (error) {
      return failure('CORRUPT', `${fileName} could not be opened: ${messageOf(error)}.`);
    }
    const openedAt = performance.now();
    const integrity = checkIntegrity(db, fileName);
    if (!integrity.ok) {
      db.close();
      return rejected(integrity);
    }
    const tables = tableSummaries(db);
    const checkedAt = performance.now();
    // Each call posts a message to the page at once, while the run goes on: the run is
    // synchronous and never waits for the page (which may even be gone).
    const tell = (progress: MigrationProgress) =>
      Promise.resolve(onProgress?.(progress)).catch(() => {});
    try {
      const ledger = uploadLedger(db);
      const plan = runMigrations(db, request.migrations, this.runOptions({ onProgress: tell }));
      this.copy = { db, capacity, report: plan };
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
            migrateMs: doneAt - checkedAt,
            totalMs: doneAt - startedAt,
          },
        },
      };
    } catch (error) {
      // The copy is dropped: the migrations that committed on it never leave this worker.
      db.close();
      return thrown(error, 'inspect');
    }
  }

  async finish(): Promise<UploadOutcome<TakenUpload>> {
    const copy = this.copy;
    const request = this.request;
    if (copy === undefined || request === undefined)
      return failure('CLOSED', 'Nothing was inspected, so there is nothing to upgrade.');
    this.copy = undefined;
    try {
      const startedAt = performance.now();
      const taken = takeFile(copy.db, copy.capacity);
      const exportMs = performance.now() - startedAt;
      const result: UpgradeResult = {
        report: copy.report,
        fileName: upgradedFileName(request.fileName),
        sizeBytes: taken.byteLength,
        inPlace: taken.inPlace,
        timings: { exportMs },
      };
      const value = { file: taken.buffer, byteLength: taken.byteLength, result };
      return transfer({ ok: true, value }, [taken.buffer]);
    } catch (error) {
      return thrown(error, 'upgrade');
    }
  }

  async keep(file: ArrayBuffer, byteLength: number, result: UpgradeResult): Promise<void> {
    // Here, where nothing else is held (SQLite's memory went with the worker that made the file),
    // the file becomes a Blob: the browser keeps its bytes from then on, and they are downloaded
    // or stored as they are, never serialized again.
    this.upgraded = { file: blobInParts(file, byteLength), result };
  }

  async download(): Promise<UploadOutcome<Blob>> {
    const upgraded = this.upgraded;
    if (upgraded === undefined) return notUpgraded();
    // A Blob crosses to the page as a handle: the page never holds the bytes itself.
    return { ok: true, value: upgraded.file };
  }

  async adopt(name: string): Promise<UploadOutcome<AdoptResult>> {
    const upgraded = this.upgraded;
    if (upgraded === undefined) return notUpgraded();
    const drift = upgraded.result.report.drift ?? [];
    if (drift.length > 0)
      return failure(
        'SCHEMA_DRIFT',
        `The upgraded file's schema still differs from this app's schema.sql (${drift.map(describeDifference).join('; ')}), so it is not adopted: the app could fail on it. Repair the file, or download it to inspect it.`,
      );
    try {
      return {
        ok: true,
        value: await replaceStoredImage(name, { bytes: upgraded.file }, 'pre-adopt'),
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
