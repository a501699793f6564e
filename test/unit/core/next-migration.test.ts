import { describe, expect, test } from 'vitest';
import {
  type MigrationLayout,
  type NextMigrationFile,
  nextMigration,
  nextMigrationName,
  splitMigrationFiles,
} from '../../../src/index.ts';
import { catchMigrationError } from '../../helpers/migration-error.ts';
import { appFolder, drizzleJournal } from '../../helpers/other-tools.ts';

const NOW = new Date('2026-03-04T05:06:07Z');
const STAMP = '20260304050607';
const SQL = 'SELECT 1;\n';

/** The next migration's files for `SQL`, as path → text, and its name. */
function next(folder: Record<string, string>, layout?: MigrationLayout, description = 'pin notes') {
  const migration = nextMigration(folder, description, {
    now: NOW,
    layout,
    snapshotId: 'new-snapshot',
  });
  const files = migration.files(SQL);
  return { migration, files, byPath: Object.fromEntries(files.map((f) => [f.path, f.text])) };
}

/**
 * The migrations the runner reads once the files are written, told the layout only where the
 * files cannot show it (sqlx's simple files look like this runner's).
 */
function readBack(folder: Record<string, string>, files: NextMigrationFile[], layout?: string) {
  const after = { ...folder, ...Object.fromEntries(files.map((f) => [f.path, f.text])) };
  const split = splitMigrationFiles(after, { layout: layout as MigrationLayout | undefined });
  return { layout: split.layout, names: split.migrations.map((m) => m.name) };
}

/** A dbmate file, as `dbmate new` writes it with SQL in its up part. */
const dbmate = (sql: string) => `-- migrate:up\n${sql}\n-- migrate:down\n`;

describe('the next migration of a golang-migrate folder', () => {
  test.each<[string, string[], string]>([
    ['one past the highest, unpadded', ['1_a', '2_b'], '3_pin_notes'],
    [
      'padded as wide as the folder (migrate create -seq -digits 6)',
      ['000009_a'],
      '000010_pin_notes',
    ],
    ['by number, not by name order', ['9_a', '10_b'], '11_pin_notes'],
    ['the time where the numbers are timestamps', ['20240101120000_a'], `${STAMP}_pin_notes`],
    ['with words joined by - where the folder joins them so', ['1_create-a'], '2_pin-notes'],
    ['the time in a folder with none yet, as migrate create', [], `${STAMP}_pin_notes`],
  ])('is %s: an up file and an empty down file', (_, stems, expected) => {
    const folder = Object.fromEntries(
      stems.flatMap((stem) => [
        [`${stem}.up.sql`, 'SELECT 0;'],
        [`${stem}.down.sql`, ''],
      ]),
    );
    const { migration, files } = next(folder, 'golang-migrate');

    expect(migration.name).toBe(`${expected}.up.sql`);
    expect(files).toEqual([
      { path: `${expected}.up.sql`, text: SQL, role: 'migration' },
      { path: `${expected}.down.sql`, text: '', role: 'down' },
    ]);
    const back = readBack(folder, files);
    expect(back.layout).toBe('golang-migrate');
    expect(back.names.at(-1)).toBe(`${expected}.up.sql`);
  });
});

describe('the next migration of a sqlx folder', () => {
  test.each<[string, Record<string, string>, string[]]>([
    ['simple and padded', { '0001_a.sql': '' }, ['0002_pin_notes.sql']],
    ['simple, by the time', { '20240101120000_a.sql': '' }, [`${STAMP}_pin_notes.sql`]],
    [
      'reversible where the folder is (sqlx migrate add does the same)',
      { '20240101120000_a.up.sql': '', '20240101120000_a.down.sql': '' },
      [`${STAMP}_pin_notes.up.sql`, `${STAMP}_pin_notes.down.sql`],
    ],
    [
      'reversible where any of its migrations is',
      { '1_a.sql': '', '2_b.up.sql': '', '2_b.down.sql': '' },
      ['3_pin_notes.up.sql', '3_pin_notes.down.sql'],
    ],
    ['by the time in a folder with none yet, as sqlx migrate add', {}, [`${STAMP}_pin_notes.sql`]],
  ])('is %s', (_, folder, expected) => {
    const { migration, files } = next(folder, 'sqlx');

    expect(migration.name).toBe(expected[0]);
    expect(files.map((file) => [file.path, file.text, file.role])).toEqual(
      expected.map((path, i) => [path, i === 0 ? SQL : '', i === 0 ? 'migration' : 'down']),
    );
    expect(readBack(folder, files, 'sqlx').names.at(-1)).toBe(expected[0]);
  });
});

describe('the next migration of a dbmate folder', () => {
  test.each<[string, string[], string]>([
    ['the time where the folder numbers by time', ['20240101120000_a'], `${STAMP}_pin_notes.sql`],
    ['one past a timestamp from the future', ['20990101120000_a'], '20990101120001_pin_notes.sql'],
    ['one past the highest where the numbers are padded', ['001_a', '002_b'], '003_pin_notes.sql'],
    ['the time in a folder with none yet, as dbmate new', [], `${STAMP}_pin_notes.sql`],
  ])('is %s, its SQL between -- migrate:up and -- migrate:down', (_, stems, expected) => {
    const folder = Object.fromEntries(stems.map((stem) => [`${stem}.sql`, dbmate('SELECT 0;')]));
    const { migration, files } = next(folder, 'dbmate');

    expect(migration.name).toBe(expected);
    expect(files).toEqual([
      { path: expected, text: '-- migrate:up\nSELECT 1;\n\n-- migrate:down\n', role: 'migration' },
    ]);
    const back = readBack(folder, files);
    expect(back.layout).toBe('dbmate');
    expect(back.names.at(-1)).toBe(expected);
    // The up part is what runs: the SQL, not the down directive.
    const after = { ...folder, [expected]: files[0]?.text as string };
    expect(splitMigrationFiles(after).migrations.at(-1)?.sql).toBe('-- migrate:up\nSELECT 1;\n\n');
  });
});

describe('the next migration of a Prisma folder', () => {
  test.each<[string, string[], string, string]>([
    [
      'the time, in a folder of its own',
      ['20240101120000_init'],
      'pin notes',
      `${STAMP}_pin_notes`,
    ],
    ['a lower-case slug of its words, as Prisma makes', [], 'Pin Notes!', `${STAMP}_pin_notes`],
    [
      'one past a folder from the future',
      ['20990101120000_init'],
      'pin notes',
      '20990101120001_pin_notes',
    ],
  ])('is %s', (_, folders, description, expected) => {
    const folder = Object.fromEntries(folders.map((name) => [`${name}/migration.sql`, '']));
    const { migration, files } = next(folder, 'prisma', description);

    expect(migration.name).toBe(`${expected}/migration.sql`);
    expect(files).toEqual([{ path: `${expected}/migration.sql`, text: SQL, role: 'migration' }]);
    expect(readBack(folder, files, 'prisma').names.at(-1)).toBe(`${expected}/migration.sql`);
  });
});

describe('the next migration of a Flyway folder', () => {
  test.each<[string, string[], string]>([
    ['the next version after the highest', ['V1__a', 'V2__b'], 'V3__pin_notes.sql'],
    ['by version, not by name order', ['V9__a', 'V10__b'], 'V11__pin_notes.sql'],
    ['the next whole version after a dotted one', ['V1__a', 'V1.2__b'], 'V2__pin_notes.sql'],
    ['the next whole version after one written with _', ['V1_1__a'], 'V2__pin_notes.sql'],
    ['padded as the folder pads it', ['V009__a'], 'V010__pin_notes.sql'],
    [
      'the next after the versions, whatever the undo files say',
      ['V1__a', 'U1__a'],
      'V2__pin_notes.sql',
    ],
    ['V1 in a folder with none yet', [], 'V1__pin_notes.sql'],
  ])('is %s', (_, stems, expected) => {
    const folder = Object.fromEntries(stems.map((stem) => [`${stem}.sql`, 'SELECT 0;']));
    const { migration, files } = next(folder, 'flyway');

    expect(migration.name).toBe(expected);
    expect(files).toEqual([{ path: expected, text: SQL, role: 'migration' }]);
    expect(readBack(folder, files, 'flyway').names.at(-1)).toBe(expected);
  });
});

describe('the next migration of a drizzle-kit folder', () => {
  const SNAPSHOT = {
    version: '6',
    dialect: 'sqlite',
    id: 'last-snapshot',
    prevId: 'one-before',
    tables: { users: { name: 'users' } },
    _meta: { tables: { '"old"': '"users"' }, columns: {} },
    internal: { indexes: {} },
  };
  /** The app's drizzle-kit folder, its journal's tags and `when`s replaced as `edit` says. */
  function drizzleFolder(edit: (entry: Record<string, unknown>) => void = () => {}) {
    const journal = JSON.parse(drizzleJournal(3));
    for (const entry of journal.entries) edit(entry);
    const folder = appFolder('drizzle-kit');
    for (const entry of journal.entries) {
      const old = Object.keys(folder).find((path) => path.startsWith(`000${entry.idx}_`));
      const text = folder[old as string] as string;
      delete folder[old as string];
      folder[`${entry.tag}.sql`] = text;
    }
    folder['meta/_journal.json'] = JSON.stringify(journal, null, 2);
    folder['meta/0000_snapshot.json'] = '{"id":"first","prevId":"none","version":"6"}';
    folder['meta/0002_snapshot.json'] = JSON.stringify(SNAPSHOT);
    return folder;
  }

  test.each<[string, (entry: Record<string, unknown>) => void, string, Record<string, unknown>]>([
    ['index prefix (the default): idx one past the last', () => {}, '0003', {}],
    [
      'timestamp prefix: the time',
      (entry) => {
        entry.tag = `2024010112000${entry.idx}_${String(entry.tag).slice(5)}`;
      },
      STAMP,
      {},
    ],
    [
      'unix prefix: the time in seconds',
      (entry) => {
        entry.tag = `171700000${entry.idx}_${String(entry.tag).slice(5)}`;
      },
      String(NOW.getTime() / 1000),
      {},
    ],
    [
      'a when past the last one, which is in the future',
      (entry) => {
        entry.when = 4_000_000_000_000 + Number(entry.idx);
      },
      '0003',
      { when: 4_000_000_000_003 },
    ],
    [
      'the last entry’s breakpoints',
      (entry) => {
        entry.breakpoints = false;
      },
      '0003',
      { breakpoints: false },
    ],
  ])('is a file, a snapshot and a journal entry: %s', (_, edit, prefix, entryChanges) => {
    const folder = drizzleFolder(edit);
    const { migration, files } = next(folder);
    const tag = `${prefix}_pin_notes`;

    expect(migration).toMatchObject({
      layout: 'drizzle-kit',
      name: `${tag}.sql`,
      breakpoints: entryChanges.breakpoints ?? true,
    });
    expect(files.map((file) => [file.path, file.role, file.replaces])).toEqual([
      [`${tag}.sql`, 'migration', undefined],
      [`meta/${prefix}_snapshot.json`, 'snapshot', undefined],
      ['meta/_journal.json', 'journal', folder['meta/_journal.json']],
    ]);
    expect(files[0]?.text).toBe(SQL);
    // As drizzle-kit's custom snapshot: the latest one, under a new id that points back at it.
    expect(JSON.parse(files[1]?.text as string)).toEqual({
      ...SNAPSHOT,
      id: 'new-snapshot',
      prevId: 'last-snapshot',
      _meta: { columns: {}, schemas: {}, tables: {} },
    });
    const before = JSON.parse(folder['meta/_journal.json'] as string);
    const journal = JSON.parse(files[2]?.text as string);
    expect(journal).toEqual({
      ...before,
      entries: [
        ...before.entries,
        {
          idx: 3,
          version: '6',
          when: NOW.getTime(),
          tag,
          breakpoints: true,
          ...entryChanges,
        },
      ],
    });
    // drizzle-kit writes its journal with two spaces and no final newline.
    expect(files[2]?.text).toBe(JSON.stringify(journal, null, 2));
    const back = readBack(folder, files);
    expect(back.layout).toBe('drizzle-kit');
    expect(back.names.at(-1)).toBe(`${tag}.sql`);
  });

  test('starts at 0000 in a journal with no entries yet', () => {
    const folder = {
      'meta/_journal.json': '{"version":"7","dialect":"sqlite","entries":[]}',
      'meta/0000_snapshot.json': '{"id":"dry","prevId":"","version":"6"}',
    };
    const { migration, files } = next(folder, 'drizzle-kit');
    expect(migration.name).toBe('0000_pin_notes.sql');
    expect(JSON.parse(files[2]?.text as string).entries).toEqual([
      { idx: 0, version: '6', when: NOW.getTime(), tag: '0000_pin_notes', breakpoints: true },
    ]);
  });
});

describe('the next migration of this runner’s own folder', () => {
  test('is nextMigrationName’s, one file', () => {
    const folder = { '001_a.sql': '', '002_b.sql': '', 'schema.sql': '' };
    const { migration, files } = next(folder);
    expect(migration).toMatchObject({ layout: 'sqljs-migrate', breakpoints: false });
    expect(migration.name).toBe(nextMigrationName(['001_a.sql', '002_b.sql'], 'pin notes', NOW));
    expect(files).toEqual([{ path: '003_pin_notes.sql', text: SQL, role: 'migration' }]);
  });

  test('is 001 in a folder with nothing but its schema', () => {
    expect(next({ 'schema.sql': '' }).migration.name).toBe('001_pin_notes.sql');
  });
});

describe('the next migration refused', () => {
  test.each<[string, Record<string, string>, MigrationLayout | undefined, string, string]>([
    [
      'a dbmate folder whose unpadded numbers would run the new one before another',
      { '1_a.sql': dbmate('SELECT 1;'), '9_b.sql': dbmate('SELECT 9;') },
      undefined,
      'CANNOT_GENERATE',
      '10_pin_notes.sql: dbmate would run it before 1_a.sql, not last',
    ],
    [
      'a drizzle-kit folder with no snapshot to carry on from',
      appFolder('drizzle-kit'),
      undefined,
      'CANNOT_GENERATE',
      "meta/: no snapshot, and drizzle-kit writes each migration's from the one before; run `drizzle-kit generate --custom --name pin_notes` instead",
    ],
    [
      'a drizzle-kit folder whose last snapshot is not one',
      { ...appFolder('drizzle-kit'), 'meta/0002_snapshot.json': '[]' },
      undefined,
      'CANNOT_GENERATE',
      'meta/0002_snapshot.json: not a snapshot drizzle-kit wrote',
    ],
    [
      'an empty folder read as drizzle-kit, which has no journal',
      {},
      'drizzle-kit',
      'CANNOT_GENERATE',
      'meta/_journal.json: missing, so there is no journal to add the migration to; run `drizzle-kit generate --custom',
    ],
    [
      'a journal whose last tag has no prefix drizzle-kit writes',
      {
        'custom.sql': '',
        'meta/_journal.json': '{"entries":[{"idx":0,"when":1,"tag":"custom"}]}',
        'meta/0000_snapshot.json': '{"id":"a"}',
      },
      undefined,
      'CANNOT_GENERATE',
      'its last tag, custom, has no prefix drizzle-kit writes',
    ],
    [
      'a folder the runner refuses (mixed layouts)',
      { '001_a.sql': '', 'V2__b.sql': '' },
      undefined,
      'MIXED_LAYOUT',
      'mixes the files of 2 layouts',
    ],
    ['a description with no letter or digit', {}, 'flyway', 'BAD_NAME', '"--": a migration'],
  ])('for %s', (_, folder, layout, code, message) => {
    const description = message.startsWith('"--"') ? '--' : 'pin notes';
    const error = catchMigrationError(() =>
      nextMigration(folder, description, { now: NOW, layout, snapshotId: 'x' }),
    );
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});
