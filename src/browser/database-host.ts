import { transfer } from 'comlink';
import type { SqlJsStatic } from 'sql.js';
import type { MigrationReport, SqlValue } from '../index.ts';
import { checksumInput, isMigrationError, MigrationError, runMigrations } from '../index.ts';
import { DatabaseError, messageOf, storageFailure } from './database-error.ts';
import {
  type BackupReason,
  CHUNK_BYTES,
  indexedDbPageStore,
  type Manifest,
  memoryPageStore,
  type PageStore,
} from './page-store.ts';
import type {
  DatabaseEvent,
  DatabaseInfo,
  DatabaseWorkerApi,
  LoadTimings,
  OpenRequest,
  OpenResult,
  Row,
  SaveSummary,
  WriteResult,
  WriteStatement,
} from './protocol.ts';
import { loadSqlJs, queryRows, runInTransaction } from './sqlite.ts';
import { hasWebLocks, listenForSaves, lockName, readUnderLock, withLock } from './tabs.ts';
import { TrackedFile } from './tracked-file.ts';

/** How often a write is tried when its save keeps losing the race with other tabs' saves. */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * The pragmas every connection to the live file starts with: foreign keys enforced (SQLite starts
 * with them off), and the rollback journal and temporary data in SQLite's own memory rather than
 * as more files beside the database in sql.js's file system.
 */
const CONNECTION_SETTINGS =
  'PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY';

/** What opening settled, fixed for the worker's life. */
interface Opened {
  request: OpenRequest;
  sql: SqlJsStatic;
  checksums: Record<string, string> | undefined;
  tell(event: DatabaseEvent): void;
  channel: ReturnType<typeof listenForSaves>;
}

/** The stored file as a load read it. */
interface StoredFile {
  manifest: Manifest | undefined;
  /** The file's bytes with room after them; undefined before the first save. */
  file: Uint8Array | undefined;
}

/**
 * Owns one tab's copy of the database inside its worker.
 *
 * Every tab keeps its own sql.js database; IndexedDB holds the shared file and a generation that
 * grows with every save. Opening (read → migrate → save) and every write run under one Web Lock,
 * and a write first catches up with a newer save, so no tab overwrites another's change. After a
 * save a tab announces the new generation on a BroadcastChannel and the others catch up; a tab that
 * cannot take in what another saved (its build lacks a migration the file has) turns stale and
 * refuses writes, and so does a tab whose file was replaced wholesale (an adopted upload, a
 * restored backup).
 */
export class DatabaseHost implements DatabaseWorkerApi {
  private opened: Opened | undefined;
  private opening = false;
  private store: PageStore = memoryPageStore();
  private file: TrackedFile | undefined;
  /** The stored manifest this tab's file was read from or last saved as. */
  private manifest: Manifest | undefined;
  /**
   * Set when a migration changed the stored file: the stored file waits to be kept as a backup
   * until a save succeeds, so a failed save (a full disk) cannot let a later write store the
   * migrated file without it.
   */
  private keepOnSave: BackupReason | undefined;
  private readonly problems = {
    storage: null as string | null,
    /** Said while storage is otherwise fine. */
    locks: null as string | null,
    stale: null as string | null,
  };
  /** Writes and catch-ups of this tab run one at a time, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `openStore` picks where database `name` is stored; tests hand in a fake. */
  constructor(private readonly openStore: (name: string) => PageStore = indexedDbPageStore) {}

  async open(request: OpenRequest, onEvent: (event: DatabaseEvent) => void): Promise<OpenResult> {
    const requestedAt = performance.now();
    if (this.opening) throw new DatabaseError('OPEN_FAILED', 'This worker is already open.');
    this.opening = true;
    const store = request.storage === 'memory' ? memoryPageStore() : this.openStore(request.name);
    if (request.storage === 'memory')
      this.problems.storage = 'Running in memory as asked: nothing is saved.';
    // The engine compiles and the checksums are worked out while the lock and the read go on.
    const engine = loadSqlJs(request.wasmUrl);
    engine.catch(() => {});
    const checksums = nativeChecksums(request);
    const load = readUnderLock(lockName(request.name), {
      read: () => store.readCurrent(true),
      generationOf: (stored) => stored.manifest?.generation ?? 0,
      readGeneration: () => store.readGeneration(),
      // Only a store with no manifest can still be in 0.1.0's format. Where Web Locks are
      // missing, another tab may have converted it since the generation was checked: read the
      // generation again, or this tab would start empty beside the converted file.
      underLock: async (stored) =>
        stored.manifest === undefined &&
        ((await store.convertFirstFormat()) || (await store.readGeneration()) !== 0),
    });
    if (!hasWebLocks())
      this.problems.locks =
        'This browser offers no Web Locks here (a non-secure origin or an older browser), so tabs do not take turns; every save still checks that no other tab saved first, so none is overwritten.';
    try {
      let stored: StoredFile;
      try {
        stored = await load.result;
        this.store = store;
      } catch (error) {
        // A store that answers but holds a damaged file must not be mistaken for no storage:
        // the app would start empty, in memory, over the person's data.
        if (error instanceof DatabaseError) throw error;
        this.problems.storage = `IndexedDB is unavailable here: ${messageOf(error)}`;
        stored = { manifest: undefined, file: undefined };
      }
      const arrivedAt = performance.now();
      let sql: SqlJsStatic;
      try {
        sql = await engine;
      } catch (error) {
        throw new DatabaseError('OPEN_FAILED', `SQLite failed to load: ${messageOf(error)}`, {
          cause: error,
        });
      }
      const engineAt = performance.now();
      this.opened = {
        request,
        sql,
        checksums: await checksums,
        tell: onEvent,
        channel: listenForSaves(request.name, (announcement) => this.onSaved(announcement)),
      };
      let migrated: MigratedFile;
      try {
        migrated = this.openAndMigrate(stored);
      } catch (error) {
        // The run was on this tab's copy and nothing was saved: the stored file is as it was.
        if (error instanceof MigrationError) throw error.unchangedIn('the stored database');
        throw error;
      }
      const migratedAt = performance.now();
      const saved = await this.takeOver(stored.manifest, migrated, 'pre-migration').catch(
        () => null,
      );
      const doneAt = performance.now();
      const timings: LoadTimings = {
        workerStartedAt: performance.timeOrigin,
        requestMs: requestedAt,
        ...load.timings,
        engineWaitMs: engineAt - arrivedAt,
        openMs: migrated.openMs,
        migrateMs: migrated.migrateMs,
        saveMs: doneAt - migratedAt,
        totalMs: doneAt,
      };
      return { report: migrated.report, info: this.info(), timings, saved };
    } catch (error) {
      this.opened?.channel?.close();
      this.opened = undefined;
      throw error;
    } finally {
      load.release();
    }
  }

  async query(sql: string, params: SqlValue[] | undefined): Promise<Row[]> {
    return queryRows(this.live().db, sql, params);
  }

  write(statements: WriteStatement[]): Promise<WriteResult> {
    return this.inTurn(() => {
      const { request } = this.ready();
      return withLock(lockName(request.name), () => this.writeUnderLock(statements));
    });
  }

  exportImage(): Promise<Uint8Array> {
    // In turn with the writes: taking the file runs a probe commit, which must not land in the
    // middle of a save.
    return this.inTurn(async () => {
      const bytes = this.live().bytes();
      // Handed over, not copied: the file can be tens of megabytes.
      return transfer(bytes, [bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    this.opened?.channel?.close();
    await this.queue.catch(() => {});
    this.file?.close();
    this.file = undefined;
    this.opened = undefined;
  }

  private async writeUnderLock(statements: WriteStatement[]): Promise<WriteResult> {
    // A save refused as a conflict (another tab saved without the lock, where Web Locks are
    // missing) is retried on the newer file: the statements run again on top of it.
    for (let attempt = 1; ; attempt += 1) {
      if (this.problems.stale === null) await this.catchUp();
      if (this.problems.stale !== null) throw new DatabaseError('STALE', this.problems.stale);
      const written = runInTransaction(this.live().db, statements);
      try {
        const saved = await this.save();
        this.emit('changed', 'local');
        return { ...written, generation: this.manifest?.generation ?? 0, saved };
      } catch (error) {
        // The stored file is the last good one; show that instead of a change nobody kept. When
        // it cannot be read either, the tab stops saving: its file holds a change nobody kept,
        // which the next write must not store.
        await this.store.readManifest().then(
          (manifest) => this.catchUpTo(manifest, { afterFailedSave: true }),
          (readError: unknown) => this.becomeStale(readError, 'its last saved database'),
        );
        if (!(error instanceof DatabaseError) || error.code !== 'CONFLICT') throw error;
        if (attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** Takes in another tab's newer save, migrating it if it is older than this build. */
  private async catchUp(): Promise<boolean> {
    if (this.store.kind === 'memory' || this.problems.stale !== null) return false;
    const manifest = await this.store.readManifest();
    if ((manifest?.generation ?? 0) <= (this.manifest?.generation ?? 0)) return false;
    return this.catchUpTo(manifest);
  }

  /**
   * Makes the stored file this tab's database, reading only the chunks that differ from the ones
   * this tab holds, and checks it with the runner. Called under the lock, so a run that has to
   * change the file (it is older than this build) may save it. A run that refuses makes the tab
   * stale.
   */
  private async catchUpTo(
    manifest: Manifest | undefined,
    { afterFailedSave = false } = {},
  ): Promise<boolean> {
    const held = this.manifest;
    if (!afterFailedSave && (manifest?.generation ?? 0) <= (held?.generation ?? 0)) return false;
    const file = this.file;
    let stored: StoredFile = { manifest: undefined, file: undefined };
    let migrated: MigratedFile;
    try {
      // The manifest again with its chunks, in one transaction: another save between two reads
      // could free chunks the first one named. What this tab checks about the stored file (gone,
      // replaced) is checked on that read.
      if (manifest !== undefined)
        stored = await this.store.readCurrent(true, (index, current) =>
          held !== undefined &&
          held.chunkSize === current.chunkSize &&
          held.chunks[index] === current.chunks[index]
            ? file?.savedChunk(index)
            : undefined,
        );
      if (this.leftBehind(stored.manifest)) return false;
      migrated = this.openAndMigrate(stored);
    } catch (error) {
      this.becomeStale(error, afterFailedSave ? 'its last saved database' : "another tab's save");
      return false;
    }
    await this.takeOver(stored.manifest, migrated, 'pre-migration').catch(() => null);
    return true;
  }

  /**
   * True, and this tab stale, when the stored file is no longer the one this tab holds: gone
   * (saves only ever raise the generation, so a lower one, or none, means the browser cleared the
   * site's storage: this tab's copy is then the only one left, and must not be swapped for an
   * empty database) or replaced wholesale by another tab (whose announcement can come after this
   * tab took the lock, or never where BroadcastChannel is missing).
   */
  private leftBehind(manifest: Manifest | undefined): boolean {
    const held = this.manifest;
    if (held === undefined) return false;
    if ((manifest?.generation ?? 0) < held.generation) {
      this.becomeStale(
        'the stored database is gone, most likely cleared by the browser; this tab still holds its copy, with the writes it could not save: download it (exportImage) before you reload',
      );
      return true;
    }
    if (manifest !== undefined && manifest.fileId !== held.fileId) {
      this.becomeReplaced();
      return true;
    }
    return false;
  }

  /** Opens a stored file (or a new one) in a tracked buffer and runs the migrations on it. */
  private openAndMigrate(stored: StoredFile): MigratedFile {
    const { request, sql, checksums } = this.ready();
    const startedAt = performance.now();
    const options = {
      chunkSize: stored.manifest?.chunkSize ?? CHUNK_BYTES,
      settings: CONNECTION_SETTINGS,
    };
    const file =
      stored.file === undefined || stored.manifest === undefined
        ? TrackedFile.create(sql, options)
        : TrackedFile.open(sql, stored.file, stored.manifest.fileSize, options);
    const openedAt = performance.now();
    try {
      const report = runMigrations(file.db, request.migrations, {
        ...request.runOptions,
        schema: request.schema,
        checksums,
      });
      return {
        file,
        report,
        openMs: openedAt - startedAt,
        migrateMs: performance.now() - openedAt,
      };
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /**
   * Makes a migrated file this tab's database, in place of any it had. Nothing is written unless
   * the run changed the file (or there was nothing stored yet): then it is saved, the stored file
   * kept as a backup for `reason`. Rejects when that save fails; the tab then goes on with the
   * migrated file, and the backup waits for the next save.
   */
  private async takeOver(
    manifest: Manifest | undefined,
    migrated: MigratedFile,
    reason: BackupReason,
  ): Promise<SaveSummary | null> {
    this.file?.close();
    this.file = migrated.file;
    this.manifest = manifest;
    this.keepOnSave = migrated.report.changed && manifest !== undefined ? reason : undefined;
    if (!migrated.report.changed && manifest !== undefined) return null;
    return this.save();
  }

  /**
   * Saves the chunks of the live file that changed as the next generation, with the stored file
   * kept as a backup when one waits; throws the failure (`CONFLICT`, `QUOTA_EXCEEDED`,
   * `SAVE_FAILED`), with the stored file as it was.
   */
  private async save(): Promise<SaveSummary> {
    const file = this.live();
    const changes = file.changes();
    if (this.store.kind === 'memory') {
      file.markSaved();
      this.manifest = undefined;
      return { bytesWritten: 0, wholeFile: changes.wholeFile };
    }
    const chunks = new Map(changes.chunks.map((index) => [index, file.chunk(index)]));
    let saved: Awaited<ReturnType<PageStore['save']>>;
    try {
      saved = await this.store.save({
        follows: this.manifest?.generation ?? 0,
        fileSize: changes.size,
        chunks,
        keepPrevious: this.keepOnSave,
      });
    } catch (error) {
      const failure = storageFailure(error, 'The last saved database is kept');
      if (failure.code !== 'CONFLICT') {
        this.problems.storage = failure.message;
        this.emit('status', null);
      }
      throw failure;
    }
    file.markSaved();
    this.manifest = saved.manifest;
    this.keepOnSave = undefined;
    if (this.problems.storage !== null && this.store.kind === 'indexeddb') {
      this.problems.storage = null;
      this.emit('status', null);
    }
    this.opened?.channel?.announce({ type: 'saved', generation: saved.manifest.generation });
    return { bytesWritten: saved.bytesWritten, wholeFile: changes.wholeFile };
  }

  private onSaved(announcement: { generation: number; replaced?: boolean }): void {
    const opened = this.opened;
    if (opened === undefined || this.problems.stale !== null) return;
    if (announcement.generation <= (this.manifest?.generation ?? 0)) return;
    if (announcement.replaced === true) {
      this.becomeReplaced();
      return;
    }
    this.inTurn(() =>
      withLock(lockName(opened.request.name), async () => {
        if (await this.catchUp()) this.emit('changed', 'remote');
      }),
    ).catch(() => {});
  }

  /**
   * Stops this tab's writes because another tab replaced the stored file wholesale. Catching up
   * would quietly swap every row under the page, and the report it shows would describe another
   * file: the page reloads instead.
   */
  private becomeReplaced(): void {
    this.problems.stale =
      'The database was replaced in another tab (an adopted upload, a restored backup or a newer version of this app): reload to see it.';
    this.emit('replaced', 'remote');
  }

  /**
   * Stops this tab's writes, saying why: `problem` in words, or the error met while taking in
   * `what` (another tab's save, or the last saved database after a save of this tab failed).
   */
  private becomeStale(problem: unknown, what = "another tab's save"): void {
    const reload = 'so this tab no longer saves anything: reload it to continue.';
    this.problems.stale =
      typeof problem === 'string'
        ? `This tab can no longer save: ${problem}.`
        : isMigrationError(problem) && problem.code === 'UNKNOWN_APPLIED'
          ? `A newer version of this app has changed the database, ${reload} (${problem.reason})`
          : `This tab could not take in ${what} (${isMigrationError(problem) ? problem.reason : messageOf(problem)}), ${reload}`;
    this.emit('status', null);
  }

  /** Runs `task` after every task queued before it; one failing stops none. */
  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private ready(): Opened {
    if (this.opened === undefined) throw new DatabaseError('CLOSED', 'The database is not open.');
    return this.opened;
  }

  private live(): TrackedFile {
    this.ready();
    if (this.file === undefined) throw new DatabaseError('CLOSED', 'The database is not open.');
    return this.file;
  }

  private info(): DatabaseInfo {
    return {
      storage: this.store.kind,
      storageProblem:
        this.problems.storage ?? (this.store.kind === 'indexeddb' ? this.problems.locks : null),
      generation: this.manifest?.generation ?? 0,
      sizeBytes: this.file?.size() ?? 0,
      staleReason: this.problems.stale,
    };
  }

  private emit(kind: DatabaseEvent['kind'], origin: DatabaseEvent['origin']): void {
    // The page may be gone (a closed tab); its events are not worth an unhandled rejection.
    Promise.resolve(this.opened?.tell({ kind, origin, info: this.info() })).catch(() => {});
  }
}

/** A file opened and brought to this build's schema. */
interface MigratedFile {
  file: TrackedFile;
  report: MigrationReport;
  openMs: number;
  migrateMs: number;
}

/**
 * The migrations' checksums, from the browser's native SHA-256 (off this thread, which the read
 * needs); undefined where there is none (a page not served securely), and the runner works them
 * out itself.
 */
async function nativeChecksums(request: OpenRequest): Promise<Record<string, string> | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return undefined;
  const encoder = new TextEncoder();
  try {
    const digests = await Promise.all(
      request.migrations.map((migration) =>
        subtle.digest('SHA-256', encoder.encode(checksumInput(migration.sql))),
      ),
    );
    return Object.fromEntries(
      request.migrations.map((migration, index) => [
        migration.name,
        hex(digests[index] as ArrayBuffer),
      ]),
    );
  } catch {
    return undefined;
  }
}

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
