// Database files for the upload tests, built here in Node with sql.js and the demo's own
// migrations (test/helpers), so no test depends on a hand-made binary.
import type { Database } from 'sql.js';
import { runMigrations } from '../../../src/index.ts';
import { demoDatabaseAt, seedDatabaseAt } from '../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { memoryDatabase } from '../../helpers/sqljs.ts';

/** A file as Playwright's `setInputFiles` takes it. */
export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export function uploadFile(name: string, bytes: Uint8Array): UploadFile {
  return { name, mimeType: 'application/vnd.sqlite3', buffer: Buffer.from(bytes) };
}

/** The bytes of a database, closing it. */
export function fileOf(db: Database): Uint8Array {
  const bytes = db.export();
  db.close();
  return bytes;
}

/** An untracked database at version k of the demo's history, with the rows of every release. */
export function legacyFile(version: number): UploadFile {
  return uploadFile(`legacy-v${version}.db`, fileOf(demoDatabaseAt(version)));
}

/** A database StarPunk itself wrote at version k: its three-column ledger naming 001… */
export function seedFile(version: number): UploadFile {
  return uploadFile(`starpunk-v${version}.db`, fileOf(seedDatabaseAt(version)));
}

/** A database this runner tracks, at version k (the first k migrations recorded). */
export function trackedDatabaseAt(version: number): Database {
  const db = demoDatabaseAt(version);
  const history = DEMO_MIGRATIONS.slice(0, version);
  runMigrations(db, history, version === DEMO_MIGRATIONS.length ? { schema: DEMO_SCHEMA } : {});
  return db;
}

/** A file whose ledger records a migration this app does not have: a newer app's database. */
export function newerAppFile(migrationName = '900_from_a_newer_release.sql'): UploadFile {
  const db = trackedDatabaseAt(DEMO_MIGRATIONS.length);
  db.run(
    "INSERT INTO schema_migrations (migration_name, applied_at, checksum, applied_how, duration_ms) VALUES (?, '2030-01-01 00:00:00', 'f00d', 'executed', 1)",
    [migrationName],
  );
  return uploadFile('newer-app.db', fileOf(db));
}

/**
 * A tracked file at version 5 that already has a `tags` table of its own: the pending
 * `005_tags.sql` fails on it with "table tags already exists".
 */
export function failingMigrationFile(): UploadFile {
  const db = trackedDatabaseAt(5);
  db.run('CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT)');
  return uploadFile('tags-clash.db', fileOf(db));
}

/**
 * A tracked file at version 7 whose `notes` has an `AFTER UPDATE` trigger counting the rows of an
 * unbounded recursive CTE: the pending `007_backfill_note_excerpts.sql` updates every note, so
 * upgrading it never ends. Every step is cheap and the CTE keeps one row queued, so it burns a
 * core without growing. `cap` bounds the recursion (and logs each firing in `runaway_log`), to
 * prove that the backfill is what fires it.
 */
export function runawayDatabase(cap?: number): Database {
  const db = trackedDatabaseAt(7);
  db.run('CREATE TABLE runaway_log (steps INTEGER)');
  db.run(`CREATE TRIGGER notes_runaway AFTER UPDATE ON notes BEGIN
  INSERT INTO runaway_log SELECT (WITH RECURSIVE forever(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM forever${cap === undefined ? '' : ` LIMIT ${cap}`}) SELECT count(*) FROM forever);
END`);
  return db;
}

/** The file of `runawayDatabase()`: its upgrade never ends. */
export function runawayFile(): UploadFile {
  return uploadFile('runaway.db', fileOf(runawayDatabase()));
}

/** The files the page must refuse before opening them, and the words it must refuse them in. */
export function badFiles(): { file: UploadFile; code: string; says: string }[] {
  const valid = fileOf(demoDatabaseAt(DEMO_MIGRATIONS.length));
  const pageSize = (valid[16] ?? 0) * 256 + (valid[17] ?? 0);
  const wrongMagic = Uint8Array.from(valid);
  wrongMagic.set(new TextEncoder().encode('SQLite format 2'), 0);
  // Page 4 holds b-tree pages of the demo's tables: overwritten with noise, SQLite's check fails.
  const corrupt = Uint8Array.from(valid);
  for (let at = pageSize * 3; at < pageSize * 4; at++) corrupt[at] = (at * 7 + 13) & 0xff;
  return [
    { file: uploadFile('empty.db', new Uint8Array()), code: 'NOT_A_DATABASE', says: 'is empty' },
    {
      file: uploadFile('random.db', noise(8192)),
      code: 'NOT_A_DATABASE',
      says: 'it is not a SQLite database',
    },
    {
      file: uploadFile('wrong-magic.db', wrongMagic),
      code: 'NOT_A_DATABASE',
      says: 'does not begin with SQLite',
    },
    {
      file: uploadFile('truncated.db', valid.subarray(0, pageSize * 10)),
      code: 'CORRUPT',
      says: 'is cut off',
    },
    { file: uploadFile('corrupt-page.db', corrupt), code: 'CORRUPT', says: 'is damaged' },
  ];
}

/** A valid database larger than `bytes`: the demo's rows and one long note. */
export function fileLargerThan(bytes: number): UploadFile {
  const db = demoDatabaseAt(DEMO_MIGRATIONS.length);
  db.run("INSERT INTO notes (slug, content) VALUES ('long', ?)", ['x'.repeat(bytes)]);
  return uploadFile('large.db', fileOf(db));
}

/** Markup a person's file may use as a name; rendered as HTML it would run script. */
export const MARKUP = {
  table: '<img src=x onerror="window.__injected=1;alert(1)">',
  column: '<img src=x onerror="window.__injected=2;alert(2)">',
  migration: '900_<img src=x onerror="window.__injected=3;alert(3)">.sql',
} as const;

/**
 * Files with markup as names: a tracked one with such a table (planned, listed among its
 * tables), an untracked one with such a table and column (refused as unrecognised, the
 * differences name both), and a newer app's one whose ledger names such a migration.
 */
export function markupFiles(): { tracked: UploadFile; legacy: UploadFile; newerApp: UploadFile } {
  const tracked = trackedDatabaseAt(DEMO_MIGRATIONS.length);
  tracked.run(`CREATE TABLE ${quoted(MARKUP.table)} (${quoted(MARKUP.column)} TEXT)`);
  const legacy = demoDatabaseAt(DEMO_MIGRATIONS.length);
  legacy.run(`CREATE TABLE ${quoted(MARKUP.table)} (${quoted(MARKUP.column)} TEXT)`);
  legacy.run(`ALTER TABLE notes ADD COLUMN ${quoted(MARKUP.column)} TEXT`);
  return {
    tracked: uploadFile('markup-tracked.db', fileOf(tracked)),
    legacy: uploadFile('markup-legacy.db', fileOf(legacy)),
    newerApp: newerAppFile(MARKUP.migration),
  };
}

/** Opens a downloaded file in sql.js, foreign keys on, as an app would. */
export function openFile(bytes: Uint8Array): Database {
  const db = memoryDatabase(bytes);
  db.run('PRAGMA foreign_keys = ON');
  return db;
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Deterministic noise that does not start with SQLite's header. */
function noise(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = 0x2545f491;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/**
 * A file whose ledger records every migration but whose `notes` lacks the `excerpt` column (and
 * the view that reads it): it plans as up to date, and only the schema check shows the gap.
 */
export function driftedFile(): UploadFile {
  const db = trackedDatabaseAt(DEMO_MIGRATIONS.length);
  db.run('DROP VIEW published_notes');
  db.run('ALTER TABLE notes DROP COLUMN excerpt');
  return uploadFile('drifted.db', fileOf(db));
}
