import { expectState, readStoredDatabase } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { driftedFile } from './support/upload-files.ts';
import { applyUpgrade, pickFile } from './support/upload-page.ts';

test('a file with a complete ledger but a missing column shows its drift and cannot be adopted', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page);

  await pickFile(page, driftedFile());
  await expect(page.getByTestId('upload-drift')).toContainText('excerpt');

  await applyUpgrade(page);
  await page.getByTestId('upload-adopt').click();
  await expect(page.getByTestId('upload-error')).toHaveAttribute('data-code', 'SCHEMA_DRIFT');
  await expect(page.getByTestId('upload-error-message')).toContainText('excerpt');
  expect(await readStoredDatabase(page)).toEqual(before);
});
