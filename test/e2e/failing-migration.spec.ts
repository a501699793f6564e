// That a failing migration leaves IndexedDB as it was is a scenario every engine runs (engines/);
// these are what the panel shows of it, and the download it offers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { addNote, expectState, readStoredDatabase } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

const FAILING = '900_backfill_note_authors.sql';

test('the panel names the failing migration, its statement and SQLite’s message', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await page.goto(buildUrl('failing'));
  await expectState(page, 'failed');

  const error = page.getByTestId('migration-error');
  await expect(error).toHaveAttribute('data-code', 'SQL_FAILED');
  await expect(error).toContainText(FAILING);
  await expect(page.getByTestId('migration-error-cause')).toContainText('no such table: authors');
  const statement = page.getByTestId('migration-error-statement');
  await expect(statement).toContainText(
    `UPDATE notes SET content = '<img src=x data-injected="yes">'`,
  );
  // Markup from a person's file stays text.
  expect(await statement.evaluate((element) => element.childElementCount)).toBe(0);
});

test('after a failed migration the stored database can be downloaded as it is', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'in the download');
  const before = await readStoredDatabase(page);
  await page.goto(buildUrl('failing'));
  await expectState(page, 'failed');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-database').click(),
  ]);
  const bytes = readFileSync(await download.path());
  expect(download.suggestedFilename()).toMatch(/\.sqlite$/);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(before.imageSha256);
  expect(bytes.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
});
