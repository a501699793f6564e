import { addNote, expectState, noteTexts, runSummary } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

test('a tab of the old release stops writing once the next release upgrades the database', async ({
  context,
  page,
}) => {
  const oldTab = page;
  await oldTab.goto(buildUrl('base'));
  await expectState(oldTab, 'ready');
  await addNote(oldTab, 'from the old tab');

  const newTab = await context.newPage();
  await newTab.goto(buildUrl('plus-one'));
  await expectState(newTab, 'ready');
  expect((await runSummary(newTab)).executed).toBe(1);

  await expect(oldTab.getByTestId('stale-notice')).toBeVisible();
  await expect(oldTab.getByTestId('stale-notice')).toContainText('900_add_pinned_to_notes.sql');
  await expect(oldTab.getByTestId('note-input')).toBeDisabled();
  await expect(oldTab.getByTestId('note-add')).toBeDisabled();

  await addNote(newTab, 'from the new tab');
  expect(await noteTexts(newTab)).toEqual(['from the new tab', 'from the old tab']);
});

test('the old release refuses a database the next release upgraded, and asks for the new one', async ({
  context,
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'still there after all of it');
  const newTab = await context.newPage();
  await newTab.goto(buildUrl('plus-one'));
  await expectState(newTab, 'ready');

  await expect(page.getByTestId('stale-notice')).toBeVisible();
  await page.getByTestId('reload').click();
  await expectState(page, 'failed');
  await expect(page.getByTestId('migration-error')).toHaveAttribute('data-code', 'UNKNOWN_APPLIED');
  await expect(page.getByTestId('migration-error')).toContainText('900_add_pinned_to_notes.sql');

  await newTab.reload();
  await expectState(newTab, 'ready');
  expect(await noteTexts(newTab)).toEqual(['still there after all of it']);
});
