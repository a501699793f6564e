import { transfer } from 'comlink';
import type { SqlJsStatic } from 'sql.js';
import { messageOf, UploadError } from '../../browser/errors.ts';
import { indexedDbChunkStore } from '../../browser/storage/chunk-store.ts';
import { chunksOver } from '../../browser/storage/file-chunks.ts';
import { CHUNK_BYTES } from '../../browser/storage/layout.ts';
import { TrackedFile, withRoom } from '../../browser/storage/tracked-file.ts';
import { Coordinator } from '../../browser/tabs/coordinator.ts';
import { letGo, tell } from '../../browser/worker/page-calls.ts';
import { loadSqlJs } from '../../browser/worker/sqlite.ts';
import type { MigrationProgress, MigrationReport, SchemaDifference } from '../../index.ts';
import {
  describeDifference,
  isSqljsMigrateError,
  MigrationError,
  runMigrations,
} from '../../index.ts';
import type {
  AdoptResult,
  HandedOverFile,
  UploadReport,
  UploadRequest,
  UploadWorkerApi,
} from '../protocol.ts';
import { upgradedFileName } from '../upgraded-file-name.ts';
import {
  checkHeader,
  checkIntegrity,
  checkSize,
  HEADER_BYTES,
  type Rejection,
  tableSummaries,
} from './checks.ts';
import { blobInParts, readWithRoom } from './read-file.ts';

/**
 * How the copy of a stranger's file is opened (https://www.sqlite.org/security.html): its schema
 * is not trusted, so functions and virtual tables with side effects cannot run from its triggers,
 * views or defaults; cells are checked as they are read, so a damaged page fails cleanly instead
 * of being misread. Temporary data (sorting for a new index) is kept in SQLite's own memory: in
 * sql.js's file system it would be another growing file.
 *
 * The copy keeps no rollback journal: a migration that fails ends the upload and the copy is
 * dropped, so nothing ever needs undoing on it, and a journal would hold the original of every
 * page a migration changes (a backfill: the whole table) in SQLite's memory beside the file.
 */
const UNTRUSTED_SETTINGS =
  'PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON; PRAGMA foreign_keys = ON; PRAGMA journal_mode = OFF; PRAGMA temp_store = MEMORY';

/** The file's ledger before the upgrade, as the upgrade found it. */
function ledgerOf(upgrade: MigrationReport): UploadReport['ledger'] {
  switch (upgrade.state) {
    case 'tracked':
      return upgrade.ledgerUpgraded ? 'original' : 'current';
    case 'other-ledger':
      return 'other';
    default:
      return 'none';
  }
}

/**
 * One uploaded file inside its worker: checked, then upgraded on a copy, then handed out as a
 * download or adopted as the app's database. The person's file is never changed — the worker
 * works on a copy in its memory — and nothing is stored until `adopt`.
 *
 * The page runs this class in two workers, one after the other: the first checks and upgrades,
 * then hands the upgraded file over and is ended, which frees everything SQLite used; the second
 * only keeps the file for `download` and `adopt`, so storing it never meets SQLite's memory.
 */
export class UploadHost implements UploadWorkerApi {
  private request: UploadRequest | undefined;
  /** The upgraded copy, open from `check` until `handOver`. */
  private copy: TrackedFile | undefined;
  private kept: KeptFile | undefined;

  async check(
    file: Blob | Uint8Array,
    request: UploadRequest,
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadReport> {
    try {
      return await this.checkFile(file, request, onProgress);
    } finally {
      // The page's progress callback came as a Comlink proxy: let its message port go.
      letGo(onProgress);
    }
  }

  private async checkFile(
    file: Blob | Uint8Array,
    request: UploadRequest,
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadReport> {
    if (this.request !== undefined)
      throw new UploadError('CLOSED', 'This upload worker is in use.');
    this.request = request;
    const startedAt = performance.now();
    const { fileName, maxBytes, availableBytes } = request;
    const sizeBytes = file instanceof Blob ? file.size : file.byteLength;
    const input = { fileName, sizeBytes, maxBytes, availableBytes };
    const size = refuseUnless(checkSize(input));
    const head = await firstBytes(file, HEADER_BYTES);
    const header = refuseUnless(checkHeader({ ...input, head }));

    // A view into part of a larger buffer is copied: the file handed over later is a whole buffer.
    const capacity =
      file instanceof Blob
        ? await readWithRoom(file)
        : file.byteOffset === 0 && file.byteLength === file.buffer.byteLength
          ? file
          : withRoom(file, file.byteLength);
    const readAt = performance.now();
    if (capacity === undefined)
      throw new UploadError(
        'INSPECT_FAILED',
        `${fileName} could not be read whole (it changed or went away since it was picked); pick it again.`,
        { fileName },
      );
    // The engine is loaded only now, not while the file is read: in Chromium a file's stream
    // read beside the engine's download and compile sometimes never answered.
    let sql: SqlJsStatic;
    try {
      sql = await loadSqlJs(request.wasmUrl);
    } catch (error) {
      throw new UploadError('INSPECT_FAILED', `SQLite failed to load: ${messageOf(error)}`, {
        cause: error,
        fileName,
      });
    }
    let copy: TrackedFile;
    try {
      copy = TrackedFile.open(
        sql,
        chunksOver(capacity, sizeBytes, CHUNK_BYTES),
        UNTRUSTED_SETTINGS,
      );
    } catch (error) {
      throw new UploadError('CORRUPT', `${fileName} could not be opened: ${messageOf(error)}.`, {
        cause: error,
        fileName,
      });
    }
    const openedAt = performance.now();
    try {
      const integrity = refuseUnless(checkIntegrity(copy.db, fileName));
      const tables = tableSummaries(copy.db);
      const checkedAt = performance.now();
      // Each call posts a message to the page at once, while the run goes on: the run is
      // synchronous and never waits for the page (which may even be gone).
      const tellProgress = (progress: MigrationProgress) => tell(() => onProgress?.(progress));
      const upgrade = runMigrations(copy.db, request.migrations, {
        ...request.runOptions,
        schema: request.schema,
        // Drift is always checked: a file whose ledger is complete plans as up to date, and only
        // comparing its schema with schema.sql shows a column or table it lacks.
        checkDrift: true,
        onProgress: tellProgress,
      });
      this.copy = copy;
      const doneAt = performance.now();
      return {
        fileName,
        sizeBytes,
        ...header.facts,
        checks: [...header.checks, ...size.checks, ...integrity.checks],
        ledger: ledgerOf(upgrade),
        tables,
        upgrade,
        timings: {
          readMs: readAt - startedAt,
          openMs: openedAt - readAt,
          checkMs: checkedAt - openedAt,
          migrateMs: doneAt - checkedAt,
          totalMs: doneAt - startedAt,
        },
      };
    } catch (error) {
      // The copy is dropped: the migrations that committed on it never leave this worker.
      copy.close();
      if (error instanceof MigrationError) throw error.unchangedIn(fileName);
      throw unexpected(error, 'INSPECT_FAILED');
    }
  }

  async handOver(): Promise<HandedOverFile> {
    const copy = this.copy;
    const request = this.request;
    if (copy === undefined || request === undefined)
      throw new UploadError('CLOSED', 'Nothing was checked, so there is nothing to keep.');
    this.copy = undefined;
    try {
      const startedAt = performance.now();
      const taken = copy.take();
      const handed: HandedOverFile = {
        file: taken.buffer,
        byteLength: taken.byteLength,
        kept: {
          fileName: upgradedFileName(request.fileName),
          sizeBytes: taken.byteLength,
          inPlace: taken.inPlace,
          timings: { handOverMs: performance.now() - startedAt },
        },
      };
      return transfer(handed, [taken.buffer]);
    } catch (error) {
      throw unexpected(error, 'UPGRADE_FAILED');
    }
  }

  async keep(file: ArrayBuffer, byteLength: number, drift: SchemaDifference[]): Promise<void> {
    this.kept = { file, byteLength, drift };
  }

  async download(): Promise<Blob> {
    const kept = this.keptFile();
    // A Blob crosses to the page as a handle: the page never holds the bytes itself.
    kept.blob ??= blobInParts(kept.file, kept.byteLength);
    return kept.blob;
  }

  async adopt(name: string): Promise<AdoptResult> {
    const kept = this.keptFile();
    if (kept.drift.length > 0)
      throw new UploadError(
        'SCHEMA_DRIFT',
        `The upgraded file's schema still differs from this app's schema.sql (${kept.drift.map(describeDifference).join('; ')}), so it is not adopted: the app could fail on it. Repair the file, or download it to inspect it.`,
      );
    const coordinator = new Coordinator(name, indexedDbChunkStore(name));
    return coordinator.replace({ file: kept.file, fileSize: kept.byteLength }, 'pre-adopt');
  }

  private keptFile(): KeptFile {
    if (this.kept === undefined)
      throw new UploadError('NOT_UPGRADED', 'The file has not been kept yet: keep it first.');
    return this.kept;
  }
}

/** The checks' result, or the refusal thrown as the `UploadError` it names. */
function refuseUnless<T extends { ok: true }>(result: T | Rejection): T {
  if (!result.ok) throw new UploadError(result.code, result.message, result.facts);
  return result;
}

async function firstBytes(file: Blob | Uint8Array, count: number): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file.subarray(0, count);
  return new Uint8Array(await file.slice(0, count).arrayBuffer());
}

/**
 * A failure as it leaves the worker: the package's own errors as they are, anything else under
 * the code of the step it broke.
 */
export function unexpected(error: unknown, code: 'INSPECT_FAILED' | 'UPGRADE_FAILED'): Error {
  if (isSqljsMigrateError(error) && error instanceof Error) return error;
  return new UploadError(code, messageOf(error), { cause: error });
}

/** The upgraded file a keeping worker holds, and its drift from schema.sql. */
interface KeptFile {
  file: ArrayBuffer;
  byteLength: number;
  drift: SchemaDifference[];
  blob?: Blob;
}
