import type { Page } from '@playwright/test';
import {
  addNote,
  backupOf,
  expectState,
  markDocument,
  noteTexts,
  readStoredDatabase,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { legacyFile } from './support/upload-files.ts';
import {
  applyUpgrade,
  listedBackups,
  pickFile,
  restoreListedBackup,
} from './support/upload-page.ts';

/** The notes of the demo's version-3 rows, newest first, as the notes list shows them. */
const FILE_NOTES = [
  'SQLite keeps everything in one file; that is the point.',
  'A draft nobody may read yet.',
  'Hello, world. The first note, written when bodies still lived in files.',
];

/** Uploads the version-3 file, upgrades it and adopts it; the page reloads onto it. */
async function adoptLegacyFile(page: Page): Promise<void> {
  await pickFile(page, legacyFile(3));
  await applyUpgrade(page);
  const reloaded = await markDocument(page);
  await page.getByTestId('upload-adopt').click();
  await expect.poll(reloaded).toBe(true);
  await expectState(page, 'ready');
}

test('an adopted file is the app’s database after a reload, the previous image kept as a backup', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'written before the upload');
  const before = await readStoredDatabase(page);

  await pickFile(page, legacyFile(3));
  await applyUpgrade(page);
  // Upgrading works on the worker's copy: nothing is stored until the person adopts it.
  expect(await readStoredDatabase(page)).toEqual(before);
  const reloaded = await markDocument(page);
  await page.getByTestId('upload-adopt').click();
  await expect.poll(reloaded).toBe(true);
  await expectState(page, 'ready');

  expect(await noteTexts(page)).toEqual(FILE_NOTES);
  const after = await readStoredDatabase(page);
  expect(after.generation).toBe((before.generation ?? 0) + 1);
  expect(after.backups).toEqual([backupOf(before, 'pre-adopt')]);
  expect(await listedBackups(page)).toEqual([
    { reason: 'pre-adopt', generation: before.generation, sizeBytes: before.imageBytes },
  ]);

  await page.reload();
  await expectState(page, 'ready');
  expect(await noteTexts(page)).toEqual(FILE_NOTES);
});

test('restoring a backup brings the previous image back byte for byte, and the other tabs reload', async ({
  context,
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'the database before the upload');
  const before = await readStoredDatabase(page);
  await adoptLegacyFile(page);
  const adopted = await readStoredDatabase(page);

  const other = await context.newPage();
  await other.goto(buildUrl('base'));
  await expectState(other, 'ready');
  expect(await noteTexts(other)).toEqual(FILE_NOTES);
  const otherReloaded = await markDocument(other);
  const reloaded = await markDocument(page);

  await restoreListedBackup(page, 'pre-adopt');

  await expect.poll(reloaded).toBe(true);
  await expect.poll(otherReloaded).toBe(true);
  for (const tab of [page, other]) {
    await expectState(tab, 'ready');
    expect(await noteTexts(tab)).toEqual(['the database before the upload']);
  }
  const restored = await readStoredDatabase(page);
  expect(restored.imageSha256).toBe(before.imageSha256);
  expect(restored.imageBytes).toBe(before.imageBytes);
  // The adopted image is a backup now, so the restore can be undone in its turn.
  expect(restored.backups).toEqual([backupOf(adopted, 'pre-restore')]);
});
