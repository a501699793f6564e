// A new migration on the next load, its backup and the notes it keeps are a scenario every engine
// runs (engines/); this is what the load after it finds.
import { expectState, runSummary } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

const NEW_MIGRATION = '900_add_pinned_to_notes.sql';

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
