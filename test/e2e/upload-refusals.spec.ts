import { expectState, readStoredDatabase, watchIndexedDbWrites } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl, PREVIEW_ORIGIN } from './support/sites.ts';
import { badFiles, fileLargerThan, legacyFile } from './support/upload-files.ts';
import { expectRefused, pickFile } from './support/upload-page.ts';

/** The limit the page is opened with (`?max-upload-bytes=`): above every bad file but one. */
const LIMIT = 200 * 1024;

test('each bad file is refused with what is wrong, and nothing is written to IndexedDB', async ({
  context,
  page,
}) => {
  await page.goto(`${buildUrl('base')}?max-upload-bytes=${LIMIT}`);
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page);
  const writes = await watchIndexedDbWrites(context, page, PREVIEW_ORIGIN);

  const cases = [
    ...badFiles(),
    {
      file: fileLargerThan(LIMIT),
      code: 'TOO_LARGE',
      says: 'larger than the 200 KB this page accepts',
    },
  ];
  for (const { file, code, says } of cases) {
    await pickFile(page, file);
    await expectRefused(page, code, says);
    await expect(page.getByTestId('upload-error-message')).toContainText(file.name);
  }

  expect(writes.count()).toBe(0);
  expect(await readStoredDatabase(page)).toEqual(before);
  await writes.stop();
});

test('a file larger than the space the browser still allows is refused before it is read', async ({
  context,
  page,
}) => {
  // A browser with 64 KB left for this site. Chromium's DevTools quota override limits writes
  // but not what navigator.storage.estimate() reports, so the estimate itself is replaced.
  await context.addInitScript(() => {
    navigator.storage.estimate = async () => ({
      quota: 10 * 1024 * 1024,
      usage: 10 * 1024 * 1024 - 64 * 1024,
    });
  });
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page);

  await pickFile(page, legacyFile(9));
  await expectRefused(page, 'NO_ROOM', 'lets the site store only 64 KB more');
  expect(await readStoredDatabase(page)).toEqual(before);
});
