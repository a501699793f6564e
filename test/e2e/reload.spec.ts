import {
  addNote,
  appliedMigrations,
  demoMigrationNames,
  expectState,
  noteTexts,
  readStoredDatabase,
  runSummary,
  watchIndexedDbWrites,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl, PREVIEW_ORIGIN } from './support/sites.ts';

test('a reload runs no migration and writes nothing to IndexedDB', async ({ context, page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'kept across reloads');
  const before = await readStoredDatabase(page);
  const writes = await watchIndexedDbWrites(context, page, PREVIEW_ORIGIN);

  await page.reload();
  await expectState(page, 'ready');

  expect(await runSummary(page)).toEqual({
    detected: 'tracked',
    upToDate: true,
    executed: 0,
    baselined: 0,
  });
  expect(await appliedMigrations(page)).toEqual(
    demoMigrationNames().map((name) => ({ name, how: 'baselined', status: 'already-applied' })),
  );
  expect(await noteTexts(page)).toEqual(['kept across reloads']);
  expect(writes.count()).toBe(0);
  expect(await readStoredDatabase(page)).toEqual(before);

  // The watcher does see writes: a note is one.
  await addNote(page, 'written after the reload');
  await expect.poll(() => writes.count()).toBeGreaterThan(0);
  await writes.stop();
});
