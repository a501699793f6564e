/**
 * sqljs-migrate for Drizzle: a Drizzle database that runs an app's typed Drizzle queries on the
 * migrated, persisted database, and live queries written with Drizzle. It is Drizzle's own
 * `sqlite-proxy` driver with the `MigratedDatabase` handle behind its callbacks; the handle
 * decides locking, saving and errors. `db.transaction` is an interactive transaction of the
 * handle (nested ones are savepoints), and `db.batch` is one transaction.
 *
 * @example
 * import { openDatabase } from 'sqljs-migrate/browser';
 * import { drizzle } from 'sqljs-migrate/drizzle';
 *
 * const database = await openDatabase({ name: 'notes', migrations });
 * const db = drizzle(database, { schema });
 * const rows = await db.select().from(notes);
 */
import { type DrizzleConfig, TransactionRollbackError } from 'drizzle-orm';
import type { SQLiteTransactionConfig } from 'drizzle-orm/sqlite-core';
import {
  type AsyncBatchRemoteCallback,
  type AsyncRemoteCallback,
  drizzle as proxyDrizzle,
  type SqliteRemoteDatabase,
} from 'drizzle-orm/sqlite-proxy';
import type {
  MigratedDatabase,
  Row,
  RowMode,
  SqlValue,
  StatementResult,
  Transaction,
} from './browser.ts';

/** What runs one statement: the handle, or an open transaction of it. */
type Runner = Pick<Transaction, 'execute'>;

/**
 * A Drizzle database on a database opened with `openDatabase`.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   const [item] = await tx.select().from(stock).where(eq(stock.id, 1));
 *   if ((item?.count ?? 0) > 0) await tx.update(stock).set({ count: sql`count - 1` });
 * });
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  database: MigratedDatabase,
  config: DrizzleConfig<TSchema> = {},
): SqliteRemoteDatabase<TSchema> {
  const db = proxyDrizzle(statementsOn(database), batchesOn(database), config);
  db.transaction = <T>(
    work: (tx: DrizzleTransaction<TSchema>) => Promise<T>,
    _config?: SQLiteTransactionConfig,
  ) => database.transaction((tx) => work(transactionOn(tx, config))) as never;
  return db;
}

/** A query Drizzle built, as `liveQuery` takes it: one that says its SQL and maps its rows. */
export interface DrizzleQuery<T> {
  toSQL(): { sql: string; params: unknown[] };
  prepare(): { mapAllResult(rows: unknown): unknown };
  /** Only there to carry the rows' type: a Drizzle query resolves to them. */
  then?: PromiseLike<T[]>['then'];
}

/**
 * Keeps a Drizzle query live: `onRows` hears its rows, mapped by Drizzle as the query would map
 * them, now and again after every committed change that can affect them (this tab's or another
 * tab's) whenever they differ. Returns how to stop it.
 *
 * @example
 * const stop = liveQuery(database, db.select().from(notes).orderBy(notes.id), render);
 */
export function liveQuery<T>(
  database: MigratedDatabase,
  query: DrizzleQuery<T>,
  onRows: (rows: T[]) => void,
  onError?: (error: Error) => void,
): () => void {
  const { sql, params } = query.toSQL();
  const prepared = query.prepare();
  return database.live<SqlValue[]>(sql, params as SqlValue[], {
    rowMode: 'array',
    onRows: (rows) => onRows(prepared.mapAllResult(rows) as T[]),
    onError,
  });
}

/** Drizzle's transaction type for a database made by `drizzle()`. */
export type DrizzleTransaction<TSchema extends Record<string, unknown>> = Parameters<
  Parameters<SqliteRemoteDatabase<TSchema>['transaction']>[0]
>[0];

/**
 * A Drizzle transaction on an interactive transaction of the handle: its statements run inside
 * it, `rollback()` throws as Drizzle's does, and a nested transaction is a savepoint.
 */
function transactionOn<TSchema extends Record<string, unknown>>(
  tx: Transaction,
  config: DrizzleConfig<TSchema>,
): DrizzleTransaction<TSchema> {
  const inside = proxyDrizzle(statementsOn(tx), batchesOn(tx), config);
  const drizzleTx = Object.assign(inside, {
    rollback(): never {
      throw new TransactionRollbackError();
    },
  });
  drizzleTx.transaction = <T>(work: (nested: DrizzleTransaction<TSchema>) => Promise<T>) =>
    tx.transaction(() => work(drizzleTx as unknown as DrizzleTransaction<TSchema>)) as never;
  return drizzleTx as unknown as DrizzleTransaction<TSchema>;
}

/**
 * Drizzle's remote callback: `run` needs no rows, `get` one row and `all` and `values` all of
 * them, as arrays in column order, which Drizzle maps to its fields.
 */
function statementsOn(runner: Runner): AsyncRemoteCallback {
  return async (sql, params, method) =>
    resultFor(await runner.execute(sql, params as SqlValue[], rowModeOf(method)), method);
}

/** Drizzle's batch callback: every query of the batch in one transaction, so one save. */
function batchesOn(database: MigratedDatabase | Transaction): AsyncBatchRemoteCallback {
  return (queries) => {
    const runAll = async (tx: Runner) => {
      const run = statementsOn(tx);
      const results: { rows: unknown[] }[] = [];
      for (const { sql, params, method } of queries) results.push(await run(sql, params, method));
      return results;
    };
    // Inside a transaction already, the batch is a savepoint of it.
    return database.transaction(runAll);
  };
}

function rowModeOf(method: 'run' | 'all' | 'values' | 'get'): RowMode {
  return method === 'run' ? 'object' : 'array';
}

function resultFor(
  result: StatementResult,
  method: 'run' | 'all' | 'values' | 'get',
): { rows: unknown[] } & Partial<Pick<StatementResult, 'changes' | 'lastInsertRowid'>> {
  // Drizzle takes a missing row as no result, and an empty one as a row of nothing.
  if (method === 'get') return { rows: result.rows[0] as unknown[] };
  if (method === 'run')
    return { rows: [], changes: result.changes, lastInsertRowid: result.lastInsertRowid };
  return { rows: result.rows as (SqlValue[] | Row)[] };
}
