// The demo as a person uses it, written once and run in Chromium, Firefox and WebKit (one
// Playwright project per engine; see playwright.config.ts). Each test gets a browser profile of
// its own, so it starts with empty storage.
import { demoMigrationNames } from '../support/app.ts';
import { buildUrl } from '../support/sites.ts';
import { backupOf } from '../support/stored-database.ts';
import { legacyFile } from '../support/upload-files.ts';
import {
  addNote,
  appliedMigrations,
  applyUpgrade,
  attribute,
  byTestId,
  expectNotes,
  expectState,
  listedBackups,
  markDocument,
  pickFile,
  readStored,
  restoreButton,
  runSummary,
  texts,
} from './demo.ts';
import type { Session } from './driver.ts';
import { expect, test } from './fixtures.ts';
import { atInsecureOrigin } from './insecure-origin.ts';

/** The notes of the demo's version-3 rows, newest first, as the notes list shows them. */
const FILE_NOTES = [
  'SQLite keeps everything in one file; that is the point.',
  'A draft nobody may read yet.',
  'Hello, world. The first note, written when bodies still lived in files.',
];

/** A tab of the demo's current build, ready, with `note` saved; and the stored database then. */
async function readyWithNote(session: Session, note: string) {
  const tab = await session.newTab();
  await tab.goto(buildUrl('base'));
  await expectState(tab, 'ready');
  await addNote(tab, note);
  return { tab, before: await readStored(tab) };
}

test('a fresh browser gets the full schema with every migration baselined, and a note is saved', async ({
  session,
}) => {
  const tab = await session.newTab();
  await tab.goto(buildUrl('base'));
  await expectState(tab, 'ready');
  expect(await runSummary(tab)).toEqual({
    detected: 'fresh',
    upToDate: false,
    executed: 0,
    baselined: demoMigrationNames().length,
  });
  expect(await appliedMigrations(tab)).toEqual(
    demoMigrationNames().map((name) => ({ name, how: 'baselined', status: 'baselined' })),
  );
  expect(await attribute(tab, byTestId('storage-mode'), 'data-mode')).toBe('indexeddb');
  expect((await readStored(tab)).generation).toBe(1);

  await addNote(tab, `written in ${session.engine}`);
  const stored = await readStored(tab);
  expect(stored.generation).toBe(2);
  expect(stored.missingChunks).toEqual([]);
  expect(stored.strayChunks).toEqual([]);
});

test('a reload runs no migration and writes nothing', async ({ session }) => {
  const { tab, before } = await readyWithNote(session, 'kept across reloads');

  await tab.reload();
  await expectState(tab, 'ready');
  expect(await runSummary(tab)).toEqual({
    detected: 'tracked',
    upToDate: true,
    executed: 0,
    baselined: 0,
  });
  await expectNotes(tab, ['kept across reloads']);
  expect(await readStored(tab)).toEqual(before);
});

test('the next release runs its one new migration on load, keeps the notes and backs up the file it replaced', async ({
  session,
}) => {
  const { tab, before } = await readyWithNote(session, 'written before the upgrade');

  await tab.goto(buildUrl('plus-one'));
  await expectState(tab, 'ready');
  expect(await runSummary(tab)).toEqual({
    detected: 'tracked',
    upToDate: false,
    executed: 1,
    baselined: 0,
  });
  expect(await appliedMigrations(tab)).toEqual([
    ...demoMigrationNames().map((name) => ({ name, how: 'baselined', status: 'already-applied' })),
    { name: '900_add_pinned_to_notes.sql', how: 'executed', status: 'executed' },
  ]);
  await expectNotes(tab, ['written before the upgrade']);
  // The new file and the one it replaced, as its backup, were saved together.
  const after = await readStored(tab);
  expect(after.generation).toBe((before.generation ?? 0) + 1);
  expect(after.imageSha256).not.toBe(before.imageSha256);
  expect(after.backups).toEqual([backupOf(before, 'pre-migration')]);
  expect(await listedBackups(tab)).toEqual([
    { reason: 'pre-migration', generation: before.generation, sizeBytes: before.imageBytes },
  ]);
  await addNote(tab, 'written after the upgrade');
  await expectNotes(tab, ['written after the upgrade', 'written before the upgrade']);
});

test('a failing migration leaves IndexedDB byte for byte as it was and keeps the notes closed', async ({
  session,
}) => {
  const { tab, before } = await readyWithNote(session, 'survives a failed upgrade');

  await tab.goto(buildUrl('failing'));
  await expectState(tab, 'failed');
  expect(await attribute(tab, byTestId('migration-error'), 'data-code')).toBe('SQL_FAILED');
  // The notes stay closed: no list, no input.
  expect(await texts(tab, byTestId('note'))).toEqual([]);
  expect(await texts(tab, byTestId('note-input'))).toEqual([]);
  expect(await readStored(tab)).toEqual(before);

  await tab.goto(buildUrl('base'));
  await expectState(tab, 'ready');
  await expectNotes(tab, ['survives a failed upgrade']);
});

test('two tabs writing at once keep both notes', async ({ session }) => {
  const tabs = [await session.newTab(), await session.newTab()];
  for (const tab of tabs) await tab.goto(buildUrl('base'));
  for (const tab of tabs) await expectState(tab, 'ready');
  const notes = ['from the first tab', 'from the second tab'];
  for (const [index, tab] of tabs.entries())
    await tab.fill(byTestId('note-input'), notes[index] as string);

  await Promise.all(tabs.map((tab) => tab.click(byTestId('note-add'))));

  // Each tab catches up with the other's note.
  for (const tab of tabs) await expectNotes(tab, notes, { anyOrder: true });
  const [first] = tabs as [(typeof tabs)[number]];
  expect((await readStored(first)).generation).toBe(3);
  await first.reload();
  await expectState(first, 'ready');
  await expectNotes(first, notes, { anyOrder: true });
});

test('an upload is upgraded and adopted, and the database before it restored from its backup', async ({
  session,
}) => {
  const { tab, before } = await readyWithNote(session, 'the database before the upload');

  const file = legacyFile(3);
  await pickFile(tab, file);
  await applyUpgrade(tab, file.name);
  // Upgrading works on the worker's copy: nothing is stored until it is adopted.
  expect(await readStored(tab)).toEqual(before);
  const adopting = await markDocument(tab);
  await tab.click(byTestId('upload-adopt'));
  await expect.poll(adopting, { message: 'the reload after adopting' }).toBe(true);
  await expectState(tab, 'ready');
  await expectNotes(tab, FILE_NOTES);
  const adopted = await readStored(tab);
  expect(adopted.backups).toEqual([backupOf(before, 'pre-adopt')]);
  expect(await listedBackups(tab)).toEqual([
    { reason: 'pre-adopt', generation: before.generation, sizeBytes: before.imageBytes },
  ]);

  const restoring = await markDocument(tab);
  await tab.click(restoreButton('pre-adopt'));
  await expect.poll(restoring, { message: 'the reload after restoring' }).toBe(true);
  await expectState(tab, 'ready');
  await expectNotes(tab, ['the database before the upload']);
  const restored = await readStored(tab);
  expect(restored.imageSha256).toBe(before.imageSha256);
  expect(restored.backups).toEqual([backupOf(adopted, 'pre-restore')]);
});

test('on a non-secure origin it migrates, saves and reloads, and says tabs do not take turns', async ({
  session,
}) => {
  const url = atInsecureOrigin(buildUrl('base'));
  const tab = await session.newTab();
  await tab.goto(url);
  // The page really is not a secure context: none of what browsers keep for those is there.
  expect(
    await tab.evaluate(
      () => ({
        isSecureContext,
        randomUUID: typeof crypto.randomUUID,
        subtle: typeof crypto.subtle,
        locks: typeof navigator.locks,
      }),
      null,
    ),
  ).toEqual({
    isSecureContext: false,
    randomUUID: 'undefined',
    subtle: 'undefined',
    locks: 'undefined',
  });
  await expectState(tab, 'ready');
  expect((await runSummary(tab)).detected).toBe('fresh');
  expect(await attribute(tab, byTestId('storage-mode'), 'data-mode')).toBe('indexeddb');
  const [warning] = await texts(tab, byTestId('storage-problem'));
  expect(warning).toContain(`${new URL(url).origin} is not a secure context`);
  expect(warning).toContain('tabs do not take turns');

  await addNote(tab, 'saved over plain http');
  expect((await readStored(tab)).generation).toBe(2);
  await tab.reload();
  await expectState(tab, 'ready');
  expect(await runSummary(tab)).toMatchObject({ detected: 'tracked', upToDate: true });
  await expectNotes(tab, ['saved over plain http']);
});
