import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addNote, expectState, noteTexts } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { DEV_MIGRATIONS_DIR, DEV_ORIGIN, PROJECT_ROOT } from './support/sites.ts';

// A new file reloads every page the dev server has open, so these run one after the other.
test.describe.configure({ mode: 'serial' });

const NEW_MIGRATION = '900_add_pinned_to_notes.sql';

test('under the dev server the page opens with the same Content-Security-Policy', async ({
  page,
}) => {
  await page.goto(`${DEV_ORIGIN}/`);
  await expectState(page, 'ready');
  // The fixture fails the test on any CSP violation the console reports.
  await addNote(page, 'written under vite dev');
});

test('adding a migration file under the dev server reloads the page and applies it', async ({
  page,
}) => {
  await page.goto(`${DEV_ORIGIN}/`);
  await expectState(page, 'ready');
  await addNote(page, 'written before the new file');
  const added = path.join(DEV_MIGRATIONS_DIR, NEW_MIGRATION);
  try {
    const reloaded = page.waitForEvent('load');
    copyFileSync(path.join(PROJECT_ROOT, 'test/fixtures/extra-migration', NEW_MIGRATION), added);
    await reloaded;
    await expectState(page, 'ready');
    await expect(
      page.locator(`[data-testid="applied-migration"][data-name="${NEW_MIGRATION}"]`),
    ).toHaveAttribute('data-how', 'executed');
    expect(await noteTexts(page)).toEqual(['written before the new file']);
  } finally {
    rmSync(added, { force: true });
  }
});
