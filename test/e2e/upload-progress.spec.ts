import { expectState } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { legacyFile } from './support/upload-files.ts';
import { applyUpgrade, pickFile } from './support/upload-page.ts';

test('the upgrade of the copy shows each migration’s progress as the worker reports it', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  // Every value the progress bar takes, recorded as the page renders it.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as { progressSeen?: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="upload-progress"]');
      const value = `${bar?.getAttribute('data-index')}/${bar?.getAttribute('data-total')}`;
      if (bar !== null && seen.at(-1) !== value) seen.push(value);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });

  // The migrations run on the copy as soon as the file is picked.
  await pickFile(page, legacyFile(1));
  await applyUpgrade(page);

  const seen = await page.evaluate(() => (window as { progressSeen?: string[] }).progressSeen);
  // Detection first (0 of 0), then migration 1 of 8 … 8 of 8, in order.
  expect(seen).toEqual(['0/0', ...Array.from({ length: 8 }, (_, i) => `${i + 1}/8`)]);
  await expect(page.getByTestId('upload-progress')).toHaveAttribute('data-running', 'false');
  await expect(page.getByTestId('upload-progress')).toContainText('ran 8 of 8 migrations');
});
