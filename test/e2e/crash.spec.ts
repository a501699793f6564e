// Kills the renderer (CDP Page.crash) while the page saves, then reads what IndexedDB kept: the
// file of one generation, whole, with exactly the notes that generation had.
import type { BrowserContext, Page } from '@playwright/test';
import { memoryDatabase, rows, scalar } from '../helpers/sqljs.ts';
import {
  addNote,
  backupOf,
  expectState,
  noteTexts,
  readStoredDatabase,
  runSummary,
  type StoredDatabase,
} from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { BLANK_URL, buildUrl } from './support/sites.ts';

/** How long after a burst of notes is sent the renderer is killed, one burst each. */
const BURST_CRASH_AFTER_MS = [0, 5, 20, 50, 120];
/** Notes per burst: each is its own write, so its own save. */
const BURST_NOTES = 8;
/**
 * When the renderer is killed after the next release starts loading, one test each: a share of
 * the time an up-to-date load of this release takes on this machine just before, so the moments
 * fall around the migrating load's save on a quiet machine and a busy one alike.
 */
const MIGRATION_CRASH_AT = [0, 0.6, 0.9, 1.1, 1.4];
const NEW_MIGRATION = '900_add_pinned_to_notes.sql';

test('a renderer killed during a burst of saves leaves one whole generation and every earlier note', async ({
  context,
  page,
}) => {
  // Five crashes, each followed by a reload: slow on a busy machine.
  test.slow();
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await addNote(page, 'written before any crash');
  let kept = ['written before any crash'];
  let tab = page;
  const landed: number[] = [];
  for (const [round, delay] of BURST_CRASH_AFTER_MS.entries()) {
    const before = await readStoredDatabase(tab);
    const burst = Array.from({ length: BURST_NOTES }, (_, index) => longNote(round, index));
    const crash = await crasher(context, tab);
    await submitNotes(tab, burst);
    await sleep(delay);
    await crash();

    tab = await context.newPage();
    await tab.goto(buildUrl('base'));
    await expectState(tab, 'ready');
    const after = await readStoredDatabase(tab, { withFiles: true });
    expectWhole(after);
    // Every note is one save: the generation says how many landed, and the file holds those.
    const saves = (after.generation ?? 0) - (before.generation ?? 0);
    expect(saves).toBeGreaterThanOrEqual(0);
    expect(saves).toBeLessThanOrEqual(BURST_NOTES);
    const expected = [...kept, ...burst.slice(0, saves)];
    expect(notesIn(after.files?.image)).toEqual(expected);
    expect(await noteTexts(tab)).toEqual([...expected].reverse());
    kept = expected;
    landed.push(saves);
  }
  test.info().annotations.push({
    type: 'saves landed before each crash',
    description: `${landed.join(', ')} of ${BURST_NOTES}`,
  });
  await addNote(tab, 'written after the crashes');
});

for (const share of MIGRATION_CRASH_AT) {
  test(`a renderer killed at ${share} of a load's time into a migrating load leaves the old file, or the migrated one with the old as its backup`, async ({
    context,
    page,
  }) => {
    await page.goto(buildUrl('base'));
    await expectState(page, 'ready');
    await addNote(page, 'first note before the upgrade');
    await addNote(page, 'second note before the upgrade');
    const before = await readStoredDatabase(page, { withFiles: true });
    const notes = notesIn(before.files?.image);
    const delay = share * (await readyTime(page));

    const crash = await crasher(context, page);
    await page.goto(buildUrl('plus-one'), { waitUntil: 'commit' });
    await sleep(delay);
    await crash();

    const tab = await context.newPage();
    await tab.goto(BLANK_URL);
    const after = await readStoredDatabase(tab, { withFiles: true });
    expectWhole(after);
    const migrated = after.generation !== before.generation;
    if (!migrated) {
      expect(after).toEqual(before);
    } else {
      expect(after.generation).toBe((before.generation ?? 0) + 1);
      expect(after.backups).toEqual([backupOf(before, 'pre-migration')]);
      expect(appliedIn(after.files?.image)).toContain(NEW_MIGRATION);
      expect(notesIn(after.files?.image)).toEqual(notes);
      expect(notesIn(after.files?.backups[0])).toEqual(notes);
    }
    test.info().annotations.push({
      type: 'stored after the crash',
      description: `${migrated ? 'the migrated file' : 'the old file'} (killed after ${Math.round(delay)} ms)`,
    });

    await tab.goto(buildUrl('plus-one'));
    await expectState(tab, 'ready');
    expect((await runSummary(tab)).executed).toBe(migrated ? 0 : 1);
    expect(await noteTexts(tab)).toEqual([...notes].reverse());
  });
}

/**
 * Readies a DevTools session on `page` and returns the call that kills its renderer (workers
 * included) and waits until Playwright has seen it die.
 */
async function crasher(context: BrowserContext, page: Page): Promise<() => Promise<void>> {
  const session = await context.newCDPSession(page);
  return async () => {
    const crashed = page.waitForEvent('crash');
    // The renderer dies before it can answer.
    session.send('Page.crash').catch(() => {});
    await crashed;
    await page.close();
  };
}

/** How long a reload takes to show a ready database, in milliseconds from its start. */
async function readyTime(page: Page): Promise<number> {
  await page.reload({ waitUntil: 'commit' });
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="migration-status"]')?.getAttribute('data-state') ===
      'ready',
    undefined,
    { polling: 'raf' },
  );
  return page.evaluate(() => performance.now());
}

/** Types and adds each note through the form at once, without waiting for any to be saved. */
function submitNotes(page: Page, notes: string[]): Promise<void> {
  return page.evaluate((texts) => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="note-input"]');
    const add = document.querySelector<HTMLButtonElement>('[data-testid="note-add"]');
    if (input === null || add === null) throw new Error('the note form is missing');
    for (const text of texts) {
      input.value = text;
      add.click();
    }
  }, notes);
}

/** Every referred chunk stored, none left over, nothing but chunks and the two lists. */
function expectWhole(stored: StoredDatabase): void {
  expect(stored.imageSha256).not.toBeNull();
  expect(stored.missingChunks).toEqual([]);
  expect(stored.strayChunks).toEqual([]);
  expect(stored.keys.filter((key) => !key.startsWith('["chunk",'))).toEqual([
    '"backup-list"',
    '"manifest"',
  ]);
  for (const file of [stored.files?.image, ...(stored.files?.backups ?? [])])
    expect(scalar(opened(file), 'PRAGMA integrity_check')).toBe('ok');
}

/** The notes' texts in the order they were written. */
function notesIn(file: string | null | undefined): string[] {
  return rows(opened(file), 'SELECT content FROM notes ORDER BY id').map((row) =>
    String(row.content),
  );
}

function appliedIn(file: string | null | undefined): string[] {
  return rows(opened(file), 'SELECT migration_name FROM schema_migrations').map((row) =>
    String(row.migration_name),
  );
}

/** A stored file (base64, as `readStoredDatabase` brings it) opened in Node's sql.js. */
function opened(file: string | null | undefined) {
  if (file == null) throw new Error('the stored file could not be put together');
  return memoryDatabase(new Uint8Array(Buffer.from(file, 'base64')));
}

/** A note long enough (about 16 KB) that its save writes several chunks and takes a while. */
function longNote(round: number, index: number): string {
  const words: string[] = [];
  let state = (round * 131 + index + 1) * 2654435761;
  while (words.join(' ').length < 16_000) {
    state = (state * 1103515245 + 12345) >>> 0;
    words.push(`w${(state % 5003).toString(36)}`);
  }
  return `burst ${round}.${index} ${words.join(' ')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
