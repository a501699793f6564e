import type { Page } from '@playwright/test';
import {
  expectState,
  expectWorkerEnded,
  rendererCores,
  watchStoredDatabase,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { legacyFile, runawayFile } from './support/upload-files.ts';
import {
  expectRefused,
  expectRunning,
  expectSettledOn,
  nextUploadWorker,
  recordShown,
} from './support/upload-page.ts';

// runaway.db is a tracked file at version 7 whose trigger on `notes` never ends: the pending
// 007_backfill_note_excerpts.sql updates every note, so its upgrade runs until it is stopped.
const RUNAWAY_MIGRATION = '007_backfill_note_excerpts.sql';

/** Picks runaway.db and waits until its worker is inside the backfill that never ends. */
async function pickRunaway(page: Page) {
  const worker = nextUploadWorker(page);
  await page.getByTestId('upload').setInputFiles(runawayFile());
  await expectRunning(page, RUNAWAY_MIGRATION);
  return worker;
}

/** Picks a file that upgrades (untracked, at version 3) and waits for its plan. */
async function pickGoodFile(page: Page) {
  const file = legacyFile(3);
  await page.getByTestId('upload').setInputFiles(file);
  await expectSettledOn(page, file.name);
  await expect(page.getByTestId('upload-plan')).toBeVisible();
}

test('an upgrade that outlives the time budget is stopped: TIMED_OUT, its worker ended, nothing stored', async ({
  context,
  page,
}) => {
  await page.goto(`${buildUrl('base')}?upload-timeout-ms=2000`);
  await expectState(page, 'ready');
  const stored = await watchStoredDatabase(context, page);

  const pickedAt = Date.now();
  const worker = await pickRunaway(page);
  await expectSettledOn(page, 'runaway.db');
  await expectRefused(page, 'TIMED_OUT', 'took longer than 2 s, so it was stopped');
  // The budget and the page's own work, on a busy two-core machine: seconds, not minutes.
  expect(Date.now() - pickedAt).toBeLessThan(10_000);
  await expect(page.getByTestId('upload-error-message')).toContainText('nothing was stored');
  await expect(page.getByTestId('upload-progress')).toContainText(
    `Stopped in migration 1 of 2, ${RUNAWAY_MIGRATION}`,
  );
  await expectWorkerEnded(page, await worker);
  await stored.expectUntouched();
});

test('Cancel ends a file’s check at once: its worker ended, the card says it was stopped, nothing stored', async ({
  context,
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const stored = await watchStoredDatabase(context, page);

  const worker = await pickRunaway(page);
  await page.getByTestId('upload-cancel').click();
  await expectWorkerEnded(page, await worker);
  await expectSettledOn(page, 'runaway.db');
  await expectRefused(page, 'CANCELLED', 'Checking runaway.db was stopped; nothing was stored.');
  await expect(page.getByTestId('upload-cancel')).toHaveCount(0);
  await expect(page.getByTestId('upload-progress')).toContainText(
    `Stopped in migration 1 of 2, ${RUNAWAY_MIGRATION}`,
  );
  await expect(page.getByTestId('upload')).toBeEnabled();

  await stored.expectUntouched();
  // The card takes the next file as any other.
  await pickGoodFile(page);
});

test('picking another file while one is still checking ends its worker and shows the new file', async ({
  context,
  page,
}, testInfo) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  // Every refusal the card shows from here on, however briefly.
  const refusalsShown = await recordShown(page, 'upload-error', ['data-code']);

  const runaway = await pickRunaway(page);
  const busy = await rendererCores(context);
  const input = page.getByTestId('upload');
  await expect(input).toBeEnabled();
  await pickGoodFile(page);
  await expectWorkerEnded(page, await runaway);
  // No longer pegged: the runaway worker took a core, or what a busy machine left it (as little
  // as a fifth on a loaded two-core runner), so the renderer now uses a fraction of that.
  const after = await rendererCores(context);
  testInfo.annotations.push({
    type: 'renderer cores',
    description: `${busy.toFixed(2)} while checking runaway.db, ${after.toFixed(2)} after`,
  });
  expect(after).toBeLessThan(Math.min(busy / 2, 0.25));

  await expect(page.getByTestId('upload-error')).toHaveCount(0);
  expect(await refusalsShown()).toEqual([]);
});

test('leaving the page while a file is checking ends its worker', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const runaway = await pickRunaway(page);

  await page.goto(`${buildUrl('base')}samples/index.json`);
  await expectWorkerEnded(page, await runaway);
});

test('a page hidden into the back/forward cache mid-check ends the worker, and shows a card ready for a file', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const runaway = await pickRunaway(page);

  // What the browser fires when it keeps a page it leaves, and when Back shows it again. Playwright
  // turns the cache off, and Chromium's own choice to cache a page varies from run to run, so the
  // two events are dispatched here: the page keeps running, and only its own code can end the worker.
  await page.evaluate(() =>
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })),
  );
  await expectWorkerEnded(page, await runaway);
  await page.evaluate(() =>
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })),
  );

  await expect(page.getByTestId('upload-body')).toHaveAttribute('data-busy', '');
  await expect(page.getByTestId('upload-checking')).toHaveCount(0);
  await expect(page.getByTestId('upload-progress')).toHaveCount(0);
  await pickGoodFile(page);
});
