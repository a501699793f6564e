// The upload bench page (`?mode=upload`): the runner puts the 50 MB legacy file in the file input
// as a person would pick it, then calls `window.benchUpload()`, which runs the upload feature's
// public API end to end — check (the checks, then the migrations on a copy), keep, adopt — and reports
// where the time went and the longest main-thread task meanwhile.
import { storeNames } from '../src/browser/storage/layout.ts';
import { upgradeUpload } from '../src/upload.ts';
import { UPLOAD_DATABASE, type UploadBenchResult } from './bench-protocol.ts';

/** The bench's own migration set: the base table, then add a column, backfill it, index it. */
const migrations = import.meta.glob<string>('./migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Every long task the page's main thread ran, from this module's start on. */
const longTasks: PerformanceEntry[] = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({
  type: 'longtask',
  buffered: true,
});

export async function prepareUpload(): Promise<void> {
  // Every run adopts into the same empty store, so no run pays for the one before it's backups.
  await deleteDatabase(storeNames(UPLOAD_DATABASE).database);
  const input = document.querySelector<HTMLInputElement>('#upload-file');
  if (!input) throw new Error('the bench page has no #upload-file input');
  window.benchUpload = () => runUpload(input);
  const ready = () => {
    window.benchUploadReady = (input.files?.length ?? 0) > 0;
  };
  input.addEventListener('change', ready);
  ready();
}

async function runUpload(input: HTMLInputElement): Promise<UploadBenchResult> {
  const file = input.files?.[0];
  if (!file) throw new Error('no file in #upload-file');
  const startedAt = performance.now();
  window.benchUploadStep = 'inspect';
  const session = await upgradeUpload(file, { migrations, onProgress: () => {} });
  const inspectedAt = performance.now();
  window.benchUploadStep = 'upgrade';
  const kept = await session.keep();
  const upgradedAt = performance.now();
  window.benchUploadStep = 'adopt';
  await session.adopt(UPLOAD_DATABASE);
  const adoptedAt = performance.now();
  session.close();
  // Long task entries arrive after their task ends: let the last ones through.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const during = longTasks.filter(
    (task) => task.startTime < adoptedAt && task.startTime + task.duration > startedAt,
  );
  const { report } = session;
  // The migrations run on the copy inside `upgradeUpload`; `keep()` takes the file out. The
  // upgrade against the native shell is both: the run as the worker timed it, and the taking.
  const migrateMs = report.timings.migrateMs;
  return {
    sizeBytes: file.size,
    upgradedBytes: kept.sizeBytes,
    upgradedInPlace: kept.inPlace,
    inspectMs: inspectedAt - startedAt - migrateMs,
    upgradeMs: migrateMs + (upgradedAt - inspectedAt),
    adoptMs: adoptedAt - upgradedAt,
    totalMs: adoptedAt - startedAt,
    maxLongTaskMs: Math.max(0, ...during.map((task) => task.duration)),
    longTasks: during.length,
    phases: {
      inspectRead: report.timings.readMs,
      inspectOpen: report.timings.openMs,
      inspectCheck: report.timings.checkMs,
      upgradeMigrate: migrateMs,
      upgradeExport: kept.timings.handOverMs,
      upgradeHandOver: upgradedAt - inspectedAt,
    },
    marks: {
      startedAt: epoch(startedAt),
      inspectedAt: epoch(inspectedAt),
      upgradedAt: epoch(upgradedAt),
      adoptedAt: epoch(adoptedAt),
    },
    state: report.upgrade.state,
    legacyVersion: report.upgrade.legacyVersion,
    executed: report.upgrade.executed,
  };
}

/** A page time on the epoch clock, which the runner's memory samples use too. */
function epoch(pageTime: number): number {
  return performance.timeOrigin + pageTime;
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`${name} is open in another tab`));
  });
}
