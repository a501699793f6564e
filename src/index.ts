/**
 * sqljs-migrate: safe, automatic SQLite schema migrations for sql.js, in the browser and in Node.
 * This entry is the pure, synchronous core; the browser layer's entries are `src/browser.ts` and
 * `src/upload.ts`.
 */
export { checksumInput, checksumOf } from './core/checksum.ts';
export {
  isMigrationError,
  isSqljsMigrateError,
  MigrationError,
  type MigrationErrorCode,
  type MigrationErrorDetails,
  type SerializedError,
  type SerializedMigrationError,
  SqljsMigrateError,
} from './core/errors.ts';
export {
  checkDatabaseHeader,
  DATABASE_HEADER_BYTES,
  type DatabaseHeaderCheck,
} from './core/file-header.ts';
export {
  fingerprintSchema,
  type SchemaFingerprint,
  sameSchema,
} from './core/fingerprint.ts';
export {
  type GeneratedMigration,
  type GenerateMigrationOptions,
  generateMigration,
} from './core/generate/generate-migration.ts';
export { columnExists, indexExists, LEDGER_TABLE, tableExists } from './core/inspect.ts';
export { MIGRATION_LAYOUTS } from './core/layouts.ts';
export {
  SCHEMA_FILE_NAME,
  type SplitOptions,
  sortMigrations,
  splitMigrationFiles,
} from './core/names.ts';
export {
  type NextMigration,
  type NextMigrationFile,
  type NextMigrationOptions,
  nextMigration,
} from './core/next-migration.ts';
export { nextMigrationName } from './core/next-name.ts';
export { LEDGER_TOOLS } from './core/other-ledgers.ts';
export { type RunOptionsWithFactory, runMigrations } from './core/run.ts';
export { describeDifference, diffSchemas, schemaChanges } from './core/schema-diff.ts';
export type { DatabaseFactory } from './core/scratch.ts';
export type {
  Adoption,
  AppLedger,
  AppliedHow,
  ChecksumStatus,
  DetectedState,
  LedgerTool,
  Migration,
  MigrationLayout,
  MigrationLogger,
  MigrationOrigin,
  MigrationOutcome,
  MigrationProgress,
  MigrationReport,
  MigrationStatus,
  RunOptions,
  SchemaDifference,
  SqlDatabase,
  SqlValue,
} from './core/types.ts';
export { type VerificationReport, verifyMigrations } from './core/verify.ts';
