import { expectState } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { legacyFile } from './support/upload-files.ts';
import { applyUpgrade, pickFile, recordShown } from './support/upload-page.ts';

test('the upgrade of the copy shows each migration’s progress as the worker reports it', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  // Every value the progress bar takes, recorded as the page renders it.
  const progressShown = await recordShown(page, 'upload-progress', ['data-index', 'data-total']);

  // The migrations run on the copy as soon as the file is picked.
  await pickFile(page, legacyFile(1));
  await applyUpgrade(page);

  // Detection first (0 of 0), then migration 1 of 8 … 8 of 8, in order.
  expect(await progressShown()).toEqual([
    '0/0',
    ...Array.from({ length: 8 }, (_, i) => `${i + 1}/8`),
  ]);
  await expect(page.getByTestId('upload-progress')).toHaveAttribute('data-running', 'false');
  await expect(page.getByTestId('upload-progress')).toContainText('ran 8 of 8 migrations');
});
