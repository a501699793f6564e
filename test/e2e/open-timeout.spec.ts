import type { Page } from '@playwright/test';
import {
  addNote,
  expectState,
  expectWorkerEnded,
  nextWorker,
  noteTexts,
  watchStoredDatabase,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

// The `runaway` build is the demo's next release whose one new migration never ends: its backfill
// fires a trigger that counts the rows of a recursive query with no limit.
const RUNAWAY_MIGRATION = '900_count_note_words.sql';

/** Opens the runaway release with a time budget and waits until its panel shows the migration running. */
async function openRunaway(page: Page, timeoutMs: number) {
  const worker = nextWorker(page, 'database-worker');
  await page.goto(`${buildUrl('runaway')}?open-timeout-ms=${timeoutMs}`);
  const status = page.getByTestId('migration-status');
  await expect(status).toHaveAttribute('data-step', 'migrating');
  await expect(status).toContainText(`Running ${RUNAWAY_MIGRATION}`);
  return worker;
}

/** The base release, ready, with one note in the stored database. */
async function storedWithNote(page: Page, note: string): Promise<void> {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, note);
}

test('an open whose migration never ends is stopped at its time budget: OPEN_TIMED_OUT, its worker ended, nothing stored', async ({
  context,
  page,
}) => {
  await storedWithNote(page, 'kept through a release that never finishes');
  const stored = await watchStoredDatabase(context, page);

  const runaway = await context.newPage();
  const openedAt = Date.now();
  const worker = await openRunaway(runaway, 3000);
  await expectState(runaway, 'failed');
  // The budget and the page's own work, on a busy two-core machine: seconds, not minutes.
  expect(Date.now() - openedAt).toBeLessThan(15_000);
  await expect(runaway.getByTestId('migration-error')).toHaveAttribute(
    'data-code',
    'OPEN_TIMED_OUT',
  );
  await expect(runaway.getByTestId('migration-error-message')).toHaveText(
    `Opening starpunk-notes took longer than 3 s, so it was stopped while it ran ${RUNAWAY_MIGRATION}, which may never end (a trigger it fires can loop for ever); the stored database is unchanged.`,
  );
  await expect(runaway.getByTestId('migration-status')).toHaveText(
    'Opening was stopped: the notes stay closed',
  );
  await expectWorkerEnded(runaway, await worker);
  await stored.expectUntouched();
});

test('a tab opened while another runs a migration says it waits, and opens once that one is stopped', async ({
  context,
  page,
}) => {
  await storedWithNote(page, 'waited for');
  await page.close();

  const runaway = await context.newPage();
  await openRunaway(runaway, 5000);
  const second = await context.newPage();
  await second.goto(buildUrl('base'));
  const status = second.getByTestId('migration-status');
  await expect(status).toHaveAttribute('data-step', 'waiting');
  await expect(status).toHaveText(
    'Waiting for another tab of this app, which has the database open for a migration or a write…',
  );
  await expect(status).toHaveAttribute('data-state', 'loading');

  // The first tab's budget ends its worker, and with it the lock: the second tab goes on.
  await expectState(runaway, 'failed');
  await expectState(second, 'ready');
  expect(await noteTexts(second)).toEqual(['waited for']);
});
