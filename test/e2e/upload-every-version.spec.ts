import type { Page } from '@playwright/test';
import { runMigrations } from '../../src/index.ts';
import {
  contentOf,
  DEMO_VERSION_COUNT,
  demoNameAt,
  demoReferenceFrom,
} from '../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../helpers/demo-migrations.ts';
import { rows } from '../helpers/sqljs.ts';
import { expectState } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { legacyFile, openFile, seedFile, type UploadFile } from './support/upload-files.ts';
import {
  applyUpgrade,
  downloadUpgraded,
  pickFile,
  plannedMigrations,
} from './support/upload-page.ts';

/** Uploads, upgrades and downloads a file; returns the upgraded file opened in sql.js. */
async function upgradeAndDownload(page: Page, file: UploadFile) {
  await applyUpgrade(page);
  const download = await downloadUpgraded(page);
  expect(download.name).toBe(file.name.replace(/\.db$/, '-upgraded.db'));
  return openFile(download.bytes);
}

/** The upgraded file is at the current schema: up to date for the app, no drift from schema.sql. */
function expectCurrentSchema(upgraded: ReturnType<typeof openFile>) {
  const check = runMigrations(upgraded, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, checkDrift: true });
  expect(check.upToDate).toBe(true);
  expect(check.drift).toEqual([]);
}

test('a legacy file at every version of the history is upgraded to the current schema, every row kept', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');

  for (let version = 1; version <= DEMO_VERSION_COUNT; version++) {
    const file = legacyFile(version);
    await pickFile(page, file);
    const state = page.getByTestId('upload-state');
    await expect(state).toHaveAttribute('data-state', 'legacy');
    await expect(state).toHaveAttribute('data-legacy-version', demoNameAt(version));
    // The plan, before anything happens: what it reflects is baselined, the rest runs, in order.
    expect(await plannedMigrations(page)).toEqual(
      DEMO_NAMES.map((name, index) => ({ name, how: index < version ? 'baselined' : 'executed' })),
    );

    const upgraded = await upgradeAndDownload(page, file);
    const pending = DEMO_VERSION_COUNT - version;
    const progress = page.getByTestId('upload-progress');
    await expect(progress).toHaveAttribute('data-index', String(pending));
    await expect(progress).toHaveAttribute('data-total', String(pending));
    expectCurrentSchema(upgraded);
    const reference = demoReferenceFrom(version);
    expect(contentOf(upgraded), `rows of the file at version ${version}`).toEqual(
      contentOf(reference),
    );
    upgraded.close();
    reference.close();
  }
});

test('a database in StarPunk’s seed ledger format is upgraded, its ledger gaining the new columns', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  const version = 5;
  const file = seedFile(version);
  await pickFile(page, file);

  await expect(page.getByTestId('upload-state')).toHaveAttribute('data-state', 'tracked');
  await expect(page.getByTestId('upload-inspection')).toContainText(
    'StarPunk’s three-column ledger',
  );
  // StarPunk's ledger starts at 001: the 000 it lacks is baselined, the rest of the history runs.
  expect(await plannedMigrations(page)).toEqual([
    { name: DEMO_NAMES[0], how: 'baselined' },
    ...DEMO_NAMES.slice(version).map((name) => ({ name, how: 'executed' })),
  ]);

  const upgraded = await upgradeAndDownload(page, file);
  expectCurrentSchema(upgraded);
  const reference = demoReferenceFrom(version);
  expect(contentOf(upgraded)).toEqual(contentOf(reference));
  const ledger = rows(
    upgraded,
    'SELECT migration_name, applied_how FROM schema_migrations ORDER BY migration_name',
  );
  expect(ledger).toEqual(
    DEMO_NAMES.map((name, index) => ({
      migration_name: name,
      applied_how: index === 0 ? 'baselined' : index < version ? null : 'executed',
    })),
  );
});
