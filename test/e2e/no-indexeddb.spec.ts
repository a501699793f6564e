import { addNote, expectState, noteTexts, runSummary } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

test.use({ blockSiteStorage: true });

test('with site storage blocked the app runs in memory and says so', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');

  await expect(page.getByTestId('storage-mode')).toHaveAttribute('data-mode', 'memory');
  await expect(page.getByTestId('storage-problem')).toContainText('IndexedDB is unavailable');
  expect((await runSummary(page)).detected).toBe('fresh');
  await addNote(page, 'only in memory');
  expect(await noteTexts(page)).toEqual(['only in memory']);

  // Nothing was kept: the next load starts from nothing again.
  await page.reload();
  await expectState(page, 'ready');
  expect((await runSummary(page)).detected).toBe('fresh');
  await expect(page.getByTestId('note')).toHaveCount(0);
});
