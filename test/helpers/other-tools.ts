// Databases migrated by other tools, each by the tool's own rules: drizzle's and Kysely's by
// their own migrators, the others by the tables and rows each tool writes (documented below,
// tool by tool), on a database whose schema the same migrations built.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { drizzle } from 'drizzle-orm/sql-js';
import { migrate } from 'drizzle-orm/sql-js/migrator';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { type Migration as KyselyMigration, Migrator } from 'kysely/migration';
import type { Database } from 'sql.js';
import {
  type LedgerTool,
  type Migration,
  type MigrationLayout,
  splitMigrationFiles,
} from '../../src/index.ts';
import { memoryDatabase } from './sqljs.ts';

/**
 * A small app's three migrations: a table, a backfill that changes no schema (a fingerprint
 * cannot see whether it ran), then another table.
 */
export const APP_SQL = [
  'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);\n',
  "UPDATE users SET name = 'unnamed' WHERE name IS NULL;\n",
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT);\n',
] as const;

const DESCRIPTIONS = ['users', 'backfill_names', 'posts'] as const;

/** drizzle-kit's journal times for the three migrations (its `when`, in ms). */
export const DRIZZLE_WHEN = [1717000000000, 1717000100000, 1717000200000] as const;

/** The app's folder in one layout, path → text, as that tool writes its files. */
export function appFolder(layout: MigrationLayout): Record<string, string> {
  const files: Record<string, string> = {};
  APP_SQL.forEach((text, i) => {
    const n = i + 1;
    const description = DESCRIPTIONS[i] as string;
    switch (layout) {
      case 'sqljs-migrate':
      case 'sqlx':
        files[`00${n}_${description}.sql`] = text;
        break;
      case 'drizzle-kit':
        files[`000${i}_${description}.sql`] = drizzleKitText(text, i);
        break;
      case 'golang-migrate':
        files[`${n}_${description}.up.sql`] = text;
        files[`${n}_${description}.down.sql`] = '-- not run\n';
        break;
      case 'dbmate':
        files[`2024010100000${n}_${description}.sql`] =
          `-- migrate:up\n${text}\n-- migrate:down\nSELECT 'down';\n`;
        break;
      case 'prisma':
        files[`2024010100000${n}_${description}/migration.sql`] = `-- ${description}\n${text}`;
        break;
      case 'flyway':
        files[`V${n}__${description}.sql`] = text;
        break;
    }
  });
  if (layout === 'drizzle-kit') files['meta/_journal.json'] = drizzleJournal(3);
  return files;
}

/** The app's migrations in one layout, as `splitMigrationFiles` reads them. */
export function appMigrations(layout: MigrationLayout): Migration[] {
  return splitMigrationFiles(appFolder(layout)).migrations;
}

/**
 * A migration as drizzle-kit writes it: its statements split by a breakpoint comment (the first
 * also gets the unique index drizzle-kit would make for it).
 */
function drizzleKitText(text: string, index: number): string {
  if (index > 0) return text;
  return `${text.trimEnd()}\n--> statement-breakpoint\nCREATE UNIQUE INDEX \`users_email_unique\` ON \`users\` (\`email\`);`;
}

/** drizzle-kit's `meta/_journal.json` listing the first `count` migrations. */
export function drizzleJournal(count: number): string {
  return `${JSON.stringify(
    {
      version: '7',
      dialect: 'sqlite',
      entries: DESCRIPTIONS.slice(0, count).map((description, idx) => ({
        idx,
        version: '6',
        when: DRIZZLE_WHEN[idx],
        tag: `000${idx}_${description}`,
        breakpoints: true,
      })),
    },
    null,
    2,
  )}\n`;
}

/** Writes `files` (path → text; a path may go through folders, as Prisma's and drizzle-kit's do) into `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Runs drizzle-orm's own migrator (sql.js driver) on `db` over a drizzle-kit folder. */
export function drizzleMigrate(db: Database, folder: string): void {
  migrate(drizzle(db), { migrationsFolder: folder });
}

/** A database drizzle-orm's migrator took through the first `count` migrations of a folder. */
export function migratedByDrizzle(files: Record<string, string>, count: number): Database {
  const journal = JSON.parse(files['meta/_journal.json'] as string) as { entries: unknown[] };
  const older = {
    ...files,
    'meta/_journal.json': `${JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }, null, 2)}\n`,
  };
  const db = memoryDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'sqljs-migrate-tool-'));
  try {
    writeFiles(folder, older);
    drizzleMigrate(db, folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return db;
}

/**
 * Kysely's `SqliteDatabase` over sql.js: the shape Kysely's own `SqliteDialect` drives (it is
 * better-sqlite3's), so Kysely's Migrator runs here unchanged.
 */
function kyselyDatabase(db: Database) {
  return {
    close() {},
    prepare(text: string) {
      const reader = /^\s*(select|pragma|with)\b/i.test(text) || /\breturning\b/i.test(text);
      const all = (parameters: ReadonlyArray<unknown>) => {
        const statement = db.prepare(text);
        statement.bind(parameters as never);
        const rows: unknown[] = [];
        while (statement.step()) rows.push(statement.getAsObject());
        statement.free();
        return rows;
      };
      return {
        reader,
        all,
        run(parameters: ReadonlyArray<unknown>) {
          db.run(text, parameters as never);
          const changes = Number(db.exec('SELECT changes()')[0]?.values[0]?.[0] ?? 0);
          const lastInsertRowid = Number(
            db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0,
          );
          return { changes, lastInsertRowid };
        },
        iterate: (parameters: ReadonlyArray<unknown>) => all(parameters)[Symbol.iterator](),
      };
    },
  };
}

/**
 * A database Kysely's own Migrator took through the first `count` of `migrations` (by name:
 * Kysely records what its provider calls them, here the file name without `.sql`).
 */
export async function migratedByKysely(
  migrations: readonly Migration[],
  count: number,
): Promise<Database> {
  const db = memoryDatabase();
  const kysely = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: kyselyDatabase(db) }),
  });
  const provided: Record<string, KyselyMigration> = {};
  for (const migration of migrations.slice(0, count))
    provided[migration.name.replace(/\.sql$/, '')] = {
      up: async (k) => {
        await sql.raw(migration.sql).execute(k);
      },
    };
  const result = await new Migrator({
    db: kysely,
    provider: { getMigrations: async () => provided },
  }).migrateToLatest();
  if (result.error) throw result.error;
  return db;
}

/** Runs the first `count` migrations on a fresh database, as the other tool did. */
function builtBy(migrations: readonly Migration[], count: number): Database {
  const db = memoryDatabase();
  for (const migration of migrations.slice(0, count)) db.exec(migration.sql);
  return db;
}

/** The tools whose ledgers are written here by the tool's documented table and rows. */
export type WrittenLedger = Exclude<LedgerTool, 'drizzle' | 'kysely'>;

/**
 * A database another tool took through the first `count` of `migrations`, with the ledger rows
 * that tool writes: golang-migrate's sqlite3 driver (one row, the version, `dirty`), dbmate's
 * `schema_migrations(version varchar(128) primary key)` (a row per version, as its file name
 * writes it), Rails' (a row per version as an integer's text, beside `ar_internal_metadata`),
 * Prisma's `_prisma_migrations` (a row per folder, SHA-256 of `migration.sql`), sqlx's
 * `_sqlx_migrations` (SHA-384 of the file, as bytes), Flyway's `flyway_schema_history` (CRC-32 of
 * the file's lines), Knex's `knex_migrations` and Sequelize's `SequelizeMeta` (the file's name
 * with its `.js`), Diesel's `__diesel_schema_migrations` and `PRAGMA user_version`.
 */
export function migratedBy(
  tool: WrittenLedger,
  migrations: readonly Migration[],
  count: number,
): Database {
  const db = builtBy(migrations, count);
  const ran = migrations.slice(0, count);
  const version = (migration: Migration) => /^\D*(\d+)/.exec(migration.name)?.[1] ?? '';
  switch (tool) {
    case 'golang-migrate':
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool); CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);',
      );
      if (count > 0)
        db.run('INSERT INTO schema_migrations (version, dirty) VALUES (?, 0)', [count]);
      break;
    case 'dbmate':
      db.exec('CREATE TABLE IF NOT EXISTS "schema_migrations" (version varchar(128) primary key)');
      for (const migration of ran)
        db.run('INSERT INTO schema_migrations (version) VALUES (?)', [version(migration)]);
      break;
    case 'rails':
      db.exec(
        'CREATE TABLE "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY); CREATE TABLE "ar_internal_metadata" ("key" varchar NOT NULL PRIMARY KEY, "value" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);',
      );
      db.run(
        "INSERT INTO ar_internal_metadata VALUES ('environment', 'development', '2024-01-01', '2024-01-01')",
      );
      for (const migration of ran)
        db.run('INSERT INTO schema_migrations (version) VALUES (?)', [
          String(Number(version(migration))),
        ]);
      break;
    case 'prisma':
      db.exec(PRISMA_TABLE);
      for (const migration of ran)
        db.run(
          "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, '2024-01-01 00:00:01', ?, '2024-01-01 00:00:00', 1)",
          [
            randomUUID(),
            sha('sha256', migration.sql),
            migration.name.replace(/\/migration\.sql$/, ''),
          ],
        );
      break;
    case 'sqlx':
      db.exec(SQLX_TABLE);
      for (const migration of ran)
        db.run(
          'INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time ) VALUES ( ?, ?, TRUE, ?, 1000 )',
          [
            Number(version(migration)),
            migration.name.replace(/^\d+_|\.sql$/g, '').replaceAll('_', ' '),
            new Uint8Array(createHash('sha384').update(migration.sql).digest()),
          ],
        );
      break;
    case 'flyway':
      db.exec(FLYWAY_TABLE);
      for (const [i, migration] of ran.entries())
        db.run(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (?, ?, ?, 'SQL', ?, ?, 'sa', 2, 1)",
          [
            i + 1,
            migration.origin?.version ?? '',
            'migration',
            migration.name,
            flyway(migration.sql),
          ],
        );
      break;
    case 'knex':
      db.exec(
        'create table `knex_migrations` (`id` integer not null primary key autoincrement, `name` varchar(255), `batch` integer, `migration_time` datetime); create table `knex_migrations_lock` (`index` integer not null primary key autoincrement, `is_locked` integer); insert into `knex_migrations_lock` (`is_locked`) values (0);',
      );
      for (const migration of ran)
        db.run(
          'insert into `knex_migrations` (`name`, `batch`, `migration_time`) values (?, 1, ?)',
          [migration.name.replace(/\.sql$/, '.js'), Date.now()],
        );
      break;
    case 'sequelize':
      db.exec(
        'CREATE TABLE IF NOT EXISTS `SequelizeMeta` (`name` VARCHAR(255) NOT NULL UNIQUE PRIMARY KEY);',
      );
      for (const migration of ran)
        db.run('INSERT INTO `SequelizeMeta` (`name`) VALUES (?)', [
          migration.name.replace(/\.sql$/, '.js'),
        ]);
      break;
    case 'diesel':
      db.exec(
        'CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);',
      );
      for (const migration of ran)
        db.run('INSERT INTO __diesel_schema_migrations (version) VALUES (?)', [version(migration)]);
      break;
    case 'user_version':
      db.exec(`PRAGMA user_version = ${count}`);
      break;
  }
  return db;
}

/** Prisma's `_prisma_migrations`, as its schema engine creates it on SQLite. */
export const PRISMA_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;

/** sqlx's `_sqlx_migrations`, as its SQLite driver creates it. */
export const SQLX_TABLE = `CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);`;

/** Flyway's `flyway_schema_history`, as its SQLite support creates it. */
export const FLYWAY_TABLE = `CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");`;

function sha(algorithm: string, text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/**
 * Flyway's checksum, worked out here with Node's CRC-32: the file's lines without their endings,
 * a leading byte-order mark dropped, as a signed 32-bit number.
 */
export function flyway(text: string): number {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  return crc32(Buffer.concat(lines.map((line) => Buffer.from(line, 'utf8')))) | 0;
}
