import {
  addNote,
  appliedMigrations,
  backupOf,
  demoMigrationNames,
  expectState,
  noteTexts,
  readStoredDatabase,
  runSummary,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { listedBackups } from './support/upload-page.ts';

const NEW_MIGRATION = '900_add_pinned_to_notes.sql';

test('the next release executes its one new migration on load and keeps the notes', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'written before the upgrade');

  await page.goto(buildUrl('plus-one'));
  await expectState(page, 'ready');

  expect(await runSummary(page)).toEqual({
    detected: 'tracked',
    upToDate: false,
    executed: 1,
    baselined: 0,
  });
  expect(await appliedMigrations(page)).toEqual([
    ...demoMigrationNames().map((name) => ({ name, how: 'baselined', status: 'already-applied' })),
    { name: NEW_MIGRATION, how: 'executed', status: 'executed' },
  ]);
  expect(await noteTexts(page)).toEqual(['written before the upgrade']);
  await addNote(page, 'written after the upgrade');
  expect(await noteTexts(page)).toEqual([
    'written after the upgrade',
    'written before the upgrade',
  ]);
});

test('the upgrade saves the new image and the previous one as its backup together', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'in the backup too');
  const before = await readStoredDatabase(page);

  await page.goto(buildUrl('plus-one'));
  await expectState(page, 'ready');
  const after = await readStoredDatabase(page);

  expect(after.backups).toEqual([backupOf(before, 'pre-migration')]);
  // The backups card lists it.
  await expect(page.getByTestId('backup')).toHaveCount(1);
  expect(await listedBackups(page)).toEqual([
    { reason: 'pre-migration', generation: before.generation, sizeBytes: before.imageBytes },
  ]);
  expect(after.imageSha256).not.toBe(before.imageSha256);
  expect(after.generation).toBe((before.generation ?? 0) + 1);
});

test('the upgraded database is up to date on the next load of the new release', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await page.goto(buildUrl('plus-one'));
  await expectState(page, 'ready');
  await page.reload();
  await expectState(page, 'ready');
  expect(await runSummary(page)).toEqual({
    detected: 'tracked',
    upToDate: true,
    executed: 0,
    baselined: 0,
  });
  await expect(
    page.locator(`[data-testid="applied-migration"][data-name="${NEW_MIGRATION}"]`),
  ).toHaveAttribute('data-how', 'executed');
});
