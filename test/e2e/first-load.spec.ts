// A fresh open, migrate and save is one of the scenarios every engine runs (engines/); these are the
// notes list's own checks.
import { addNote, expectState, noteTexts } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

test('notes can be added and deleted, newest first', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'first note');
  await addNote(page, 'second note');
  expect(await noteTexts(page)).toEqual(['second note', 'first note']);

  await page
    .getByTestId('note')
    .filter({ hasText: 'first note' })
    .getByTestId('note-delete')
    .click();
  await expect(page.getByTestId('note')).toHaveCount(1);
  await page.reload();
  await expectState(page, 'ready');
  expect(await noteTexts(page)).toEqual(['second note']);
});

test('a note made of markup is shown as text', async ({ page }) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const markup = '<img src=x data-injected="yes"><b>bold?</b>';
  await addNote(page, markup);
  const text = page.getByTestId('note-text').first();
  await expect(text).toHaveText(markup);
  expect(await text.evaluate((element) => element.childElementCount)).toBe(0);
});
