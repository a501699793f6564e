// How the cross-engine scenarios read and drive the demo page, through any engine's Tab: the
// page's data-testid contract (README "The demo page"), and the stored database read raw.
import {
  completeStoredDatabase,
  readStoreInPage,
  type StoredDatabase,
  type StoredDatabaseOptions,
  storeToRead,
} from '../support/stored-database.ts';
import type { PickedFile, Tab } from './driver.ts';
import { expect } from './fixtures.ts';

/** The selector of `[data-testid=id]`. */
export function byTestId(id: string): string {
  return `[data-testid="${id}"]`;
}

/** The attribute of the first element `selector` finds; null when there is none. */
export function attribute(tab: Tab, selector: string, name: string): Promise<string | null> {
  return tab.evaluate(
    ({ selector, name }) => document.querySelector(selector)?.getAttribute(name) ?? null,
    { selector, name },
  );
}

/** The text of every element `selector` finds, in document order. */
export function texts(tab: Tab, selector: string): Promise<string[]> {
  return tab.evaluate(
    (selector) =>
      Array.from(document.querySelectorAll(selector), (element) => element.textContent ?? ''),
    selector,
  );
}

/** Waits until the migrations panel has settled, and expects it to be in `state`. */
export async function expectState(tab: Tab, state: 'ready' | 'failed'): Promise<void> {
  const shown = () => attribute(tab, byTestId('migration-status'), 'data-state');
  await expect
    .poll(shown, { message: 'the migrations panel to settle', timeout: 30_000 })
    .toMatch(/^(ready|failed)$/);
  if ((await shown()) !== state) {
    const said = await texts(tab, byTestId('migration-error'));
    throw new Error(`the page is ${await shown()}, not ${state}: ${said.join(' ')}`);
  }
}

/** What this load did, as the panel's run summary says. */
export async function runSummary(tab: Tab) {
  const summary = await tab.evaluate((selector) => {
    const element = document.querySelector(selector);
    return element === null
      ? null
      : ['data-detected', 'data-up-to-date', 'data-executed', 'data-baselined'].map((name) =>
          element.getAttribute(name),
        );
  }, byTestId('run-summary'));
  if (summary === null) throw new Error('the panel shows no run summary');
  const [detected, upToDate, executed, baselined] = summary;
  return {
    detected,
    upToDate: upToDate === 'true',
    executed: Number(executed),
    baselined: Number(baselined),
  };
}

/** Every applied migration the panel lists: its name, how it was applied, what this load did. */
export function appliedMigrations(tab: Tab) {
  return tab.evaluate(
    (selector) =>
      Array.from(document.querySelectorAll(selector), (item) => ({
        name: item.getAttribute('data-name'),
        how: item.getAttribute('data-how'),
        status: item.getAttribute('data-status'),
      })),
    byTestId('applied-migration'),
  );
}

export function noteTexts(tab: Tab): Promise<string[]> {
  return texts(tab, byTestId('note-text'));
}

/**
 * Waits until the notes list shows `notes` (in any order with `anyOrder`): the list is a live query
 * of its own, drawn a moment after the panel says the database is ready.
 */
export async function expectNotes(
  tab: Tab,
  notes: string[],
  { anyOrder = false } = {},
): Promise<void> {
  const shown = async () => {
    const texts = await noteTexts(tab);
    return anyOrder ? texts.sort() : texts;
  };
  await expect
    .poll(shown, { message: 'the notes list' })
    .toEqual(anyOrder ? [...notes].sort() : notes);
}

/** Adds a note and waits until the list shows it. */
export async function addNote(tab: Tab, text: string): Promise<void> {
  await tab.fill(byTestId('note-input'), text);
  await tab.click(byTestId('note-add'));
  await expect.poll(() => noteTexts(tab), { message: `the note "${text}"` }).toContain(text);
}

/** The stored database, read raw with the IndexedDB API (see `stored-database.ts`). */
export async function readStored(
  tab: Tab,
  options: StoredDatabaseOptions = {},
): Promise<StoredDatabase> {
  return completeStoredDatabase(await tab.evaluate(readStoreInPage, storeToRead(options)), options);
}

/** Marks the page, so that a reload (a new document) can be told apart; returns the check. */
export async function markDocument(tab: Tab): Promise<() => Promise<boolean>> {
  await tab.evaluate(() => {
    (window as { marked?: boolean }).marked = true;
  }, null);
  // While the page navigates there is no document to ask: that is not a reload done yet.
  return () =>
    tab.evaluate(() => (window as { marked?: boolean }).marked !== true, null).catch(() => false);
}

/** Picks `file` in the upload card and waits until the card is done checking it. */
export async function pickFile(tab: Tab, file: PickedFile): Promise<void> {
  await tab.setFile(byTestId('upload'), file);
  await expectCardIdleOn(tab, file.name);
}

/** Confirms the plan, and waits for the upgraded result. */
export async function applyUpgrade(tab: Tab, fileName: string): Promise<void> {
  await tab.click(byTestId('upload-apply'));
  await expect
    .poll(() => attribute(tab, byTestId('upload-result'), 'data-testid'), {
      message: 'the upgraded result',
    })
    .toBe('upload-result');
  await expectCardIdleOn(tab, fileName);
}

async function expectCardIdleOn(tab: Tab, fileName: string): Promise<void> {
  const card = () =>
    tab.evaluate((selector) => {
      const body = document.querySelector(selector);
      return body === null
        ? null
        : `${body.getAttribute('data-file')}/${body.getAttribute('data-busy')}`;
    }, byTestId('upload-body'));
  await expect.poll(card, { message: `the card done with ${fileName}` }).toBe(`${fileName}/`);
}

/** The backups the card lists, newest first. */
export function listedBackups(tab: Tab) {
  return tab.evaluate(
    (selector) =>
      Array.from(document.querySelectorAll(selector), (item) => ({
        reason: item.getAttribute('data-reason'),
        generation: Number(item.getAttribute('data-generation')),
        sizeBytes: Number(item.getAttribute('data-size')),
      })),
    byTestId('backup'),
  );
}

/** The Restore button of the listed backup made for `reason`. */
export function restoreButton(reason: string): string {
  return `${byTestId('backup')}[data-reason="${reason}"] ${byTestId('backup-restore')}`;
}
