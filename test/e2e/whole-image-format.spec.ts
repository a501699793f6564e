// A store written by 0.1.0 (the whole file under `image`, each backup's under `backup:<id>`) is
// converted to chunks on the first load of this version, with every row and every backup.
import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import { DEMO_MIGRATIONS } from '../helpers/demo-migrations.ts';
import { memoryDatabase, rows } from '../helpers/sqljs.ts';
import {
  expectState,
  markDocument,
  noteTexts,
  readStoredDatabase,
  runSummary,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { BLANK_URL, buildUrl } from './support/sites.ts';
import { fileOf, trackedDatabaseAt } from './support/upload-files.ts';
import { listedBackups, restoreListedBackup } from './support/upload-page.ts';

/** The demo's migrations: the live file is at the last, the older backup one short of it. */
const LATEST = DEMO_MIGRATIONS.length;

/** A 0.1.0 backup as that version listed it, with its file stored as bytes or as a Blob. */
interface FirstFormatBackup {
  id: string;
  reason: string;
  createdAt: string;
  sizeBytes: number;
  generation: number;
  file: Uint8Array;
  asBlob: boolean;
}

test('a store in 0.1.0’s format is converted on first load, every row and every backup kept', async ({
  page,
}) => {
  const live = fileWithNote(LATEST, 'kept from 0.1.0');
  const backups: FirstFormatBackup[] = [
    firstFormatBackup(fileWithNote(LATEST - 1, 'in the backup from before 008'), {
      reason: 'pre-migration',
      generation: 6,
      asBlob: false,
    }),
    // 0.1.0 stored an adopted upload as a Blob, and the backup of that file stayed one.
    firstFormatBackup(fileWithNote(LATEST, 'in the backup from before an upload'), {
      reason: 'pre-adopt',
      generation: 3,
      asBlob: true,
    }),
  ];
  await page.goto(BLANK_URL);
  await writeFirstFormat(page, { image: live, generation: 7, backups });

  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  expect(await runSummary(page)).toMatchObject({ upToDate: true });
  expect(await noteTexts(page)).toEqual(notesIn(live));

  const stored = await readStoredDatabase(page);
  // The conversion is a save of its own, one generation on.
  expect(stored.generation).toBe(8);
  expect(stored.imageSha256).toBe(sha256(live));
  expect(stored.backups).toEqual(
    backups.map((backup) => ({
      reason: backup.reason,
      generation: backup.generation,
      sizeBytes: backup.file.byteLength,
      sha256: sha256(backup.file),
    })),
  );
  // 0.1.0's backups are gone; `image` and `generation` hold the tombstone a tab of 0.1.0 meets.
  expect(stored.keys.filter((key) => !key.startsWith('["chunk",'))).toEqual([
    '"backup-list"',
    '"generation"',
    '"image"',
    '"manifest"',
  ]);
  expect(stored.missingChunks).toEqual([]);
  expect(stored.strayChunks).toEqual([]);
  expect(await listedBackups(page)).toEqual(
    backups.map((backup) => ({
      reason: backup.reason,
      generation: backup.generation,
      sizeBytes: backup.file.byteLength,
    })),
  );

  const reloaded = await markDocument(page);
  await restoreListedBackup(page, 'pre-migration');
  await expect.poll(reloaded).toBe(true);
  await expectState(page, 'ready');
  // The restored file is one migration behind this build, which runs it on load.
  expect(await runSummary(page)).toMatchObject({ upToDate: false, executed: 1 });
  expect(await noteTexts(page)).toEqual(notesIn(backups[0]?.file));
  // The converted chunks went through a restore and a migrating save: none lost, none left over.
  const after = await readStoredDatabase(page);
  expect(after.missingChunks).toEqual([]);
  expect(after.strayChunks).toEqual([]);
});

/** A database this runner tracks at `version`, with one more note, as bytes. */
function fileWithNote(version: number, note: string): Uint8Array {
  const db = trackedDatabaseAt(version);
  db.run('INSERT INTO notes (slug, content) VALUES (?, ?)', [
    `note-${version}-${note.length}`,
    note,
  ]);
  return fileOf(db);
}

function firstFormatBackup(
  file: Uint8Array,
  { reason, generation, asBlob }: { reason: string; generation: number; asBlob: boolean },
): FirstFormatBackup {
  const createdAt = new Date(Date.UTC(2026, 0, generation));
  return {
    // 0.1.0's ids: the generation and the time, base 36.
    id: `${generation}-${createdAt.getTime().toString(36)}`,
    reason,
    createdAt: createdAt.toISOString(),
    sizeBytes: file.byteLength,
    generation,
    file,
    asBlob,
  };
}

/**
 * Writes the demo's store as 0.1.0 laid it out (`image`, `generation`, `backups`, and
 * `backup:<id>` for each backup's file), with the raw IndexedDB API, from a page that runs no
 * app code.
 */
async function writeFirstFormat(
  page: Page,
  store: { image: Uint8Array; generation: number; backups: FirstFormatBackup[] },
): Promise<void> {
  await page.evaluate(
    async ({ image, generation, backups }) => {
      const bytes = (base64: string) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('sqljs-migrate:starpunk-notes');
        request.onupgradeneeded = () => request.result.createObjectStore('images');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const transaction = db.transaction('images', 'readwrite');
      const objects = transaction.objectStore('images');
      objects.put(bytes(image), 'image');
      objects.put(generation, 'generation');
      objects.put(
        backups.map(({ file: _, asBlob: __, ...entry }) => entry),
        'backups',
      );
      for (const backup of backups) {
        const file = bytes(backup.file);
        objects.put(backup.asBlob ? new Blob([file]) : file, `backup:${backup.id}`);
      }
      await new Promise<void>((resolve, reject) => {
        transaction.oncomplete = () => resolve();
        transaction.onerror = () => reject(transaction.error);
      });
      db.close();
    },
    {
      image: Buffer.from(store.image).toString('base64'),
      generation: store.generation,
      backups: store.backups.map((backup) => ({
        ...backup,
        file: Buffer.from(backup.file).toString('base64'),
      })),
    },
  );
}

/** The notes of a file, newest first, as the notes list shows them. */
function notesIn(file: Uint8Array | undefined): string[] {
  if (file === undefined) throw new Error('no such file');
  const db = memoryDatabase(file);
  try {
    return rows(db, 'SELECT content FROM notes ORDER BY id DESC').map((row) => String(row.content));
  } finally {
    db.close();
  }
}

function sha256(file: Uint8Array): string {
  return createHash('sha256').update(file).digest('hex');
}
