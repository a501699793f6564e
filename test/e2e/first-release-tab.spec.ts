// A tab of 0.1.0 left open while this version converts the store, in a browser without
// BroadcastChannel: it never hears of the conversion, and must still lose nothing.
import type { BrowserContext } from '@playwright/test';
import { addNote, expectState, readStoredDatabase } from './support/app.ts';
import { FIRST_RELEASE_URL } from './support/first-release.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

test('a tab of 0.1.0 that never hears of the conversion saves nothing beside it, and asks to be reloaded', async ({
  context,
  page,
}) => {
  await withoutBroadcastChannel(context);
  const oldTab = page;
  await oldTab.goto(FIRST_RELEASE_URL);
  await expectState(oldTab, 'ready');
  await addNote(oldTab, 'written by 0.1.0');

  const newTab = await context.newPage();
  const workers: string[] = [];
  newTab.on('worker', (worker) => {
    worker.evaluate(() => typeof BroadcastChannel).then((kind) => workers.push(kind));
  });
  await newTab.goto(buildUrl('base'));
  await expectState(newTab, 'ready');
  await expect(newTab.getByTestId('note-text')).toHaveText(['written by 0.1.0']);
  // As in a browser without it: neither the page nor its database worker has BroadcastChannel.
  expect(await newTab.evaluate(() => typeof BroadcastChannel)).toBe('undefined');
  await expect.poll(() => workers).toContain('undefined');
  expect(workers).not.toContain('function');
  const converted = await readStoredDatabase(newTab);

  // The old tab was not told: it still takes a note, and its save is refused.
  await oldTab.getByTestId('note-input').fill('written by 0.1.0 after the conversion');
  await oldTab.getByTestId('note-add').click();
  await expect(oldTab.getByTestId('stale-notice')).toBeVisible();
  await expect(oldTab.getByTestId('stale-notice')).toContainText('reload');
  await expect(oldTab.getByTestId('note-problem')).toContainText('reload');
  await expect(oldTab.getByTestId('note-add')).toBeDisabled();
  expect(await readStoredDatabase(newTab)).toEqual(converted);

  // Reloaded, the old tab gets this version, which finds every note ever reported saved.
  await oldTab.getByTestId('reload').click();
  await oldTab.goto(buildUrl('base'));
  await expectState(oldTab, 'ready');
  await expect(oldTab.getByTestId('note-text')).toHaveText(['written by 0.1.0']);
  await addNote(oldTab, 'written after the reload');
  await newTab.reload();
  await expectState(newTab, 'ready');
  await expect(newTab.getByTestId('note-text')).toHaveText([
    'written after the reload',
    'written by 0.1.0',
  ]);
});

/**
 * Serves every script of the origin without BroadcastChannel, the page's and its workers' alike
 * (an init script would reach the page alone), as a browser without it would run them.
 */
async function withoutBroadcastChannel(context: BrowserContext): Promise<void> {
  await context.route(/\.js(\?.*)?$/, async (route) => {
    const response = await route.fetch();
    const body = `delete globalThis.BroadcastChannel;\n${await response.text()}`;
    await route.fulfill({ response, body });
  });
}
