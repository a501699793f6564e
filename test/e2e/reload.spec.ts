// A reload that runs nothing and stores nothing is a scenario every engine runs (engines/), which
// compares the stored database before and after; here Chromium itself is asked whether any tab or
// worker wrote to IndexedDB at all.
import { addNote, expectState, watchIndexedDbWrites } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl, PREVIEW_ORIGIN } from './support/sites.ts';

test('a reload makes no write to IndexedDB, as Chromium itself reports them', async ({
  context,
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'kept across reloads');
  const writes = await watchIndexedDbWrites(context, page, PREVIEW_ORIGIN);

  await page.reload();
  await expectState(page, 'ready');
  expect(writes.count()).toBe(0);

  // The watcher does see writes: a note is one.
  await addNote(page, 'written after the reload');
  await expect.poll(() => writes.count()).toBeGreaterThan(0);
  await writes.stop();
});
