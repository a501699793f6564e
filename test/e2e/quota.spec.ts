import { addNote, expectState, noteTexts, readStoredDatabase } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl, PREVIEW_ORIGIN } from './support/sites.ts';

// The "full disk" is set in a restarted browser on the same profile.
test.use({ ownBrowser: true });

test('a save refused for want of space keeps the last good image and says so', async ({
  page,
  relaunch,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'saved before the disk filled');
  const before = await readStoredDatabase(page);

  // Chromium caches the space it allows a site for a while once IndexedDB is open, so the
  // "full disk" is set in a freshly started browser, before the app opens its database.
  const browser = await relaunch();
  const tab = await browser.newPage();
  const devtools = await browser.newCDPSession(tab);
  await devtools.send('Storage.overrideQuotaForOrigin', {
    origin: PREVIEW_ORIGIN,
    quotaSize: 1024,
  });
  await tab.goto(buildUrl('base'));
  await expectState(tab, 'ready');

  await tab.getByTestId('note-input').fill('lost for want of space');
  await tab.getByTestId('note-add').click();

  await expect(tab.getByTestId('storage-problem')).toContainText('storage for this site is full');
  await expect(tab.getByTestId('note-problem')).toBeVisible();
  expect(await noteTexts(tab)).toEqual(['saved before the disk filled']);
  expect(await readStoredDatabase(tab)).toEqual(before);
});
