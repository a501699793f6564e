import { transfer } from 'comlink';
import type { Database, SqlJsStatic } from 'sql.js';
import type { SqlValue } from '../core/types.ts';
import { isMigrationError, MigrationError } from '../index.ts';
import { hasWebLocks, lockName, withLock } from './cross-tab-lock.ts';
import {
  DatabaseError,
  databaseErrorData,
  messageOf,
  type SerializedDatabaseError,
} from './database-error.ts';
import {
  type ImageStore,
  indexedDbImageStore,
  memoryImageStore,
  type StoredImage,
} from './image-store.ts';
import { beginLockedLoad, type LockedLoad } from './locked-load.ts';
import { type MigratedImage, openAndMigrate } from './open-stored.ts';
import { saveImage } from './save-image.ts';
import { listenForSaves, type SavedAnnouncement } from './saved-channel.ts';
import { exportImage, fileSize, loadSqlJs } from './sql-loader.ts';
import { queryRows, runInTransaction } from './sql-statements.ts';
import { TaskQueue } from './task-queue.ts';
import { warmUp } from './warm-up.ts';
import type {
  DatabaseEvent,
  DatabaseInfo,
  DatabaseWorkerApi,
  LoadTimings,
  OpenRequest,
  OpenResult,
  Outcome,
  Row,
  WriteResult,
  WriteStatement,
} from './worker-protocol.ts';

/** How often a write is tried when its save keeps losing the race with other tabs' saves. */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * Owns one tab's copy of the database inside its worker.
 *
 * Every tab keeps its own sql.js database; IndexedDB holds the shared image and a generation
 * number that grows with every save. Opening (load → migrate → save) and every write run under
 * one Web Lock, and a write first catches up with a newer image, so no tab overwrites another's
 * change. After a save a tab announces the new generation on a BroadcastChannel and the others
 * reload; a tab whose build lacks a migration the image has turns stale and refuses writes, and
 * so does a tab whose image was replaced wholesale (an adopted upload, a restored backup).
 */
export class DatabaseHost implements DatabaseWorkerApi {
  private request: OpenRequest | undefined;
  private sql: SqlJsStatic | undefined;
  private db: Database | undefined;
  private store: ImageStore = memoryImageStore();
  private generation = 0;
  /** The file's size, known from the bytes last read or saved, so reporting it costs no query. */
  private sizeBytes = 0;
  private storageProblem: string | null = null;
  /** Set where Web Locks are missing: said while storage is otherwise fine. */
  private lockProblem: string | null = null;
  private staleReason: string | null = null;
  private channel: ReturnType<typeof listenForSaves>;
  private onEvent: (event: DatabaseEvent) => void = () => {};
  // Writes and reloads of this tab run one at a time, in the order they were asked for.
  private readonly queue = new TaskQueue();

  private early: LockedLoad | undefined;
  /**
   * The image a migration changed, waiting to become a backup: kept until a save succeeds, so a
   * failed save after a migrating load (a full disk) cannot let a later write store the migrated
   * image without it.
   */
  private pendingBackup: Uint8Array | undefined;

  /** `openStore` picks where database `name` is stored; tests hand in a fake. */
  constructor(private readonly openStore: (name: string) => ImageStore = indexedDbImageStore) {}

  /**
   * Begins opening before the page asks, when the worker was started with the name
   * `sqljs-migrate:<database>` (as `openDatabase` does): the lock and the IndexedDB read — the
   * slow part of an up-to-date load — then overlap with the page sending its migrations.
   */
  start(workerName: string): void {
    const prefix = lockName('');
    if (!workerName.startsWith(prefix) || this.early !== undefined) return;
    const name = workerName.slice(prefix.length);
    this.store = this.openStore(name);
    this.early = beginLockedLoad(name, lockName(name), this.reader());
  }

  async open(request: OpenRequest, onEvent: (event: DatabaseEvent) => void): Promise<OpenResult> {
    if (this.request !== undefined) {
      return { ok: false, error: databaseErrorData('OPEN_FAILED', 'This worker is already open.') };
    }
    this.request = request;
    this.onEvent = onEvent;
    // Compiling the wasm overlaps with waiting for the lock and reading IndexedDB.
    const sqlReady = loadSqlJs();
    sqlReady.catch(() => {});
    let load = this.early;
    this.early = undefined;
    if (load !== undefined && (load.name !== request.name || request.storage === 'memory')) {
      load.release();
      load = undefined;
    }
    if (request.storage === 'memory') {
      this.store = memoryImageStore();
      this.storageProblem = 'Running in memory as asked: nothing is saved.';
    } else if (load === undefined) {
      this.store = this.openStore(request.name);
    }
    load ??= beginLockedLoad(request.name, lockName(request.name), this.reader());
    if (!hasWebLocks())
      this.lockProblem =
        'This browser offers no Web Locks here (a non-secure origin or an older browser), so tabs do not take turns; every save still checks that no other tab saved first, so none is overwritten.';
    warmUp(request.migrations, load.stored).catch(() => {});
    try {
      const stored = await load.stored;
      return await this.migrateAndSave(request, sqlReady, stored, load);
    } finally {
      load.release();
    }
  }

  /** The part of opening that runs once the image is read, still under the lock. */
  private async migrateAndSave(
    request: OpenRequest,
    sqlReady: Promise<SqlJsStatic>,
    stored: StoredImage,
    load: LockedLoad,
  ): Promise<OpenResult> {
    const arrivedAt = performance.now();
    try {
      this.sql = await sqlReady;
    } catch (error) {
      return {
        ok: false,
        error: databaseErrorData('OPEN_FAILED', `SQLite failed to load: ${messageOf(error)}`),
      };
    }
    const engineAt = performance.now();
    let opened: MigratedImage;
    try {
      opened = openAndMigrate(this.sql, stored.bytes, request.migrations, this.runOptions());
    } catch (error) {
      // The run was on this tab's copy and nothing was saved: the stored image is as it was.
      if (error instanceof MigrationError)
        return { ok: false, error: error.unchangedIn('the stored database').toJSON() };
      if (isMigrationError(error)) return { ok: false, error: error.toJSON() };
      return { ok: false, error: databaseErrorData('OPEN_FAILED', messageOf(error)) };
    }
    const migratedAt = performance.now();
    // Listening first: the save in takeOver announces itself on the channel.
    this.listenForOtherTabs(request.name);
    await this.takeOver(stored, opened);
    const doneAt = performance.now();
    const timings: LoadTimings = {
      workerStartedAt: performance.timeOrigin,
      ...load.timings,
      engineWaitMs: engineAt - arrivedAt,
      openMs: opened.openMs,
      migrateMs: opened.migrateMs,
      saveMs: doneAt - migratedAt,
      totalMs: doneAt,
    };
    return { ok: true, report: opened.report, info: this.info(), timings };
  }

  async query(sql: string, params: SqlValue[] | undefined): Promise<Outcome<Row[]>> {
    const db = this.db;
    if (db === undefined)
      return { ok: false, error: databaseErrorData('CLOSED', 'The database is not open.') };
    try {
      return { ok: true, value: queryRows(db, sql, params) };
    } catch (error) {
      return { ok: false, error: databaseErrorData('SQL_FAILED', messageOf(error)) };
    }
  }

  write(statements: WriteStatement[]): Promise<Outcome<WriteResult>> {
    return this.queue.run(async () => {
      const request = this.request;
      if (request === undefined || this.db === undefined) {
        return { ok: false, error: databaseErrorData('CLOSED', 'The database is not open.') };
      }
      return withLock(lockName(request.name), () => this.writeUnderLock(statements));
    });
  }

  async exportImage(): Promise<Uint8Array> {
    if (this.db === undefined) throw new DatabaseError('CLOSED', 'The database is not open.');
    const bytes = exportImage(this.db);
    // Handed over, not copied: the image can be tens of megabytes.
    return transfer(bytes, [bytes.buffer]);
  }

  async close(): Promise<void> {
    this.channel?.close();
    this.channel = undefined;
    await this.queue.idle();
    this.db?.close();
    this.db = undefined;
  }

  private async writeUnderLock(statements: WriteStatement[]): Promise<Outcome<WriteResult>> {
    // A save refused as a conflict (another tab saved without the lock, where Web Locks are
    // missing) is retried on the newer image: the statements run again on top of it.
    for (let attempt = 1; ; attempt += 1) {
      await this.catchUp();
      const db = this.db;
      if (this.staleReason !== null) {
        return { ok: false, error: databaseErrorData('STALE', this.staleReason) };
      }
      if (db === undefined)
        return { ok: false, error: databaseErrorData('CLOSED', 'The database is not open.') };
      let written: ReturnType<typeof runInTransaction>;
      try {
        written = runInTransaction(db, statements);
      } catch (error) {
        return { ok: false, error: databaseErrorData('SQL_FAILED', messageOf(error)) };
      }
      const failure = await this.save();
      if (failure === null) {
        this.emit('changed', 'local');
        return { ok: true, value: { ...written, generation: this.generation } };
      }
      // The stored image is the last good one; show that instead of a change nobody kept.
      await this.catchUpTo(await this.store.load());
      if (failure.code !== 'CONFLICT' || attempt >= MAX_WRITE_ATTEMPTS)
        return { ok: false, error: failure };
    }
  }

  /** Reloads the stored image when another tab saved a newer one, and migrates it if needed. */
  private async catchUp(): Promise<boolean> {
    if (this.store.kind === 'memory') return false;
    const storedGeneration = await this.store.loadGeneration();
    if (storedGeneration <= this.generation) return false;
    return this.catchUpTo(await this.store.load());
  }

  /**
   * Makes `stored` this tab's database after checking it with the runner. Called under the lock,
   * so a run that has to change the image (it is older than this build) may save it. A run that
   * refuses (the image names a migration this build lacks) makes the tab stale.
   */
  private async catchUpTo(stored: StoredImage): Promise<boolean> {
    const sql = this.sql;
    const request = this.request;
    if (sql === undefined || request === undefined) return false;
    let opened: MigratedImage;
    try {
      opened = openAndMigrate(sql, stored.bytes, request.migrations, this.runOptions());
    } catch (error) {
      this.becomeStale(error);
      return false;
    }
    await this.takeOver(stored, opened);
    return true;
  }

  /**
   * Makes an opened and migrated image this tab's database, in place of any it had. Nothing is
   * written unless the run changed the image: then the image as it was stored waits to be kept
   * as a backup (replacing whatever waited before), and the migrated one is saved.
   */
  private async takeOver(stored: StoredImage, opened: MigratedImage): Promise<void> {
    this.db?.close();
    this.db = opened.db;
    this.generation = stored.generation;
    this.sizeBytes = stored.bytes?.byteLength ?? fileSize(opened.db);
    this.pendingBackup = opened.report.changed ? stored.bytes : undefined;
    if (opened.report.changed) await this.save();
  }

  /**
   * Saves the live database as the next generation; returns the failure, or null. The image a
   * migration changed, when one waits, is kept as a backup in the same transaction.
   */
  private async save(): Promise<SerializedDatabaseError | null> {
    if (this.db === undefined) return null;
    if (this.store.kind === 'memory') {
      this.sizeBytes = fileSize(this.db);
      this.pendingBackup = undefined;
      return null;
    }
    const saved = await saveImage(this.store, this.db, this.generation, this.pendingBackup);
    if (!saved.ok) {
      this.storageProblem = saved.problem;
      this.emit('status', null);
      return databaseErrorData(saved.code, saved.problem);
    }
    this.generation = saved.generation;
    this.sizeBytes = saved.sizeBytes;
    this.pendingBackup = undefined;
    if (this.storageProblem !== null) {
      this.storageProblem = null;
      this.emit('status', null);
    }
    this.channel?.announce({ type: 'saved', generation: saved.generation });
    return null;
  }

  private listenForOtherTabs(name: string): void {
    if (this.store.kind === 'memory') return;
    this.channel = listenForSaves(name, (announcement) => this.onSaved(name, announcement));
  }

  private onSaved(name: string, announcement: SavedAnnouncement): void {
    if (announcement.generation <= this.generation) return;
    if (announcement.replaced === true) {
      // Catching up would quietly swap every row under the page, and the report it shows would
      // describe another file: stop writing and let the page reload instead.
      this.staleReason =
        'The database was replaced in another tab (an adopted upload or a restored backup): reload to see it.';
      this.emit('replaced', 'remote');
      return;
    }
    this.queue
      .run(() =>
        withLock(lockName(name), async () => {
          if (await this.catchUp()) this.emit('changed', 'remote');
        }),
      )
      .catch(() => {});
  }

  private reader() {
    return {
      read: () => this.loadOrFallBackToMemory(),
      readGeneration: () => this.store.loadGeneration(),
    };
  }

  private async loadOrFallBackToMemory(): Promise<StoredImage> {
    try {
      return await this.store.load();
    } catch (error) {
      this.store = memoryImageStore();
      this.storageProblem = `IndexedDB is unavailable here: ${messageOf(error)}`;
      return { bytes: undefined, generation: 0 };
    }
  }

  private becomeStale(error: unknown): void {
    this.staleReason = `A newer version of this app has changed the database, so this tab no longer saves anything: reload it to continue. (${messageOf(error)})`;
    this.emit('status', null);
  }

  private runOptions() {
    return { ...this.request?.runOptions, schema: this.request?.schema };
  }

  private info(): DatabaseInfo {
    return {
      storage: this.store.kind,
      storageProblem:
        this.storageProblem ?? (this.store.kind === 'indexeddb' ? this.lockProblem : null),
      generation: this.generation,
      sizeBytes: this.sizeBytes,
      staleReason: this.staleReason,
    };
  }

  private emit(kind: DatabaseEvent['kind'], origin: DatabaseEvent['origin']): void {
    // The page may be gone (a closed tab); its events are not worth an unhandled rejection.
    Promise.resolve(this.onEvent({ kind, origin, info: this.info() })).catch(() => {});
  }
}
