/**
 * sqljs-migrate for the browser: a migrated, persisted sql.js database in a worker, kept safe
 * across tabs, and the upgrade of an existing database file a person uploads. Import from a Vite
 * app; the Node-safe core is the package's main entry.
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
  isMigrationError,
  type Migration,
  MigrationError,
  type MigrationOutcome,
  type MigrationProgress,
  type MigrationReport,
  type SchemaDifference,
} from '../index.ts';
export {
  BACKUPS_KEPT,
  type BackupEntry,
  type BackupReason,
} from './backup-list.ts';
export { listBackups, readBackup, restoreBackup } from './backups.ts';
export { formatBytes } from './byte-size.ts';
export {
  DatabaseError,
  type DatabaseErrorCode,
  isDatabaseError,
} from './database-error.ts';
export { storeNames } from './image-store.ts';
export {
  type MigratedDatabase,
  type OpenDatabaseOptions,
  openDatabase,
} from './open-database.ts';
export { readStoredImage } from './read-stored-image.ts';
export {
  DEFAULT_MAX_UPLOAD_BYTES,
  inspectUpload,
  type UploadOptions,
  type UploadSession,
} from './upload/inspect-upload.ts';
export { upgradedFileName } from './upload/upgraded-file-name.ts';
export type {
  AdoptResult,
  TableSummary,
  UpgradeResult,
  UploadCheck,
  UploadInspection,
} from './upload/upload-protocol.ts';
export type {
  DatabaseEvent,
  DatabaseInfo,
  LoadTimings,
  Row,
  WriteResult,
  WriteStatement,
} from './worker-protocol.ts';
