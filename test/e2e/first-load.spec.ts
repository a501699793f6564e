import {
  addNote,
  appliedMigrations,
  demoMigrationNames,
  expectState,
  noteTexts,
  readStoredDatabase,
  runSummary,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

test('a fresh browser gets the full schema with every migration baselined', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');

  const names = demoMigrationNames();
  expect(await runSummary(page)).toEqual({
    detected: 'fresh',
    upToDate: false,
    executed: 0,
    baselined: names.length,
  });
  expect(await appliedMigrations(page)).toEqual(
    names.map((name) => ({ name, how: 'baselined', status: 'baselined' })),
  );
  await expect(page.getByTestId('storage-mode')).toHaveAttribute('data-mode', 'indexeddb');
  const stored = await readStoredDatabase(page);
  expect(stored.generation).toBe(1);
  expect(stored.imageSha256).not.toBeNull();
  expect(stored.backups).toEqual([]);
});

test('notes can be added and deleted, newest first', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'first note');
  await addNote(page, 'second note');
  expect(await noteTexts(page)).toEqual(['second note', 'first note']);

  await page
    .getByTestId('note')
    .filter({ hasText: 'first note' })
    .getByTestId('note-delete')
    .click();
  await expect(page.getByTestId('note')).toHaveCount(1);
  await page.reload();
  await expectState(page, 'ready');
  expect(await noteTexts(page)).toEqual(['second note']);
});

test('a note made of markup is shown as text', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const markup = '<img src=x data-injected="yes"><b>bold?</b>';
  await addNote(page, markup);
  const text = page.getByTestId('note-text').first();
  await expect(text).toHaveText(markup);
  expect(await text.evaluate((element) => element.childElementCount)).toBe(0);
});
