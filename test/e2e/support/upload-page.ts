// How the tests drive the upload card and the backups card: through data-testid only.
import { readFileSync } from 'node:fs';
import type { Page, Worker } from '@playwright/test';
import { expect } from '@playwright/test';
import { nextWorker } from './app.ts';
import type { UploadFile } from './upload-files.ts';

/** Picks `file` in the upload input and waits until the card is done checking it. */
export async function pickFile(page: Page, file: UploadFile): Promise<void> {
  await page.getByTestId('upload').setInputFiles(file);
  await expectSettledOn(page, file.name);
}

/** Waits until the card shows the outcome for `fileName` (a plan or a refusal). */
export async function expectSettledOn(page: Page, fileName: string): Promise<void> {
  const body = page.getByTestId('upload-body');
  await expect(body).toHaveAttribute('data-file', fileName);
  await expect(body).toHaveAttribute('data-busy', '');
}

/** The plan the card shows: every migration it would baseline or run, in order. */
export function plannedMigrations(page: Page) {
  return page.getByTestId('planned-migration').evaluateAll((items) =>
    items.map((item) => ({
      name: item.getAttribute('data-name'),
      how: item.getAttribute('data-how'),
    })),
  );
}

/** Expects the card to refuse the file with `code`, in words containing `says`. */
export async function expectRefused(page: Page, code: string, says: string): Promise<void> {
  const error = page.getByTestId('upload-error');
  await expect(error).toHaveAttribute('data-code', code);
  await expect(page.getByTestId('upload-error-message')).toContainText(says);
  await expect(page.getByTestId('upload-apply')).toHaveCount(0);
  await expect(page.getByTestId('upload-adopt')).toHaveCount(0);
}

/** Confirms the plan and waits for the upgraded result. */
export async function applyUpgrade(page: Page): Promise<void> {
  await page.getByTestId('upload-apply').click();
  await expect(page.getByTestId('upload-result')).toBeVisible();
  await expect(page.getByTestId('upload-body')).toHaveAttribute('data-busy', '');
}

/** Downloads the upgraded file: its suggested name and its bytes. */
export async function downloadUpgraded(page: Page): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('upload-download').click(),
  ]);
  return {
    name: download.suggestedFilename(),
    bytes: new Uint8Array(readFileSync(await download.path())),
  };
}

/** The backups the card lists, newest first. */
export function listedBackups(page: Page) {
  return page.getByTestId('backup').evaluateAll((items) =>
    items.map((item) => ({
      reason: item.getAttribute('data-reason'),
      generation: Number(item.getAttribute('data-generation')),
      sizeBytes: Number(item.getAttribute('data-size')),
    })),
  );
}

/** The upload worker the page starts next, once it has started. */
export function nextUploadWorker(page: Page): Promise<Worker> {
  return nextWorker(page, 'upload-worker');
}

/** Waits until the card shows the copy's upgrade running `migrationName`. */
export async function expectRunning(page: Page, migrationName: string): Promise<void> {
  const progress = page.getByTestId('upload-progress');
  await expect(progress).toHaveAttribute('data-running', 'true');
  await expect(progress).toContainText(migrationName);
}

/**
 * Records, from now on, every value `[data-testid=testid]` shows as the page renders it, however
 * briefly: its `attributes` joined with `/`, once per change. Returns what was recorded so far.
 */
export async function recordShown(
  page: Page,
  testid: string,
  attributes: string[],
): Promise<() => Promise<string[]>> {
  const key = `shown:${testid}:${attributes.join('/')}`;
  await page.evaluate(
    ({ key, testid, attributes }) => {
      const seen: string[] = [];
      (window as unknown as Record<string, string[]>)[key] = seen;
      new MutationObserver(() => {
        const element = document.querySelector(`[data-testid="${testid}"]`);
        if (element === null) return;
        const value = attributes.map((name) => element.getAttribute(name)).join('/');
        if (seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    },
    { key, testid, attributes },
  );
  return () =>
    page.evaluate((key) => (window as unknown as Record<string, string[]>)[key] ?? [], key);
}

/** Clicks Restore on the listed backup made for `reason`. */
export function restoreListedBackup(page: Page, reason: string): Promise<void> {
  return page
    .locator(`[data-testid="backup"][data-reason="${reason}"]`)
    .getByTestId('backup-restore')
    .click();
}
