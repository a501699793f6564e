import { expectState, readStoredDatabase, watchIndexedDbWrites } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl, PREVIEW_ORIGIN } from './support/sites.ts';
import { failingMigrationFile, MARKUP, markupFiles, newerAppFile } from './support/upload-files.ts';
import { expectRefused, pickFile } from './support/upload-page.ts';

test('a migration failing on the uploaded file leaves the stored database untouched', async ({
  context,
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page);
  const writes = await watchIndexedDbWrites(context, page, PREVIEW_ORIGIN);

  await pickFile(page, failingMigrationFile());

  await expectRefused(page, 'SQL_FAILED', '005_tags.sql');
  await expect(page.getByTestId('upload-error')).toContainText('table tags already exists');
  expect(writes.count()).toBe(0);
  expect(await readStoredDatabase(page)).toEqual(before);
  await writes.stop();
});

test('a file whose ledger names a migration this app lacks cannot be upgraded or adopted', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page);

  await pickFile(page, newerAppFile());

  await expectRefused(page, 'UNKNOWN_APPLIED', '900_from_a_newer_release.sql');
  await expect(page.getByTestId('upload-error')).toContainText('newer version of this app');
  expect(await readStoredDatabase(page)).toEqual(before);
});

test('markup as a table, column or migration name runs no script and shows as text', async ({
  page,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const files = markupFiles();

  await pickFile(page, files.tracked);
  await expect(page.getByTestId('upload-state')).toHaveAttribute('data-state', 'tracked');
  await expect(
    page.getByTestId('upload-table').filter({ hasText: MARKUP.table }).locator('.name'),
  ).toHaveText(MARKUP.table);

  await pickFile(page, files.legacy);
  await expect(page.getByTestId('upload-error')).toHaveAttribute(
    'data-code',
    'UNRECOGNIZED_SCHEMA',
  );
  const differences = await page.getByTestId('upload-difference').allTextContents();
  expect(differences).toContain(`table ${MARKUP.table}: only in the database`);
  expect(differences).toContain(`table notes: column ${MARKUP.column}: only in the database`);
  await expect(page.getByTestId('upload-error-message')).toContainText(MARKUP.table);

  await pickFile(page, files.newerApp);
  await expect(page.getByTestId('upload-error')).toHaveAttribute('data-code', 'UNKNOWN_APPLIED');
  await expect(page.getByTestId('upload-error-message')).toContainText(MARKUP.migration);

  expect(await page.getByTestId('upload-card').locator('img').count()).toBe(0);
  expect(
    await page.evaluate(() => (window as { __injected?: unknown }).__injected),
  ).toBeUndefined();
  expect(dialogs).toEqual([]);
});
