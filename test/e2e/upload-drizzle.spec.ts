import type { Database } from 'sql.js';
import { readMigrationFiles } from '../../src/cli/migrations-folder.ts';
import { migratedByDrizzle } from '../helpers/other-tools.ts';
import { memoryDatabase, rows } from '../helpers/sqljs.ts';
import {
  expectState,
  markDocument,
  noteTexts,
  readStoredDatabase,
  watchIndexedDbWrites,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl, DRIZZLE_KIT_DIR, PREVIEW_ORIGIN } from './support/sites.ts';
import { fileOf, type UploadFile, uploadFile } from './support/upload-files.ts';
import { applyUpgrade, expectRefused, pickFile, plannedMigrations } from './support/upload-page.ts';

/** The drizzle build's migrations: the drizzle-kit fixture folder, in its journal's order. */
const DRIZZLE_NAMES = [
  '0000_notes.sql',
  '0001_backfill_excerpts.sql',
  '0002_tags.sql',
  '0003_pinned.sql',
];

/**
 * A file drizzle-orm's own migrator took through the first `count` migrations of the folder the
 * drizzle build ships, with a note written after them (its excerpt empty: the backfill, if it ran
 * again, would fill it).
 */
function drizzleDatabase(count: number, change?: (db: Database) => void): Database {
  const db = migratedByDrizzle(readMigrationFiles(DRIZZLE_KIT_DIR), count);
  db.run("INSERT INTO notes (slug, content) VALUES ('from-drizzle', 'Written under drizzle.')");
  change?.(db);
  return db;
}

function drizzleFile(name: string, count: number, change?: (db: Database) => void): UploadFile {
  return uploadFile(name, fileOf(drizzleDatabase(count, change)));
}

test('a database drizzle migrated is upgraded and adopted with nothing run again, and the panel says what was adopted', async ({
  page,
}) => {
  await page.goto(buildUrl('drizzle'));
  await expectState(page, 'ready');

  await pickFile(page, drizzleFile('drizzle-app.db', 3));
  await expect(page.getByTestId('upload-state')).toHaveAttribute('data-state', 'other-ledger');
  const adoption = page.getByTestId('upload-adoption');
  await expect(adoption).toHaveText('adopted from drizzle: 3 migrations');
  await expect(adoption).toHaveAttribute('data-from', 'drizzle');
  expect(await plannedMigrations(page)).toEqual([
    { name: DRIZZLE_NAMES[0], how: 'adopted' },
    { name: DRIZZLE_NAMES[1], how: 'adopted' },
    { name: DRIZZLE_NAMES[2], how: 'adopted' },
    { name: DRIZZLE_NAMES[3], how: 'executed' },
  ]);

  await applyUpgrade(page);
  const result = page.getByTestId('upload-result');
  await expect(result).toHaveAttribute('data-adopted', '3');
  await expect(result).toHaveAttribute('data-executed', '1');
  await expect(result).toHaveAttribute('data-baselined', '0');
  const reloaded = await markDocument(page);
  await page.getByTestId('upload-adopt').click();
  await expect.poll(reloaded).toBe(true);
  await expectState(page, 'ready');

  const summary = page.getByTestId('adopted-summary');
  await expect(summary).toHaveText(/adopted from drizzle: 3 migrations/);
  await expect(summary).toHaveAttribute('data-count', '3');
  const applied = await page
    .getByTestId('applied-migration')
    .evaluateAll((items) =>
      items.map((item) => [
        item.getAttribute('data-name'),
        item.getAttribute('data-how'),
        item.getAttribute('data-adopted-from'),
      ]),
    );
  expect(applied).toEqual([
    [DRIZZLE_NAMES[0], 'adopted', 'drizzle'],
    [DRIZZLE_NAMES[1], 'adopted', 'drizzle'],
    [DRIZZLE_NAMES[2], 'adopted', 'drizzle'],
    [DRIZZLE_NAMES[3], 'executed', ''],
  ]);
  expect(await noteTexts(page)).toEqual(['Written under drizzle.']);

  // The backfill did not run again: the note written after it still has no excerpt.
  const stored = (await readStoredDatabase(page, { withFiles: true })).files?.image;
  if (stored == null) throw new Error('the stored file could not be put together');
  const db = memoryDatabase(new Uint8Array(Buffer.from(stored, 'base64')));
  expect(rows(db, "SELECT excerpt FROM notes WHERE slug = 'from-drizzle'")).toEqual([
    { excerpt: null },
  ]);
  expect(rows(db, 'SELECT count(*) AS n FROM __drizzle_migrations')).toEqual([{ n: 3 }]);
});

test('a drizzle database whose ledger and schema disagree, or whose ledger is of a newer app, or that golang-migrate left dirty, is refused and nothing is written', async ({
  context,
  page,
}) => {
  await page.goto(buildUrl('drizzle'));
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page, { withFiles: true });
  const writes = await watchIndexedDbWrites(context, page, PREVIEW_ORIGIN);

  const cases = [
    {
      file: drizzleFile('disagrees.db', 3, (db) => db.run('DROP TABLE note_tags')),
      code: 'LEDGER_DISAGREES',
      says: "drizzle's ledger (__drizzle_migrations) says 0002_tags.sql was the last to run",
    },
    {
      file: drizzleFile('newer.db', 4, (db) =>
        db.run(
          "INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('0123456789abcdef', 1900000000000)",
        ),
      ),
      code: 'UNKNOWN_APPLIED',
      says: 'this app has no such migration',
    },
    {
      file: drizzleFile('dirty.db', 4, (db) => {
        db.exec('DROP TABLE __drizzle_migrations');
        db.exec(
          'CREATE TABLE schema_migrations (version uint64, dirty bool); INSERT INTO schema_migrations VALUES (2, 1);',
        );
      }),
      code: 'UNFINISHED_MIGRATION',
      says: 'marks version 2 dirty',
    },
  ];
  for (const { file, code, says } of cases) {
    await pickFile(page, file);
    await expectRefused(page, code, says);
  }

  expect(writes.count()).toBe(0);
  expect(await readStoredDatabase(page, { withFiles: true })).toEqual(before);
  await writes.stop();
});
