/**
 * sqljs-migrate for the browser: a migrated, persisted sql.js database in a worker, kept safe
 * across tabs, with its backups. Upgrading a file a person uploads is `sqljs-migrate/upload`, so
 * an app that never uploads never ships that worker. The Node-safe core is the package's main
 * entry; what it exports that a browser app needs is exported here too (the same module).
 *
 * @example
 * import { openDatabase } from 'sqljs-migrate/browser';
 *
 * const db = await openDatabase({
 *   name: 'notes',
 *   migrations: import.meta.glob('./migrations/*.sql', { query: '?raw', import: 'default', eager: true }),
 * });
 * await db.exec('INSERT INTO notes (slug, content) VALUES (?, ?)', ['hello', 'Hello']);
 */

export {
  DatabaseError,
  type DatabaseErrorCode,
  isDatabaseError,
  isStorageError,
  type OpenStep,
  type StaleReason,
  StorageError,
  type StorageErrorCode,
} from './browser/errors.ts';
export { listBackups, readBackup, readStoredImage, restoreBackup } from './browser/page/backups.ts';
export type { LiveQueryOptions } from './browser/page/live-query.ts';
export {
  DEFAULT_OPEN_TIMEOUT_MS,
  type MigratedDatabase,
  type OpenDatabaseOptions,
  openDatabase,
} from './browser/page/open-database.ts';
export {
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  type Transaction,
  type TransactionOptions,
} from './browser/page/transaction.ts';
export type {
  DatabaseEvent,
  DatabaseInfo,
  ExecuteResult,
  LoadTimings,
  OpenProgress,
  Row,
  RowMode,
  SaveSummary,
  StatementResult,
  WriteResult,
  WriteStatement,
} from './browser/protocol.ts';
export {
  BACKUPS_KEPT,
  type BackupEntry,
  type BackupReason,
} from './browser/storage/layout.ts';
export {
  describeDifference,
  isMigrationError,
  isSqljsMigrateError,
  type Migration,
  MigrationError,
  type MigrationErrorCode,
  type MigrationOutcome,
  type MigrationProgress,
  type MigrationReport,
  type SchemaDifference,
  SqljsMigrateError,
  type SqlValue,
} from './index.ts';
