import type { Page } from '@playwright/test';
import {
  demoMigrationNames,
  expectState,
  noteTexts,
  readStoredDatabase,
  runSummary,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';

async function openTabsAtOnce(
  context: import('@playwright/test').BrowserContext,
  count: number,
): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()));
  await Promise.all(pages.map((page) => page.goto(buildUrl('base'))));
  for (const page of pages) await expectState(page, 'ready');
  return pages;
}

for (const count of [2, 5]) {
  test(`${count} tabs opened at once: exactly one migrates, the others find it up to date`, async ({
    context,
  }) => {
    const pages = await openTabsAtOnce(context, count);
    const summaries = await Promise.all(pages.map(runSummary));

    const migrated = summaries.filter((summary) => !summary.upToDate);
    expect(migrated).toEqual([
      { detected: 'fresh', upToDate: false, executed: 0, baselined: demoMigrationNames().length },
    ]);
    expect(summaries.filter((summary) => summary.upToDate)).toHaveLength(count - 1);
    for (const summary of summaries.filter((s) => s.upToDate))
      expect(summary.detected).toBe('tracked');
    expect((await readStoredDatabase(pages[0] as Page)).generation).toBe(1);
  });
}

test('five tabs each adding a note at once keep all five notes', async ({ context }) => {
  const pages = await openTabsAtOnce(context, 5);
  const texts = pages.map((_, index) => `note from tab ${index + 1}`);
  await Promise.all(
    pages.map((page, index) => page.getByTestId('note-input').fill(texts[index] as string)),
  );

  await Promise.all(pages.map((page) => page.getByTestId('note-add').click()));

  // Every tab catches up with the others' notes.
  for (const page of pages) await expect(page.getByTestId('note')).toHaveCount(5);
  const first = pages[0] as Page;
  expect((await noteTexts(first)).sort()).toEqual([...texts].sort());
  expect((await readStoredDatabase(first)).generation).toBe(6);
  await first.reload();
  await expectState(first, 'ready');
  expect((await noteTexts(first)).sort()).toEqual([...texts].sort());
});
