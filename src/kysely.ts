/**
 * sqljs-migrate for Kysely: a dialect that runs an app's typed Kysely queries on the migrated,
 * persisted database, and live queries written with Kysely. Kysely's own SQLite adapter, query
 * compiler and introspector do the SQL; every query goes through the `MigratedDatabase` handle,
 * which decides locking, saving and errors.
 *
 * @example
 * import { Kysely } from 'kysely';
 * import { openDatabase } from 'sqljs-migrate/browser';
 * import { MigratedDatabaseDialect } from 'sqljs-migrate/kysely';
 *
 * const database = await openDatabase({ name: 'notes', migrations });
 * const db = new Kysely<Database>({ dialect: new MigratedDatabaseDialect(database) });
 * const notes = await db.selectFrom('notes').selectAll().execute();
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { MigratedDatabase, SqlValue, StatementResult, Transaction } from './browser.ts';

/** A Kysely dialect for a database opened with `openDatabase`. */
export class MigratedDatabaseDialect implements Dialect {
  constructor(private readonly database: MigratedDatabase) {}

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new HandleDriver(this.database);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect interface hands over a Kysely<any>.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** A query Kysely built, as `liveQuery` takes it: anything that compiles to SQL. */
export interface CompilableQuery<O> {
  compile(): CompiledQuery<O>;
}

/**
 * Keeps a Kysely query live: `onRows` hears its rows now, and again after every committed change
 * that can affect them (this tab's or another tab's) whenever they differ. Returns how to stop it.
 *
 * @example
 * const stop = liveQuery(database, db.selectFrom('notes').selectAll().orderBy('id'), (notes) =>
 *   render(notes),
 * );
 */
export function liveQuery<O>(
  database: MigratedDatabase,
  query: CompilableQuery<O>,
  onRows: (rows: O[]) => void,
  onError?: (error: Error) => void,
): () => void {
  const { sql, parameters } = query.compile();
  return database.live<O>(sql, parameters as SqlValue[], {
    onRows: (rows) => onRows(rows),
    onError,
  });
}

/**
 * Kysely's driver: each connection runs its queries on the handle, or, between Kysely's begin and
 * commit, in an interactive transaction of the handle.
 */
class HandleDriver implements Driver {
  constructor(private readonly database: MigratedDatabase) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new HandleConnection(this.database);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as HandleConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as HandleConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as HandleConnection).end('rollback');
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

/** Why a transaction Kysely rolled back ended: told to the handle, which rolls back too. */
const ROLLED_BACK = Symbol('rolled back by Kysely');

class HandleConnection implements DatabaseConnection {
  private open:
    | { tx: Transaction; end(how: 'commit' | 'rollback'): void; ended: Promise<void> }
    | undefined;

  constructor(private readonly database: MigratedDatabase) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const params = compiled.parameters as SqlValue[];
    const result: StatementResult = this.open
      ? await this.open.tx.execute(compiled.sql, params)
      : await this.database.execute(compiled.sql, params);
    return {
      rows: result.rows as R[],
      numAffectedRows: BigInt(result.changes),
      insertId: result.changes > 0 ? BigInt(result.lastInsertRowid) : undefined,
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (const row of rows) yield { rows: [row] };
  }

  /**
   * Opens an interactive transaction of the handle and keeps it open until Kysely ends it. It runs
   * once: where Web Locks are missing and another tab saved first, the commit rejects with
   * `CONFLICT`, for the app to run Kysely's transaction again.
   */
  begin(): Promise<void> {
    return new Promise((begun, failed) => {
      const ended = this.database.transaction(
        (tx) =>
          new Promise<void>((commit, rollBack) => {
            this.open = {
              tx,
              end: (how) => (how === 'commit' ? commit() : rollBack(ROLLED_BACK)),
              ended,
            };
            begun();
          }),
        { attempts: 1 },
      );
      ended.catch(failed);
    });
  }

  async end(how: 'commit' | 'rollback'): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (open === undefined) return;
    open.end(how);
    try {
      await open.ended;
    } catch (error) {
      if (error !== ROLLED_BACK) throw error;
    }
  }
}
