import { expectState, readStoredDatabase } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { expectRefused, expectSettledOn } from './support/upload-page.ts';

test('the demo’s sample files are one click away and go through the same checks', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const before = await readStoredDatabase(page);
  const sample = (file: string) =>
    page.locator(`[data-testid="upload-sample"][data-file="${file}"]`);

  await sample('legacy-oldest.db').click();
  await expectSettledOn(page, 'legacy-oldest.db');
  await expect(page.getByTestId('upload-state')).toHaveAttribute('data-state', 'legacy');
  await expect(page.getByTestId('planned-migration').first()).toHaveAttribute(
    'data-how',
    'baselined',
  );

  await sample('starpunk-seed.db').click();
  await expectSettledOn(page, 'starpunk-seed.db');
  await expect(page.getByTestId('upload-state')).toHaveAttribute('data-state', 'tracked');

  await sample('corrupt.db').click();
  await expectSettledOn(page, 'corrupt.db');
  await expectRefused(page, 'CORRUPT', 'is damaged');

  expect(await readStoredDatabase(page)).toEqual(before);
});
