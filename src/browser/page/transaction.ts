import type { Remote } from 'comlink';
import type { SqlValue } from '../../index.ts';
import { isStorageError, transactionTimedOut } from '../errors.ts';
import type { DatabaseWorkerApi, Row, RowMode, StatementResult } from '../protocol.ts';
import { timeBudget, withinBudget } from './time-budget.ts';

/** How long an interactive transaction may stay open unless `timeoutMs` says otherwise. */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;

/** Options of an interactive transaction. */
export interface TransactionOptions {
  /**
   * Past this many milliseconds the transaction is rolled back, its lock let go, and every call of
   * it rejects with `TRANSACTION_TIMED_OUT`; default `DEFAULT_TRANSACTION_TIMEOUT_MS`.
   */
  timeoutMs?: number | undefined;
  /**
   * How many times the callback may run in all: where Web Locks are missing, another tab can
   * save first, and the commit is then refused (`CONFLICT`); the callback runs again on the newer
   * file until this many tries are spent. Default 3.
   */
  attempts?: number | undefined;
}

/**
 * An interactive transaction: what its callback runs statements on. Everything it runs sees its
 * own writes, and lands in the database's file together, or not at all.
 */
export interface Transaction {
  /** Runs a read and returns its rows by column name. */
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /**
   * Runs a write: every statement of its text, or exactly one when it has parameters. Its
   * `rows` are a `RETURNING` clause's.
   */
  exec(sql: string, params?: SqlValue[]): Promise<StatementResult & { rows: Row[] }>;
  /** Runs one statement, a read or a write, with its rows as objects or (`rowMode: 'array'`) arrays. */
  execute(sql: string, params?: SqlValue[], rowMode?: RowMode): Promise<StatementResult>;
  /**
   * Runs `work` in a savepoint of this transaction: what it did is kept when it resolves, and
   * undone (the rest of the transaction going on) when it throws, which rethrows.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Runs `work` as one interactive transaction: it holds this tab's turn and the cross-tab lock from
 * its start to its end, commits with one save when `work` resolves, and rolls back (nothing
 * stored) when it throws. Where Web Locks are missing, another tab can save first; the commit is
 * then refused and `work` runs again on the newer file (see `TransactionOptions.attempts`).
 */
export async function runTransaction<T>(
  call: <R>(work: (api: Remote<DatabaseWorkerApi>) => Promise<R>) => Promise<R>,
  work: (tx: Transaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const timeoutMs = timeBudget(options.timeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS, 'timeoutMs');
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    const id = await call((api) => api.begin(timeoutMs));
    let result: T;
    try {
      result = await withinBudget(work(transactionOn(call, id)), {
        timeoutMs,
        timedOut: () => transactionTimedOut(timeoutMs),
        // A transaction takes no signal: only its budget stops it.
        cancelled: () => transactionTimedOut(timeoutMs),
      });
    } catch (error) {
      await call((api) => api.rollback(id)).catch(() => {});
      throw error;
    }
    try {
      await call((api) => api.commit(id));
      return result;
    } catch (error) {
      const lostTheRace = isStorageError(error) && error.code === 'CONFLICT';
      if (!lostTheRace || attempt >= attempts) throw error;
    }
  }
}

/** The statements of transaction `id`, as its callback calls them. */
function transactionOn(
  call: <R>(work: (api: Remote<DatabaseWorkerApi>) => Promise<R>) => Promise<R>,
  id: number,
): Transaction {
  const tx: Transaction = {
    query: async <T extends Row = Row>(sql: string, params?: SqlValue[]) =>
      (await call((api) => api.inTransaction(id, { sql, params }, 'object', 'read'))).rows as T[],
    exec: async (sql, params) =>
      (await call((api) =>
        api.inTransaction(id, { sql, params }, 'object', 'write'),
      )) as StatementResult & { rows: Row[] },
    execute: (sql, params, rowMode = 'object') =>
      call((api) => api.inTransaction(id, { sql, params }, rowMode, 'write')),
    async transaction(work) {
      const savepoint = await call((api) => api.savepoint(id));
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(tx);
      } catch (error) {
        // The transaction may be over already (SQLite rolled it back, its budget ran out): the
        // error that ended `work` is the one to tell.
        await call((api) => api.rollbackTo(id, savepoint)).catch(() => {});
        throw error;
      }
      await call((api) => api.release(id, savepoint));
      return result;
    },
  };
  return tx;
}
