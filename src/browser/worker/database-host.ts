import { transfer } from 'comlink';
import type { MigrationProgress, SqlValue } from '../../index.ts';
import { MigrationError } from '../../index.ts';
import {
  DatabaseError,
  isStorageError,
  messageOf,
  type StaleReason,
  transactionTimedOut,
} from '../errors.ts';
import type {
  DatabaseEvent,
  DatabaseInfo,
  DatabaseWorkerApi,
  ExecuteResult,
  LiveQueryListener,
  OpenProgress,
  OpenRequest,
  OpenResult,
  RowMode,
  StatementResult,
  WorkerOpening,
  WriteResult,
  WriteStatement,
} from '../protocol.ts';
import {
  type ChunkStore,
  indexedDbChunkStore,
  memoryChunkStore,
  type StoredFile,
} from '../storage/chunk-store.ts';
import { Coordinator } from '../tabs/coordinator.ts';
import type { SavedAnnouncement } from '../tabs/save-channel.ts';
import { missingLocksWarning } from '../tabs/web-lock.ts';
import { nativeChecksums } from './checksums.ts';
import { LiveQueries } from './live-queries.ts';
import { LoadClock } from './load-clock.ts';
import {
  type CatchUp,
  LocalCopy,
  type MigratedFile,
  type Migrator,
  openAndMigrate,
  replacedElsewhere,
} from './local-copy.ts';
import { OpenTransaction, stillInTransaction } from './open-transaction.ts';
import { beginOpening, type Opening, sameOpening } from './opening.ts';
import { letGo, tell } from './page-calls.ts';
import {
  type ChangedTables,
  lastInsertRowidOf,
  readRows,
  runInTransaction,
  wroteInRead,
} from './statements.ts';

/** How often a write is tried when its save keeps losing the race with other tabs' saves. */
const MAX_WRITE_ATTEMPTS = 3;

/** How many transactions whose time budget ran out are remembered, to tell their late calls why. */
const EXPIRED_KEPT = 16;

/** What an open host holds for its life. */
interface OpenTab {
  name: string;
  coordinator: Coordinator;
  copy: LocalCopy;
  live: LiveQueries;
  /** The interactive transaction the page holds open, if any: it has this tab's turn and the lock. */
  transaction: OpenTransaction | undefined;
  /** Why nothing is kept, or that tabs do not take turns; fixed at open. Null when all is well. */
  storageNote: string | null;
  tell(event: DatabaseEvent): void;
}

/** Where the host is in its life: one value, so no two facts about it can disagree. */
type HostState =
  | { phase: 'new' }
  | { phase: 'opening' }
  | { phase: 'open'; tab: OpenTab }
  /** Open, but refusing writes: another tab replaced or changed the file past what this one can take in. */
  | { phase: 'stale'; tab: OpenTab; because: StaleReason; message: string }
  | { phase: 'closed' };

/**
 * Owns one tab's copy of the database inside its worker.
 *
 * Every tab keeps its own sql.js database; IndexedDB holds the shared file and a generation that
 * grows with every save. Opening (read → migrate → save) and every write run under the cross-tab
 * lock through the coordinator, and a write first catches up with a newer save, so no tab
 * overwrites another's change. After a save the coordinator announces the new generation and
 * the other tabs catch up; a tab that cannot take in what another saved (its build lacks a
 * migration the file has) turns stale and refuses writes, and so does a tab whose file was
 * replaced wholesale (an adopted upload, a restored backup).
 */
export class DatabaseHost implements DatabaseWorkerApi {
  private state: HostState = { phase: 'new' };
  /** Writes and catch-ups of this tab run one at a time, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private nextTransactionId = 1;
  /** Set by `close()`: a transaction whose turn comes after it is not begun. */
  private closing = false;
  /** Transactions whose time budget ran out: their later calls are told so. */
  private readonly expired = new Map<number, OpenTransaction>();

  /** The load begun before the open request came, from the worker's name. */
  private begun: Opening | undefined;

  /**
   * `openStore` picks where database `name` is stored; tests hand in a fake. `opening`, when the
   * worker's name says what it opens, begins the load at once.
   */
  constructor(
    private readonly openStore: (name: string) => ChunkStore = indexedDbChunkStore,
    opening?: WorkerOpening,
  ) {
    if (opening !== undefined) this.begun = beginOpening(opening, openStore);
  }

  async open(
    request: OpenRequest,
    onEvent: (event: DatabaseEvent) => void,
    onProgress?: (progress: OpenProgress) => void,
  ): Promise<OpenResult> {
    if (this.state.phase !== 'new')
      throw new DatabaseError('OPEN_FAILED', 'This worker is already open.');
    this.state = { phase: 'opening' };
    const opening = this.takeOpening(request);
    const clock = new LoadClock(opening.startedAt);
    clock.mark('requested');
    const { load } = opening;
    // Each call posts a message to the page at once, while the open goes on (a migration runs
    // synchronously); the page may be gone.
    const tellProgress = (progress: OpenProgress) => tell(() => onProgress?.(progress));
    void load.waiting.then(() => {
      if (this.state.phase === 'opening') tellProgress({ step: 'waiting' });
    });
    const checksums = nativeChecksums(request.migrations);
    const migrator = opening.engine.then(
      async (sql): Promise<Migrator> => ({
        sql,
        migrations: request.migrations,
        options: { ...request.runOptions, schema: request.schema, checksums: await checksums },
      }),
    );
    migrator.catch(() => {});
    let tab: OpenTab | undefined;
    try {
      const { stored, store, storageNote } = await readStoredOrFallBack(
        opening.coordinator.store,
        load.result,
        request,
      );
      clock.mark('stored');
      const ready = await migrator.catch((error: unknown) => {
        throw new DatabaseError('OPEN_FAILED', `SQLite failed to load: ${messageOf(error)}`, {
          cause: error,
        });
      });
      clock.mark('engine');
      // The store read, unless IndexedDB failed and the tab runs in memory.
      const coordinator =
        store === opening.coordinator.store
          ? opening.coordinator
          : new Coordinator(request.name, store);
      const copy = new LocalCopy(coordinator, ready, () => this.emit('status', null));
      tab = {
        name: request.name,
        coordinator,
        copy,
        live: new LiveQueries(
          () => copy.live().db,
          (task) => this.inTurn(task),
        ),
        transaction: undefined,
        storageNote,
        tell: onEvent,
      };
      coordinator.listen((announcement) => this.onSaved(announcement));
      const migrated = migrateOrRefuse(ready, stored, (migration) =>
        tellProgress({ step: 'migrating', migration }),
      );
      clock.mark('migrated');
      this.state = { phase: 'open', tab };
      // A failed save leaves the tab on the migrated file; `info()` says why it was not kept.
      const saved = await tab.copy.takeOver(stored.manifest, migrated, 'pre-migration', () =>
        tellProgress({ step: 'saving' }),
      );
      clock.mark('saved');
      return {
        report: migrated.report,
        info: this.info(),
        timings: clock.timings(load.timings, migrated),
        saved,
      };
    } catch (error) {
      tab?.coordinator.close();
      // A worker opens once: after a failed open it only says it is not open.
      this.state = { phase: 'closed' };
      throw error;
    } finally {
      load.release();
      // The page's progress callback came as a Comlink proxy: let its message port go.
      letGo(onProgress);
    }
  }

  /** The load begun at the worker's start when it opens what `request` asks, else one begun now. */
  private takeOpening(request: OpenRequest): Opening {
    const begun = this.begun;
    this.begun = undefined;
    if (begun !== undefined && sameOpening(begun.what, request)) return begun;
    begun?.load.release();
    const { name, storage, wasmUrl } = request;
    return beginOpening({ name, storage, wasmUrl }, this.openStore);
  }

  async query(
    sql: string,
    params: SqlValue[] | undefined,
    rowMode: RowMode,
  ): Promise<StatementResult> {
    const tab = this.openTab();
    await untilNoTransaction(tab);
    return readRows(tab.copy.live().db, sql, params, rowMode);
  }

  write(statements: WriteStatement[]): Promise<WriteResult> {
    return this.inTurn(() => {
      const tab = this.openTab();
      return tab.coordinator.underLock(() => this.writeUnderLock(tab, statements, 'object'));
    });
  }

  async execute(statement: WriteStatement, rowMode: RowMode): Promise<ExecuteResult> {
    const tab = this.openTab();
    await untilNoTransaction(tab);
    try {
      return {
        ...readRows(tab.copy.live().db, statement.sql, statement.params, rowMode),
        saved: null,
      };
    } catch (error) {
      // SQLite refused it as a read because it writes: it runs again as a write, in turn.
      if (!wroteInRead(error)) throw error;
    }
    return this.inTurn(() =>
      tab.coordinator.underLock(async () => {
        const written = await this.writeUnderLock(tab, [statement], rowMode);
        return { ...(written.results[0] as StatementResult), saved: written.saved };
      }),
    );
  }

  begin(timeoutMs: number): Promise<number> {
    const tab = this.openTab();
    return new Promise((begun, failed) => {
      this.inTurn(() =>
        tab.coordinator.underLock(async () => {
          let transaction: OpenTransaction;
          try {
            // A transaction whose turn comes after close() could never be committed or rolled
            // back by the page, and would hold the lock until the worker is ended.
            this.refuseIfClosing();
            this.settle(await this.catchUpUnlessStale(tab));
            this.refuseIfStale();
            this.refuseIfClosing();
            const db = tab.copy.live().db;
            db.exec('BEGIN');
            const id = this.nextTransactionId++;
            transaction = new OpenTransaction(id, timeoutMs, db, () =>
              this.expire(tab, transaction),
            );
            tab.transaction = transaction;
          } catch (error) {
            failed(error);
            return;
          }
          begun(transaction.id);
          // This tab's turn and the lock are held until the transaction ends.
          await transaction.finished;
        }),
      ).catch(failed);
    });
  }

  async inTransaction(
    id: number,
    statement: WriteStatement,
    rowMode: RowMode,
    access: 'read' | 'write',
  ): Promise<StatementResult> {
    const { tab, transaction } = this.transactionOf(id);
    if (access === 'read')
      return readRows(tab.copy.live().db, statement.sql, statement.params, rowMode);
    try {
      return transaction.write(statement, rowMode);
    } finally {
      if (transaction.endedBySqlite) this.endTransaction(tab, transaction);
    }
  }

  async savepoint(id: number): Promise<string> {
    return this.transactionOf(id).transaction.openSavepoint();
  }

  async release(id: number, name: string): Promise<void> {
    this.transactionOf(id).transaction.release(name);
  }

  async rollbackTo(id: number, name: string): Promise<void> {
    this.transactionOf(id).transaction.rollbackTo(name);
  }

  async commit(id: number): Promise<WriteResult> {
    const { tab, transaction } = this.transactionOf(id);
    const db = tab.copy.live().db;
    // From here on no statement, time budget or close may touch it: its save must finish first.
    const changed = transaction.startCommit();
    try {
      try {
        db.exec('COMMIT');
      } catch (error) {
        // A deferred foreign key still broken: the transaction stays open until rolled back.
        if (stillInTransaction(db)) db.exec('ROLLBACK');
        throw new DatabaseError(
          'SQL_FAILED',
          `${messageOf(error)}; the transaction was rolled back, so nothing of it is stored.`,
          { cause: error },
        );
      }
      // Read before the save, which may reopen the file on a fresh buffer.
      const lastInsertRowid = lastInsertRowidOf(db);
      const saved = await this.saveOrFallBack(tab);
      this.afterLocalWrite(tab, changed);
      return {
        changes: transaction.changes,
        lastInsertRowid,
        rows: [],
        results: [],
        generation: tab.copy.generation(),
        saved,
      };
    } finally {
      this.endTransaction(tab, transaction);
    }
  }

  async rollback(id: number): Promise<void> {
    const tab = this.openTab();
    const transaction = tab.transaction;
    // A transaction that already ended (its budget ran out, SQLite rolled it back) has nothing
    // left to undo; one that is committing is its commit's to end.
    if (transaction?.id !== id || !transaction.isOpen()) return;
    this.rollBackAndEnd(tab, transaction);
  }

  async live(
    statement: WriteStatement,
    rowMode: RowMode,
    listener: LiveQueryListener,
  ): Promise<number> {
    const tab = this.openTab();
    await untilNoTransaction(tab);
    return tab.live.add(statement, rowMode, listener);
  }

  async stopLive(id: number): Promise<void> {
    this.tabOrUndefined()?.live.remove(id);
  }

  exportImage(): Promise<Uint8Array> {
    // In turn with the writes: taking the file runs a probe commit, which must not land in the
    // middle of a save.
    return this.inTurn(async () => {
      const bytes = this.openTab().copy.live().bytes();
      // Handed over, not copied: the file can be tens of megabytes.
      return transfer(bytes, [bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const tab = this.tabOrUndefined();
    tab?.coordinator.close();
    // A transaction still open is rolled back: nothing of it is stored. One that is committing
    // finishes its save first (the queue below waits for it).
    const transaction = tab?.transaction;
    if (tab !== undefined && transaction?.isOpen()) this.rollBackAndEnd(tab, transaction);
    await this.queue.catch(() => {});
    tab?.copy.close();
    this.state = { phase: 'closed' };
  }

  private async writeUnderLock(
    tab: OpenTab,
    statements: WriteStatement[],
    rowMode: RowMode,
  ): Promise<WriteResult> {
    // A save refused as a conflict (another tab saved without the lock, where Web Locks are
    // missing) is retried on the newer file: the statements run again on top of it.
    for (let attempt = 1; ; attempt += 1) {
      this.settle(await this.catchUpUnlessStale(tab));
      this.refuseIfStale();
      const db = tab.copy.live().db;
      const { results, changes, changed } = runInTransaction(db, statements, rowMode);
      try {
        const saved = await this.saveOrFallBack(tab);
        this.afterLocalWrite(tab, changed);
        const last = results.at(-1);
        return {
          changes,
          lastInsertRowid: last?.lastInsertRowid ?? 0,
          rows: rowMode === 'object' ? ((last?.rows ?? []) as WriteResult['rows']) : [],
          results,
          generation: tab.copy.generation(),
          saved,
        };
      } catch (error) {
        if (!(isStorageError(error) && error.code === 'CONFLICT')) throw error;
        if (attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Saves what this tab changed. When the save fails, the tab goes back to the stored file (the
   * last good one), which may hold another tab's newer save: the page and the live reads hear of
   * it. A save that lost the race because the stored file was replaced or is gone says so
   * (`STALE`) rather than `CONFLICT`, which would invite a retry.
   */
  private async saveOrFallBack(tab: OpenTab) {
    try {
      return await tab.copy.save();
    } catch (error) {
      this.settle(await this.takeIn(tab, () => tab.copy.fallBack()));
      if (isStorageError(error) && error.code === 'CONFLICT') this.refuseIfStale();
      throw error;
    }
  }

  /**
   * After this tab took in what another tab stored: the live reads run again (another tab's save
   * says nothing of what it changed), and the page hears of it when it was newer.
   */
  private afterRemoteChange(tab: OpenTab, generationBefore: number): void {
    tab.live.changed('all');
    if (tab.copy.generation() > generationBefore) this.emit('changed', 'remote');
  }

  /** After this tab committed and saved a change: the page hears of it, and so do the live reads. */
  private afterLocalWrite(tab: OpenTab, changed: ChangedTables): void {
    this.emit('changed', 'local');
    tab.live.changed(changed);
  }

  /** The open transaction `id`, or why there is none. */
  private transactionOf(id: number): { tab: OpenTab; transaction: OpenTransaction } {
    const tab = this.openTab();
    const transaction = tab.transaction;
    if (transaction?.id === id && transaction.isOpen()) return { tab, transaction };
    const expired = this.expired.get(id);
    if (expired !== undefined) throw transactionTimedOut(expired.timeoutMs);
    throw new DatabaseError(
      'CLOSED',
      `Transaction ${id} is over: it committed or rolled back (a statement sent after the callback returned arrives too late).`,
    );
  }

  /** The time budget ran out: the transaction is rolled back and its turn and lock let go. */
  private expire(tab: OpenTab, transaction: OpenTransaction): void {
    if (tab.transaction !== transaction || !transaction.isOpen()) return;
    this.expired.set(transaction.id, transaction);
    // Only the latest few are kept: a page hears of its transaction's end long before then.
    for (const id of this.expired.keys())
      if (this.expired.size > EXPIRED_KEPT) this.expired.delete(id);
    try {
      this.rollBackAndEnd(tab, transaction);
    } catch {
      // Nothing waits on a timer to hear of it; the transaction has ended either way.
    }
  }

  /** Undoes what the transaction wrote, unless SQLite already did, and lets its turn and lock go. */
  private rollBackAndEnd(tab: OpenTab, transaction: OpenTransaction): void {
    try {
      const { db } = tab.copy.live();
      if (stillInTransaction(db)) db.exec('ROLLBACK');
    } finally {
      this.endTransaction(tab, transaction);
    }
  }

  /** Lets the transaction's turn and lock go. */
  private endTransaction(tab: OpenTab, transaction: OpenTransaction): void {
    if (tab.transaction === transaction) tab.transaction = undefined;
    transaction.end();
  }

  private async catchUpUnlessStale(tab: OpenTab): Promise<CatchUp> {
    if (this.state.phase === 'stale') return { outcome: 'up-to-date' };
    return this.takeIn(tab, () => tab.copy.catchUp());
  }

  /**
   * Takes in the stored file (a catch-up, or the fall-back after a failed save); when it was
   * another tab's newer file, the live reads and the page hear of it.
   */
  private async takeIn(tab: OpenTab, step: () => Promise<CatchUp>): Promise<CatchUp> {
    const before = tab.copy.generation();
    const outcome = await step();
    if (outcome.outcome === 'caught-up') this.afterRemoteChange(tab, before);
    return outcome;
  }

  /** Another tab saved: take it in (under the lock, in turn), or stop writing if it replaced the file. */
  private onSaved(announcement: SavedAnnouncement): void {
    if (this.state.phase !== 'open') return;
    const { tab } = this.state;
    if (announcement.generation <= tab.copy.generation()) return;
    if (announcement.replaced === true) {
      this.settle(replacedElsewhere());
      return;
    }
    this.inTurn(() =>
      tab.coordinator.underLock(async () => {
        if (this.state.phase !== 'open') return;
        this.settle(await this.catchUpUnlessStale(tab));
      }),
    ).catch(() => {});
  }

  /** Applies what a catch-up found: a stale tab stops writing, and the page hears why. */
  private settle(caughtUp: CatchUp): void {
    if (caughtUp.outcome !== 'stale' || this.state.phase !== 'open') return;
    const { because, message } = caughtUp;
    this.state = { phase: 'stale', tab: this.state.tab, because, message };
    // A replaced file is a different database: the page reloads rather than catching up.
    this.emit(
      because === 'replaced' ? 'replaced' : 'status',
      because === 'replaced' ? 'remote' : null,
    );
  }

  private refuseIfClosing(): void {
    if (this.closing) throw new DatabaseError('CLOSED', 'The database is closed.');
  }

  private refuseIfStale(): void {
    if (this.state.phase === 'stale')
      throw new DatabaseError('STALE', this.state.message, { staleBecause: this.state.because });
  }

  /** Runs `task` after every task queued before it; one failing stops none. */
  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private tabOrUndefined(): OpenTab | undefined {
    return this.state.phase === 'open' || this.state.phase === 'stale' ? this.state.tab : undefined;
  }

  private openTab(): OpenTab {
    const tab = this.tabOrUndefined();
    if (tab === undefined) throw new DatabaseError('CLOSED', 'The database is not open.');
    return tab;
  }

  private info(): DatabaseInfo {
    const tab = this.tabOrUndefined();
    const kind = tab?.coordinator.store.kind ?? 'memory';
    return {
      storage: kind,
      storageProblem: tab === undefined ? null : (tab.copy.lastSaveProblem() ?? tab.storageNote),
      generation: tab?.copy.generation() ?? 0,
      sizeBytes: tab?.copy.sizeBytes() ?? 0,
      staleReason: this.state.phase === 'stale' ? this.state.message : null,
    };
  }

  private emit(kind: DatabaseEvent['kind'], origin: DatabaseEvent['origin']): void {
    const tab = this.tabOrUndefined();
    // The page may be gone (a closed tab); its events are not worth an unhandled rejection.
    tell(() => tab?.tell({ kind, origin, info: this.info() }));
  }
}

/**
 * The stored file a load read, and the store the tab goes on with. A store that cannot be
 * opened at all (no IndexedDB here, or it is blocked) leaves the tab in memory, saying so; a
 * store that opened but holds a file that cannot be read fails the open, or the app would start
 * empty over the person's data.
 */
async function readStoredOrFallBack(
  asked: ChunkStore,
  read: Promise<StoredFile>,
  request: OpenRequest,
): Promise<{ stored: StoredFile; store: ChunkStore; storageNote: string | null }> {
  const locksNote = missingLocksWarning();
  try {
    const stored = await read;
    if (request.storage === 'memory')
      return { stored, store: asked, storageNote: 'Running in memory as asked: nothing is saved.' };
    return { stored, store: asked, storageNote: locksNote };
  } catch (error) {
    if (isStorageError(error)) throw error;
    return {
      stored: { manifest: undefined, file: undefined },
      store: memoryChunkStore(),
      storageNote: `IndexedDB is unavailable here: ${messageOf(error)}`,
    };
  }
}

/** Waits until no interactive transaction is open: a read outside it sees only what committed. */
async function untilNoTransaction(tab: OpenTab): Promise<void> {
  while (tab.transaction !== undefined) await tab.transaction.finished;
}

/**
 * The migrations run on the stored file, after its read, `onProgress` hearing them; a refusal or
 * failure says the stored file is as it was.
 */
function migrateOrRefuse(
  migrator: Migrator,
  stored: StoredFile,
  onProgress: (progress: MigrationProgress) => void,
): MigratedFile {
  try {
    return openAndMigrate({ ...migrator, options: { ...migrator.options, onProgress } }, stored);
  } catch (error) {
    // The run was on this tab's copy and nothing was saved: the stored file is as it was.
    if (error instanceof MigrationError) throw error.unchangedIn('the stored database');
    throw error;
  }
}
