import { transfer } from 'comlink';
import type { SqlValue } from '../../index.ts';
import { MigrationError } from '../../index.ts';
import { DatabaseError, isStorageError, messageOf, type StaleReason } from '../errors.ts';
import type {
  DatabaseEvent,
  DatabaseInfo,
  DatabaseWorkerApi,
  OpenRequest,
  OpenResult,
  Row,
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
import { hasWebLocks } from '../tabs/web-lock.ts';
import { nativeChecksums } from './checksums.ts';
import { LoadClock } from './load-clock.ts';
import {
  type CatchUp,
  LocalCopy,
  type Migrator,
  openAndMigrate,
  replacedElsewhere,
  withRoomToGrow,
} from './local-copy.ts';
import { loadSqlJs, queryRows, runInTransaction } from './sqlite.ts';

/** How often a write is tried when its save keeps losing the race with other tabs' saves. */
const MAX_WRITE_ATTEMPTS = 3;

/** What an open host holds for its life. */
interface OpenTab {
  name: string;
  coordinator: Coordinator;
  copy: LocalCopy;
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

  /** `openStore` picks where database `name` is stored; tests hand in a fake. */
  constructor(private readonly openStore: (name: string) => ChunkStore = indexedDbChunkStore) {}

  async open(request: OpenRequest, onEvent: (event: DatabaseEvent) => void): Promise<OpenResult> {
    const clock = new LoadClock();
    if (this.state.phase !== 'new')
      throw new DatabaseError('OPEN_FAILED', 'This worker is already open.');
    this.state = { phase: 'opening' };
    // The engine compiles and the checksums are worked out while the lock and the read go on.
    const engine = loadSqlJs(request.wasmUrl);
    engine.catch(() => {});
    const checksums = nativeChecksums(request.migrations);
    const asked = request.storage === 'memory' ? memoryChunkStore() : this.openStore(request.name);
    const load = new Coordinator(request.name, asked).load({ allocate: withRoomToGrow });
    let tab: OpenTab | undefined;
    try {
      const { stored, store, storageNote } = await readStoredOrFallBack(
        asked,
        load.result,
        request,
      );
      clock.mark('stored');
      const sql = await engine.catch((error: unknown) => {
        throw new DatabaseError('OPEN_FAILED', `SQLite failed to load: ${messageOf(error)}`, {
          cause: error,
        });
      });
      clock.mark('engine');
      const migrator: Migrator = {
        sql,
        migrations: request.migrations,
        options: { ...request.runOptions, schema: request.schema, checksums: await checksums },
      };
      const coordinator = new Coordinator(request.name, store);
      tab = {
        name: request.name,
        coordinator,
        copy: new LocalCopy(coordinator, migrator, () => this.emit('status', null)),
        storageNote,
        tell: onEvent,
      };
      coordinator.listen((announcement) => this.onSaved(announcement));
      let migrated: ReturnType<typeof openAndMigrate>;
      try {
        migrated = openAndMigrate(migrator, stored);
      } catch (error) {
        // The run was on this tab's copy and nothing was saved: the stored file is as it was.
        if (error instanceof MigrationError) throw error.unchangedIn('the stored database');
        throw error;
      }
      clock.mark('migrated');
      this.state = { phase: 'open', tab };
      // A failed save leaves the tab on the migrated file; `info()` says why it was not kept.
      const takeOver = await tab.copy.takeOver(stored.manifest, migrated, 'pre-migration');
      clock.mark('saved');
      return {
        report: migrated.report,
        info: this.info(),
        timings: clock.timings(load.timings, migrated),
        saved: takeOver.outcome === 'saved' ? takeOver.saved : null,
      };
    } catch (error) {
      tab?.coordinator.close();
      // A worker opens once: after a failed open it only says it is not open.
      this.state = { phase: 'closed' };
      throw error;
    } finally {
      load.release();
    }
  }

  async query(sql: string, params: SqlValue[] | undefined): Promise<Row[]> {
    return queryRows(this.openTab().copy.live().db, sql, params);
  }

  write(statements: WriteStatement[]): Promise<WriteResult> {
    return this.inTurn(() => {
      const tab = this.openTab();
      return tab.coordinator.underLock(() => this.writeUnderLock(tab, statements));
    });
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
    const tab = this.tabOrUndefined();
    tab?.coordinator.close();
    await this.queue.catch(() => {});
    tab?.copy.close();
    this.state = { phase: 'closed' };
  }

  private async writeUnderLock(tab: OpenTab, statements: WriteStatement[]): Promise<WriteResult> {
    // A save refused as a conflict (another tab saved without the lock, where Web Locks are
    // missing) is retried on the newer file: the statements run again on top of it.
    for (let attempt = 1; ; attempt += 1) {
      this.settle(await this.catchUpUnlessStale(tab));
      this.refuseIfStale();
      const written = runInTransaction(tab.copy.live().db, statements);
      try {
        const saved = await tab.copy.save();
        this.emit('changed', 'local');
        return { ...written, generation: tab.copy.generation(), saved };
      } catch (error) {
        this.settle(await tab.copy.fallBack());
        if (!(isStorageError(error) && error.code === 'CONFLICT')) throw error;
        if (attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async catchUpUnlessStale(tab: OpenTab): Promise<CatchUp> {
    return this.state.phase === 'stale' ? { outcome: 'up-to-date' } : tab.copy.catchUp();
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
        const caughtUp = await tab.copy.catchUp();
        this.settle(caughtUp);
        if (caughtUp.outcome === 'caught-up') this.emit('changed', 'remote');
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
    Promise.resolve(tab?.tell({ kind, origin, info: this.info() })).catch(() => {});
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
  const locksNote = hasWebLocks()
    ? null
    : 'This browser offers no Web Locks here (a non-secure origin or an older browser), so tabs do not take turns; every save still checks that no other tab saved first, so none is overwritten.';
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
