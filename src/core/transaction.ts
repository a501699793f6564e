import { MigrationError } from './errors.ts';
import { queryRows } from './inspect.ts';
import type { SqlDatabase } from './types.ts';

/**
 * How a run wraps its work. A real run commits each migration on its own, with foreign keys off
 * around it (outside its transaction, where the pragma takes effect) as SQLite's table-rebuild
 * procedure requires. A dry run holds one outer transaction that is rolled back at the end, and
 * nests each migration in a savepoint inside it.
 */
export interface TransactionScope {
  /** Runs `work` atomically: all of it or none of it. */
  atomically<T>(work: () => T): T;
  /** Ends the run: rolls a dry run back; nothing for a real run. */
  finish(): void;
}

/** Opens the scope for a run; refuses a database already inside a transaction. */
export function openScope(db: SqlDatabase, dryRun: boolean): TransactionScope {
  try {
    db.run('BEGIN');
    db.run('ROLLBACK');
  } catch (error) {
    throw new MigrationError(
      'IN_TRANSACTION',
      'The database is inside an open transaction; commit or roll it back before migrating',
      { cause: error },
    );
  }
  return dryRun ? dryRunScope(db) : commitScope(db);
}

function commitScope(db: SqlDatabase): TransactionScope {
  return {
    atomically(work) {
      db.run('PRAGMA foreign_keys = OFF');
      try {
        db.run('BEGIN IMMEDIATE');
        try {
          const result = work();
          db.run('COMMIT');
          return result;
        } catch (error) {
          rollbackQuietly(db, 'ROLLBACK');
          throw error;
        }
      } finally {
        db.run('PRAGMA foreign_keys = ON');
      }
    },
    finish() {},
  };
}

function dryRunScope(db: SqlDatabase): TransactionScope {
  const foreignKeysWereOn = queryRows(db, 'PRAGMA foreign_keys')[0]?.foreign_keys === 1;
  db.run('PRAGMA foreign_keys = OFF');
  db.run('BEGIN');
  return {
    atomically(work) {
      db.run('SAVEPOINT migration');
      try {
        const result = work();
        db.run('RELEASE migration');
        return result;
      } catch (error) {
        rollbackQuietly(db, 'ROLLBACK TO migration');
        rollbackQuietly(db, 'RELEASE migration');
        throw error;
      }
    },
    finish() {
      rollbackQuietly(db, 'ROLLBACK');
      db.run(`PRAGMA foreign_keys = ${foreignKeysWereOn ? 'ON' : 'OFF'}`);
    },
  };
}

/** Some errors (a full disk, say) end the transaction themselves; then there is nothing to undo. */
function rollbackQuietly(db: SqlDatabase, statement: string): void {
  try {
    db.run(statement);
  } catch {
    // Already rolled back by SQLite.
  }
}
