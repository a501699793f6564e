import type { Database } from 'sql.js';
import { SEED_LEDGER_DDL } from '../../scripts/samples/build-samples.ts';
import { DEMO_MIGRATIONS } from './demo-migrations.ts';
import { memoryDatabase, rows } from './sqljs.ts';

/**
 * Rows an app at each point of the demo's history would have written, keyed by how many
 * migrations had run when it wrote them (1 = after `000_initial_schema.sql`). Timestamps are
 * spelled out so two databases built from these rows are equal row for row.
 */
const ROWS_AFTER: Readonly<Record<number, string>> = {
  1: `
INSERT INTO notes (id, slug, content, file_path, published, created_at, updated_at) VALUES
  (1, 'hello-world', 'Hello, world. The first note, written when bodies still lived in files.', 'notes/2024/hello-world.md', 1, '2024-01-02 10:00:00', '2024-01-02 10:00:00'),
  (2, 'draft', 'A draft nobody may read yet.', 'notes/2024/draft.md', 0, '2024-01-03 11:00:00', '2024-01-03 11:30:00'),
  (3, 'sqlite-notes', 'SQLite keeps everything in one file; that is the point.', NULL, 1, '2024-01-04 12:00:00', '2024-01-04 12:00:00');
INSERT INTO sessions (id, session_token_hash, me, created_at, expires_at, last_used_at) VALUES
  (10, 'hash-a', 'https://alice.example/', '2024-01-05 08:00:00', '2024-02-05 08:00:00', NULL),
  (11, 'hash-b', 'https://bob.example/', '2024-01-06 09:00:00', '2024-02-06 09:00:00', '2024-01-07 09:00:00'),
  (12, 'hash-c', 'https://alice.example/', '2024-01-04 07:00:00', '2024-02-04 07:00:00', NULL);
INSERT INTO tokens (token, me, client_id, scope, created_at, expires_at) VALUES
  ('plain-token-1', 'https://alice.example/', 'https://client.example/', 'create', '2024-01-05 08:00:00', NULL);
INSERT INTO auth_state (state, created_at, expires_at, redirect_uri) VALUES
  ('state-1', '2024-01-05 08:00:00', '2024-01-05 08:10:00', 'https://alice.example/callback');
`,
  2: `
INSERT INTO auth_state (state, created_at, expires_at, redirect_uri, code_verifier) VALUES
  ('state-2', '2024-01-06 08:00:00', '2024-01-06 08:10:00', NULL, 'verifier-2');
`,
  3: `
INSERT INTO tokens (id, token_hash, me, client_id, scope, created_at, expires_at, last_used_at, revoked_at) VALUES
  (1, 'token-hash-1', 'https://alice.example/', 'https://client.example/', 'create update', '2024-01-08 08:00:00', '2024-04-08 08:00:00', NULL, NULL),
  (2, 'token-hash-2', 'https://bob.example/', NULL, NULL, '2024-01-08 09:00:00', NULL, NULL, '2024-01-09 09:00:00');
INSERT INTO authorization_codes (id, code_hash, me, client_id, redirect_uri, scope, state, code_challenge, code_challenge_method, created_at, expires_at, used_at) VALUES
  (1, 'code-hash-1', 'https://alice.example/', 'https://client.example/', 'https://client.example/cb', 'create', 'st', 'challenge', 'S256', '2024-01-08 08:00:00', '2024-01-08 08:10:00', NULL);
`,
  5: `
INSERT INTO sessions (id, session_token_hash, user_id, created_at, expires_at, last_used_at) VALUES
  (20, 'hash-d', 2, '2024-01-10 09:00:00', '2024-02-10 09:00:00', NULL);
`,
  6: `
INSERT INTO tags (id, name) VALUES (1, 'SQLite'), (2, 'meta');
INSERT INTO note_tags (note_id, tag_id) VALUES (1, 2), (3, 1), (3, 2);
`,
  7: `
INSERT INTO notes (id, slug, content, published, created_at, updated_at) VALUES
  (4, 'searchable', 'Written after search arrived; the trigger indexes it.', 1, '2024-01-11 10:00:00', '2024-01-11 10:00:00');
`,
  8: `
INSERT INTO notes (id, slug, content, excerpt, published, created_at, updated_at) VALUES
  (5, 'with-excerpt', 'A note whose app wrote its own excerpt.', 'Its own excerpt', 1, '2024-01-12 10:00:00', '2024-01-12 10:00:00');
`,
};

/** The number of versions of the demo's history: version k has run the first k migrations. */
export const DEMO_VERSION_COUNT = DEMO_MIGRATIONS.length;

/**
 * The script that builds an untracked database at version k (the first k demo migrations run,
 * each followed by the rows an app of that version wrote). Plain SQL, so both sql.js and the
 * native `sqlite3` shell can run it.
 */
export function demoScriptAt(version: number): string {
  if (version < 1 || version > DEMO_VERSION_COUNT)
    throw new Error(`no demo version ${version} (1..${DEMO_VERSION_COUNT})`);
  const parts: string[] = [];
  for (let k = 1; k <= version; k++) {
    parts.push((DEMO_MIGRATIONS[k - 1] as { sql: string }).sql);
    const data = ROWS_AFTER[k];
    if (data) parts.push(data);
  }
  return parts.join('\n');
}

/** An untracked sql.js database at version k, with rows. */
export function demoDatabaseAt(version: number): Database {
  const db = memoryDatabase();
  db.exec(demoScriptAt(version));
  db.run('PRAGMA foreign_keys = ON');
  return db;
}

/**
 * What a database at version k must hold once it reaches the last version: the same rows, with
 * the remaining migrations run by plain `exec`. The runner's result is compared with this.
 */
export function demoReferenceFrom(version: number): Database {
  const db = demoDatabaseAt(version);
  for (const migration of DEMO_MIGRATIONS.slice(version)) db.exec(migration.sql);
  return db;
}

/** The name of the last migration version k has run. */
export function demoNameAt(version: number): string {
  return (DEMO_MIGRATIONS[version - 1] as { name: string }).name;
}

/** Every app table's rows (ledger and FTS shadow tables left out), table name → rows by rowid. */
export function contentOf(db: Database): Record<string, Record<string, unknown>[]> {
  const tables = rows(
    db,
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name",
  ).map((row) => String(row.name));
  return Object.fromEntries(
    tables.map((table) => [
      table,
      rows(db, `SELECT rowid AS _rowid, * FROM "${table}" ORDER BY rowid`),
    ]),
  );
}

/** Row counts of every app table. */
export function rowCounts(db: Database): Record<string, number> {
  return Object.fromEntries(
    Object.entries(contentOf(db)).map(([table, tableRows]) => [table, tableRows.length]),
  );
}

/**
 * The ledger StarPunk itself writes: the original three columns, filled with its names from
 * `001_…` on (its history has no `000`), `applied_at` as SQLite's CURRENT_TIMESTAMP spells it.
 */
// The ledger StarPunk creates, as the demo's sample builder writes it.
export { SEED_LEDGER_DDL };

/** A StarPunk database at version k: schema and rows at k, a seed ledger naming 001..k-1. */
export function seedDatabaseAt(version: number): Database {
  const db = demoDatabaseAt(version);
  db.run(SEED_LEDGER_DDL);
  for (let k = 2; k <= version; k++)
    db.run('INSERT INTO schema_migrations (id, migration_name, applied_at) VALUES (?, ?, ?)', [
      k * 10,
      demoNameAt(k),
      `2024-0${Math.min(k, 9)}-01 12:00:0${k}`,
    ]);
  return db;
}
