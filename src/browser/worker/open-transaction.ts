import type { Database } from 'sql.js';
import { DatabaseError, messageOf } from '../errors.ts';
import type { RowMode, StatementResult, WriteStatement } from '../protocol.ts';
import { type ChangedTables, runStatements, startRecording } from './statements.ts';

/**
 * An interactive transaction the page holds open in this worker. It was begun under this tab's
 * turn and the cross-tab lock, and keeps both until it commits (its save included), rolls back,
 * or runs out of its time budget; `finished` settles then, which lets the turn and the lock go.
 */
export class OpenTransaction {
  readonly finished: Promise<void>;
  /** Rows its statements changed, together. */
  changes = 0;
  /**
   * `open` while its statements may run; `committing` once COMMIT ran and its save is on its way
   * (no statement, no time budget, no close may touch it then); `ended` after.
   */
  private phase: 'open' | 'committing' | 'ended' = 'open';
  /** Set when SQLite itself rolled the whole transaction back: its owner ends it. */
  endedBySqlite = false;
  private finish: () => void = () => {};
  private readonly timer: ReturnType<typeof setTimeout>;
  /** Which tables its statements change, for the live queries once it commits. */
  private readonly recording: ReturnType<typeof startRecording>;
  /** The savepoints of its nested transactions that are open, innermost last. */
  private readonly savepoints: string[] = [];
  private savepointsMade = 0;

  constructor(
    readonly id: number,
    readonly timeoutMs: number,
    /** This tab's database, inside the transaction's BEGIN. */
    private readonly db: Database,
    onTimeout: () => void,
  ) {
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.recording = startRecording(db);
    this.timer = setTimeout(onTimeout, timeoutMs);
  }

  /** True while statements may run in it. */
  isOpen(): boolean {
    return this.phase === 'open';
  }

  /**
   * Runs one write in a savepoint of its own: all of it lands, or none of it. SQLite undoes only
   * the statement that failed, so without it a text whose second statement fails would keep its
   * first, and an app resending the statements one by one would write it twice. Some failures end
   * the whole transaction (`ON CONFLICT ROLLBACK`, `RAISE(ROLLBACK)`, a full disk): that is said.
   */
  write(statement: WriteStatement, rowMode: RowMode): StatementResult {
    this.db.exec('SAVEPOINT sqljs_migrate_statement');
    try {
      const result = runStatements(this.db, statement, rowMode);
      this.db.exec('RELEASE sqljs_migrate_statement');
      this.changes += result.changes;
      return result;
    } catch (error) {
      // The update hook heard rows SQLite has now undone, which its count of changes leaves out.
      this.recording.unsure();
      if (!stillInTransaction(this.db)) {
        this.endedBySqlite = true;
        throw new DatabaseError(
          'SQL_FAILED',
          `${messageOf(error)}; SQLite rolled the whole transaction back, so nothing of it is stored.`,
          { cause: error },
        );
      }
      this.db.exec('ROLLBACK TO sqljs_migrate_statement; RELEASE sqljs_migrate_statement');
      throw error;
    }
  }

  /** Opens the savepoint of a nested transaction and returns its name. */
  openSavepoint(): string {
    this.savepointsMade += 1;
    const name = `sqljs_migrate_savepoint_${this.savepointsMade}`;
    this.savepoints.push(name);
    this.db.exec(`SAVEPOINT ${name}`);
    return name;
  }

  /** Keeps what a nested transaction did, and closes its savepoint (and any inside it). */
  release(name: string): void {
    this.closeSavepoint(name, `RELEASE ${name}`);
  }

  /** Undoes what a nested transaction did, and closes its savepoint (and any inside it). */
  rollbackTo(name: string): void {
    this.closeSavepoint(name, `ROLLBACK TO ${name}; RELEASE ${name}`);
  }

  /** COMMIT is about to run: the time budget no longer applies. Returns the tables it changed. */
  startCommit(): ChangedTables {
    this.phase = 'committing';
    clearTimeout(this.timer);
    return this.recording.stop();
  }

  /** Ends the transaction (after its ROLLBACK, or its COMMIT and save): the turn and the lock go. */
  end(): void {
    this.phase = 'ended';
    clearTimeout(this.timer);
    this.recording.stop();
    this.finish();
  }

  private closeSavepoint(name: string, sql: string): void {
    const depth = this.savepoints.lastIndexOf(name);
    if (depth === -1)
      throw new DatabaseError(
        'SQL_FAILED',
        `The nested transaction's savepoint ${name} is already closed: nested transactions of one transaction run one after another, each awaited.`,
      );
    // Closing a savepoint closes the ones opened inside it too.
    this.savepoints.length = depth;
    try {
      this.db.exec(sql);
    } catch (error) {
      throw new DatabaseError('SQL_FAILED', messageOf(error), { cause: error });
    }
  }
}

/**
 * Whether `db` is still inside a transaction. Some failures end it on their own (an
 * `ON CONFLICT ROLLBACK` clause, `RAISE(ROLLBACK)` in a trigger, a full disk): a transaction the
 * page believes open would then run every later statement in autocommit.
 */
export function stillInTransaction(db: Database): boolean {
  try {
    db.exec('BEGIN');
  } catch {
    // "cannot start a transaction within a transaction": it is still open.
    return true;
  }
  db.exec('ROLLBACK');
  return false;
}
