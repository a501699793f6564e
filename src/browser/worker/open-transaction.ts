import type { Database } from 'sql.js';
import type { ChangedTables } from './statements.ts';

/**
 * An interactive transaction the page holds open in this worker. It was begun under this tab's
 * turn and the cross-tab lock, and keeps both until it commits, rolls back, or runs out of its
 * time budget; `finished` settles then, which lets the turn and the lock go.
 */
export class OpenTransaction {
  readonly finished: Promise<void>;
  /** Rows its statements changed, together. */
  changes = 0;
  private finish: () => void = () => {};
  private readonly timer: ReturnType<typeof setTimeout>;
  private savepoints = 0;

  constructor(
    readonly id: number,
    readonly timeoutMs: number,
    /** Hears which tables its statements change, until it ends. */
    readonly recording: { stop(): ChangedTables },
    onTimeout: () => void,
  ) {
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.timer = setTimeout(onTimeout, timeoutMs);
  }

  /** The name for the next savepoint: the library's own, so an app's names never clash. */
  nextSavepoint(): string {
    this.savepoints += 1;
    return `sqljs_migrate_savepoint_${this.savepoints}`;
  }

  /** True for a savepoint name this transaction handed out. */
  ownsSavepoint(name: string): boolean {
    const match = /^sqljs_migrate_savepoint_(\d+)$/.exec(name);
    return match !== null && Number(match[1]) <= this.savepoints;
  }

  /** Ends the transaction (after its COMMIT or ROLLBACK ran, and its save): the turn and the lock go. */
  end(): void {
    clearTimeout(this.timer);
    this.recording.stop();
    this.finish();
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
