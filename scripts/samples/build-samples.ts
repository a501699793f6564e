import type { Database, SqlJsStatic } from 'sql.js';
import type { Migration } from '../../src/index.ts';
import { FILLER_NOTES, fillerText, insertRows, ROWS_AFTER } from './sample-rows.ts';

/** One sample database the demo offers, with what the page may say about it. */
export interface Sample {
  /** File name under `samples/`. */
  file: string;
  title: string;
  description: string;
  bytes: Uint8Array;
}

/** The versions (how many migrations had run) the samples are taken at. */
const OLDEST = 1;
const MIDDLE = 4;
const SEED = 6;

/**
 * When StarPunk recorded each of its migrations in its seed-format ledger, by position in the
 * history (StarPunk's history has no `000`: its base schema is created by the app itself).
 */
const SEED_APPLIED_AT: Readonly<Record<number, string>> = {
  2: '2023-04-30 23:00:00',
  3: '2023-05-09 23:00:00',
  4: '2023-05-31 23:00:00',
  5: '2023-06-30 23:00:00',
  6: '2023-07-31 23:00:00',
};

/** StarPunk's own ledger: the three original columns, exactly as its code creates them. */
export const SEED_LEDGER_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    migration_name TEXT UNIQUE NOT NULL,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
)`;

/**
 * Builds the demo's sample databases from its migration history, the same bytes every time:
 * every row's timestamps are fixed and every step runs in the same order.
 *
 * - `legacy-oldest.db`: only the first migration ran and no ledger exists (the first release).
 * - `legacy-middle.db`: untracked, part way through the history, with rows from each version.
 * - `starpunk-seed.db`: StarPunk's seed-format ledger naming `001_…` onwards, schema to match.
 * - `corrupt.db`: a valid header and schema, but one page of notes damaged: `quick_check` fails.
 */
export function buildSamples(SQL: SqlJsStatic, migrations: readonly Migration[]): Sample[] {
  if (migrations.length < SEED)
    throw new Error(
      `the samples need the demo's first ${SEED} migrations, found ${migrations.length}`,
    );
  const nameAt = (version: number) => (migrations[version - 1] as Migration).name;
  return [
    {
      file: 'legacy-oldest.db',
      title: 'Oldest release',
      description: `A database from the first release: only ${nameAt(OLDEST)}, no migration ledger, notes with file paths, sessions and a plain-text token.`,
      bytes: exportOf(legacyAt(SQL, migrations, OLDEST)),
    },
    {
      file: 'legacy-middle.db',
      title: 'Half-way, untracked',
      description: `An untracked database whose schema reflects ${nameAt(MIDDLE)}: rows written by four releases, no ledger.`,
      bytes: exportOf(legacyAt(SQL, migrations, MIDDLE)),
    },
    {
      file: 'starpunk-seed.db',
      title: 'StarPunk ledger',
      description: `Written by the original server app: its three-column schema_migrations ledger names ${nameAt(2)} to ${nameAt(SEED)}.`,
      bytes: exportOf(seedAt(SQL, migrations, SEED)),
    },
    {
      file: 'corrupt.db',
      title: 'Corrupt file',
      description:
        'A valid SQLite header and schema, but one page of the notes table is damaged (its rows out of order): the integrity check refuses it.',
      bytes: corruptCopy(SQL, exportOf(withFillerNotes(legacyAt(SQL, migrations, MIDDLE)))),
    },
  ];
}

/** An untracked database at `version`, each release's rows written right after its migration. */
function legacyAt(SQL: SqlJsStatic, migrations: readonly Migration[], version: number): Database {
  const db = new SQL.Database();
  for (let k = 1; k <= version; k++) {
    db.exec((migrations[k - 1] as Migration).sql);
    for (const batch of ROWS_AFTER[k] ?? []) insertRows(db, batch);
  }
  return db;
}

/** A database at `version` as StarPunk leaves it: its ledger names `001_…` up to that version. */
function seedAt(SQL: SqlJsStatic, migrations: readonly Migration[], version: number): Database {
  const db = legacyAt(SQL, migrations, version);
  db.exec(SEED_LEDGER_DDL);
  const insert = db.prepare(
    'INSERT INTO schema_migrations (migration_name, applied_at) VALUES (?, ?)',
  );
  try {
    for (let k = 2; k <= version; k++)
      insert.run([(migrations[k - 1] as Migration).name, SEED_APPLIED_AT[k] ?? null]);
  } finally {
    insert.free();
  }
  return db;
}

/** Adds notes until the notes table needs several pages, so one of them can be damaged. */
function withFillerNotes(db: Database): Database {
  const insert = db.prepare(
    'INSERT INTO notes (slug, content, published, created_at, updated_at) VALUES (?, ?, 1, ?, ?)',
  );
  try {
    for (let serial = 1; serial <= FILLER_NOTES; serial++) {
      const at = `2023-08-${String(1 + (serial % 28)).padStart(2, '0')} 12:00:00`;
      insert.run([`filler-${serial}`, fillerText(serial), at, at]);
    }
  } finally {
    insert.free();
  }
  return db;
}

/**
 * The image with one notes leaf page damaged: its first two cell pointers swapped, so its rows
 * are out of order, as a buggy writer or a flipped bit can leave a page. The header and the schema
 * page stay intact, so the file opens and lists its tables; `PRAGMA quick_check` answers with a
 * row naming the page (rather than failing outright, as a zeroed page makes sql.js do), which is
 * the answer an upload check shows. Refuses to return a copy `quick_check` would pass.
 */
function corruptCopy(SQL: SqlJsStatic, image: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(image);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageSize = view.getUint16(16) === 1 ? 65536 : view.getUint16(16);
  const db = new SQL.Database(image);
  const root = Number(
    db.exec("SELECT rootpage FROM sqlite_schema WHERE name = 'notes'")[0]?.values[0]?.[0],
  );
  db.close();
  const leaf = firstLeafPage(view, pageSize, root);
  // A leaf page's header is 8 bytes; its cell pointer array (2 bytes each) follows.
  const pointers = (leaf - 1) * pageSize + 8;
  const first = view.getUint16(pointers);
  view.setUint16(pointers, view.getUint16(pointers + 2));
  view.setUint16(pointers + 2, first);

  const check = new SQL.Database(bytes);
  try {
    const result = check.exec('PRAGMA quick_check')[0]?.values.map((row) => String(row[0]));
    if (result === undefined || result.join() === 'ok')
      throw new Error(`corrupt.db: page ${leaf} was damaged but quick_check still passes`);
  } finally {
    check.close();
  }
  return bytes;
}

/** Follows a table b-tree's leftmost child pointers from its root down to a leaf page. */
function firstLeafPage(view: DataView, pageSize: number, root: number): number {
  let page = root;
  for (;;) {
    // Page 1 starts with the 100-byte file header; every other page starts with its own header.
    const header = (page - 1) * pageSize + (page === 1 ? 100 : 0);
    const type = view.getUint8(header);
    if (type === 0x0d) return page;
    if (type !== 0x05) throw new Error(`page ${page} is not a table b-tree page (type ${type})`);
    const firstCell = view.getUint16(header + 12);
    page = view.getUint32((page - 1) * pageSize + firstCell);
  }
}

/** The file's bytes; the database is closed afterwards, freeing its wasm memory. */
function exportOf(db: Database): Uint8Array {
  try {
    return db.export();
  } finally {
    db.close();
  }
}
