// One bench page load; `?mode=` says what it measures. Times start at this script's first line,
// so the page's own download and parse are left out of every mode alike.
import { createStore, set } from 'idb-keyval';
import { openDatabase, readStoredImage } from '../src/browser.ts';
import { BENCH_DATABASE, type BenchResult, FLOOR_STORE, type Phases } from './bench-protocol.ts';
import { loadFloor } from './floor-load.ts';

const startedAt = performance.now();
const mode = new URLSearchParams(location.search).get('mode') ?? 'library';
const migrations = import.meta.glob<string>('@migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});
/** The database size the seed grows to. */
const TARGET_BYTES = 50 * 1024 * 1024;

function publish(result: Omit<BenchResult, 'mode'>): void {
  window.benchResult = { mode, ...result };
}

async function library(): Promise<void> {
  const db = await openDatabase({ name: BENCH_DATABASE, migrations });
  const readyMs = performance.now() - startedAt;
  const { workerStartedAt, ...phases } = db.timings;
  publish({
    readyMs,
    sizeBytes: db.info().sizeBytes,
    upToDate: db.report.upToDate,
    runMs: db.report.durationMs,
    phases: { workerBootMs: workerBootMs(workerStartedAt), ...phases },
  });
}

async function floorInWorker(): Promise<void> {
  const worker = new Worker(new URL('./floor-worker.ts', import.meta.url), { type: 'module' });
  const reply = await new Promise<{ sizeBytes?: number; phases?: Phases; error?: string }>(
    (resolve) => {
      worker.onmessage = (event) => resolve(event.data);
    },
  );
  const readyMs = performance.now() - startedAt;
  if (reply.error !== undefined) throw new Error(reply.error);
  const { workerStartedAt = Number.NaN, ...phases } = reply.phases ?? {};
  publish({
    readyMs,
    sizeBytes: reply.sizeBytes ?? 0,
    phases: { workerBootMs: workerBootMs(workerStartedAt), ...phases },
  });
}

async function floorOnPage(): Promise<void> {
  const { sizeBytes, phases } = await loadFloor();
  publish({ readyMs: performance.now() - startedAt, sizeBytes, phases });
}

/** Grows the bench database to TARGET_BYTES with notes of plausible text (FTS4 indexes them too). */
async function seed(): Promise<void> {
  const db = await openDatabase({ name: BENCH_DATABASE, migrations });
  let batch = 2000;
  let serial = 0;
  while (db.info().sizeBytes < TARGET_BYTES) {
    const before = db.info().sizeBytes;
    const statements = Array.from({ length: batch }, () => {
      serial += 1;
      return {
        sql: 'INSERT INTO notes (slug, content) VALUES (?, ?)',
        params: [`bench-${serial}`, noteText(serial)],
      };
    });
    await db.transaction(statements);
    const perNote = Math.max(1, (db.info().sizeBytes - before) / batch);
    batch = Math.max(200, Math.ceil((TARGET_BYTES - db.info().sizeBytes) / perNote) + 50);
  }
  await db.close();
  // The floor reads the same file as one value: the least any load can read.
  const file = await readStoredImage(BENCH_DATABASE);
  if (file === undefined) throw new Error('the seeded database was not stored');
  await set(FLOOR_STORE.key, file, createStore(FLOOR_STORE.database, FLOOR_STORE.store));
  publish({ readyMs: performance.now() - startedAt, sizeBytes: file.byteLength });
}

async function write(): Promise<void> {
  const db = await openDatabase({ name: BENCH_DATABASE, migrations });
  const before = performance.now();
  await db.exec('INSERT INTO notes (slug, content) VALUES (?, ?)', [
    `bench-write-${Date.now()}`,
    noteText(1),
  ]);
  publish({
    readyMs: before - startedAt,
    sizeBytes: db.info().sizeBytes,
    writeMs: performance.now() - before,
  });
}

const WORDS =
  'migration schema ledger sqlite browser worker indexeddb note session token lock tab version backup checksum baseline legacy fresh image table index trigger view column'.split(
    ' ',
  );

function noteText(seed: number): string {
  const words: string[] = [];
  let state = seed * 2654435761;
  for (let i = 0; i < 160; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    words.push(`${WORDS[state % WORDS.length]}${state % 97}`);
  }
  return words.join(' ');
}

/** From this script's start to the worker's own start. */
function workerBootMs(workerStartedAt: number): number {
  return workerStartedAt - (performance.timeOrigin + startedAt);
}

/** Sets up the upload page; the runner then calls `window.benchUpload()` (see upload-bench.ts). */
async function upload(): Promise<void> {
  // Loaded only here, so the load modes above measure a page without the upload code.
  const { prepareUpload } = await import('./upload-bench.ts');
  await prepareUpload();
}

/** Sets up the inference page; the runner then calls `window.benchInference()`. */
async function inference(): Promise<void> {
  const { runInference } = await import('./inference-bench.ts');
  window.benchInference = runInference;
}

const modes: Record<string, () => Promise<void>> = {
  library,
  'floor-worker': floorInWorker,
  'floor-page': floorOnPage,
  seed,
  write,
  upload,
  inference,
};

(modes[mode] ?? library)().catch((error: unknown) => {
  publish({
    readyMs: Number.NaN,
    sizeBytes: 0,
    error: error instanceof Error ? error.message : String(error),
  });
});
