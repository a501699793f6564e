// One bench page load; `?mode=` says what it measures. Times start at this script's first line,
// so the page's own download and parse are left out of every mode alike.
import { createStore, del, promisifyRequest, set } from 'idb-keyval';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import {
  CHUNK_BYTES,
  chunkKey,
  MANIFEST_KEY,
  type Manifest,
  storeNames,
} from '../src/browser/storage/layout.ts';
import { type MigratedDatabase, openDatabase, readStoredImage } from '../src/browser.ts';
import {
  BENCH_DATABASE,
  type BenchResult,
  CHUNK_KIBS,
  chunkDatabase,
  FLOOR_STORE,
  MIGRATE_DATABASE,
  PEER_FIRST_QUERY,
  PEER_WRITE,
  type Phases,
  SMALL_BENCH_DATABASE,
  sizeDatabase,
  WA_SQLITE_DATABASE,
  type WriteSeries,
} from './bench-protocol.ts';
import { loadFloor } from './floor-load.ts';

const startedAt = performance.now();
const parameters = new URLSearchParams(location.search);
const mode = parameters.get('mode') ?? 'library';
const migrations = import.meta.glob<string>('@migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});
/** The database sizes the seed grows the two databases to. */
const TARGET_BYTES = 50 * 1024 * 1024;
const SMALL_TARGET_BYTES = 1024 * 1024;
/**
 * The migrating load's one migration, on top of the demo's: an index on a small table, so it
 * changes a few pages of the 50 MB file (the new index, the schema, the ledger's row).
 */
const EXTRA_MIGRATIONS = import.meta.glob<string>('./extra-migration/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

function publish(result: Omit<BenchResult, 'mode'>): void {
  window.benchResult = { mode, ...result };
}

/** The database a mode works on: `?database=`, else the 50 MB one. */
const database = parameters.get('database') ?? BENCH_DATABASE;

async function library(): Promise<void> {
  const db = await openDatabase({ name: database, migrations });
  const readyMs = performance.now() - startedAt;
  publish({
    readyMs,
    sizeBytes: db.info().sizeBytes,
    upToDate: db.report.upToDate,
    runMs: db.report.durationMs,
    phases: phasesOf(db),
  });
}

/** A floor in a worker: `?floor=chunks` reads the library's chunks raw, else the one value. */
async function floorInWorker(): Promise<void> {
  const name = `${parameters.get('floor') === 'chunks' ? 'chunks' : 'one-value'}:${database}`;
  const worker = new Worker(new URL('./floor-worker.ts', import.meta.url), {
    type: 'module',
    name,
  });
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
  const { sizeBytes, phases } = await loadFloor('one-value', database);
  publish({ readyMs: performance.now() - startedAt, sizeBytes, phases });
}

/**
 * Grows the bench database to 50 MB and the small one to 1 MB, with notes of plausible text (FTS4
 * indexes them too), then stores the 50 MB file as one value for the floor.
 */
async function seed(): Promise<void> {
  await grow(BENCH_DATABASE, TARGET_BYTES);
  await grow(SMALL_BENCH_DATABASE, SMALL_TARGET_BYTES);
  // The floor reads the same file as one value: the least any load can read.
  const file = await readStoredImage(BENCH_DATABASE);
  if (file === undefined) throw new Error('the seeded database was not stored');
  await set(BENCH_DATABASE, file, createStore(FLOOR_STORE.database, FLOOR_STORE.store));
  publish({ readyMs: performance.now() - startedAt, sizeBytes: file.byteLength });
}

/** Adds notes to database `name` through the library until its file reaches `target` bytes. */
async function grow(name: string, target: number): Promise<void> {
  const db = await openDatabase({ name, migrations });
  let batch = Math.min(2000, Math.ceil(target / 16_384));
  let serial = 0;
  while (db.info().sizeBytes < target) {
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
    batch = Math.ceil((target - db.info().sizeBytes) / perNote) + 10;
  }
  await db.close();
}

/**
 * One-note inserts through `db.exec` on the 50 MB and the 1 MB database, both open in this tab,
 * taking turns: one each to warm up, then `?runs=` each, measured.
 */
async function write(): Promise<void> {
  const runs = Number(parameters.get('runs') ?? 9);
  const large = await openDatabase({ name: database, migrations });
  const small = await openDatabase({ name: SMALL_BENCH_DATABASE, migrations });
  const readyMs = performance.now() - startedAt;
  const series = [seriesOf(large), seriesOf(small)];
  for (let run = 0; run <= runs; run++)
    for (const [index, db] of [large, small].entries()) {
      const measured = await insertNote(db);
      if (run > 0) record(series[index] as WriteSeries, measured);
    }
  publish({ readyMs, sizeBytes: large.info().sizeBytes, writes: series });
}

function seriesOf(db: MigratedDatabase): WriteSeries {
  return {
    database: db.name,
    sizeBytes: db.info().sizeBytes,
    ms: [],
    bytesWritten: [],
    wholeFile: 0,
  };
}

function record(series: WriteSeries, measured: Awaited<ReturnType<typeof insertNote>>): void {
  series.ms.push(measured.ms);
  series.bytesWritten.push(measured.bytesWritten);
  if (measured.wholeFile) series.wholeFile += 1;
}

/** One note added through the library, timed from the call to its answer (the save included). */
async function insertNote(db: MigratedDatabase) {
  // A pause first, as between a person's notes: the last save's aftermath is not measured.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = performance.now();
  const result = await db.exec('INSERT INTO notes (slug, content) VALUES (?, ?)', [
    `bench-write-${crypto.randomUUID()}`,
    noteText(1),
  ]);
  return { ms: performance.now() - before, ...result.saved };
}

/**
 * Stores a copy of the 50 MB file as database MIGRATE_DATABASE (one generation, chunks of the
 * library's size), for the migrating load of the next tab.
 */
async function prepareMigratingLoad(): Promise<void> {
  const file = await seededFile();
  await storeInChunks(MIGRATE_DATABASE, file, CHUNK_BYTES);
  publish({ readyMs: performance.now() - startedAt, sizeBytes: file.byteLength });
}

/** A load that migrates: the demo's migrations and one more, on the copy of the 50 MB file. */
async function migratingLoad(): Promise<void> {
  const db = await openDatabase({
    name: MIGRATE_DATABASE,
    migrations: withExtraMigrations(migrations),
  });
  const readyMs = performance.now() - startedAt;
  publish({
    readyMs,
    sizeBytes: db.info().sizeBytes,
    upToDate: db.report.upToDate,
    runMs: db.report.durationMs,
    executed: db.report.executed,
    saved: db.saved,
    phases: phasesOf(db),
  });
}

/** The migrations with the bench's extra ones added, and `schema.sql` describing them too. */
function withExtraMigrations(files: Record<string, string>): Record<string, string> {
  const extra = Object.values(EXTRA_MIGRATIONS).join('\n');
  const schemaPath = Object.keys(files).find((path) => path.endsWith('/schema.sql'));
  return {
    ...files,
    ...EXTRA_MIGRATIONS,
    ...(schemaPath === undefined ? {} : { [schemaPath]: `${files[schemaPath]}\n${extra}` }),
  };
}

/**
 * Stores the 50 MB file, and a file of the same size that is mostly random attachments, once
 * for every chunk size of CHUNK_KIBS, as databases `chunkDatabase(kib, content)`.
 */
async function seedChunkSizes(): Promise<void> {
  const file = await seededFile();
  const random = await withRandomAttachments(file.byteLength);
  for (const kib of CHUNK_KIBS) {
    await storeInChunks(chunkDatabase(kib, 'notes'), file, kib * 1024);
    await storeInChunks(chunkDatabase(kib, 'random'), random, kib * 1024);
  }
  publish({ readyMs: performance.now() - startedAt, sizeBytes: file.byteLength });
}

/**
 * The 1 MB database with random attachments added until it is about `size` bytes: the app's
 * schema and ledger, up to date, in a file IndexedDB cannot compress.
 */
async function withRandomAttachments(size: number): Promise<Uint8Array> {
  const small = await readStoredImage(SMALL_BENCH_DATABASE);
  if (small === undefined) throw new Error('nothing stored: seed the bench databases first');
  const sql = await initSqlJs({ locateFile: () => wasmUrl });
  const db = new sql.Database(small);
  try {
    // Larger than a page, so most of the file is overflow pages that hold nothing else.
    const attachmentBytes = 60_000;
    const rows = Math.ceil((size - small.byteLength) / attachmentBytes);
    db.exec(`CREATE TABLE bench_attachments (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
      INSERT INTO bench_attachments (data) SELECT randomblob(${attachmentBytes}) FROM n;`);
    return db.export();
  } finally {
    db.close();
  }
}

/**
 * The library's load of the 50 MB file (or, with `?content=random`, the file of random
 * attachments) stored in chunks of `?kib=` KiB (the manifest says the size, and the load and the
 * saves follow it), then `?writes=` one-note inserts after a warm-up.
 */
async function chunkSize(): Promise<void> {
  const kib = Number(parameters.get('kib'));
  const content = parameters.get('content') === 'random' ? 'random' : 'notes';
  const writes = Number(parameters.get('writes') ?? 5);
  const db = await openDatabase({ name: chunkDatabase(kib, content), migrations });
  const readyMs = performance.now() - startedAt;
  const series = seriesOf(db);
  for (let run = 0; run <= writes; run++) {
    const measured = await insertNote(db);
    if (run > 0) record(series, measured);
  }
  publish({
    readyMs,
    sizeBytes: series.sizeBytes,
    upToDate: db.report.upToDate,
    phases: phasesOf(db),
    writes: [series],
  });
}

/** The 50 MB file stored in chunks of `?kib=` KiB, read in one request (see chunk-read-worker.ts). */
async function chunksInOneRequest(): Promise<void> {
  const worker = new Worker(new URL('./chunk-read-worker.ts', import.meta.url), { type: 'module' });
  const reply = await new Promise<{ readMs?: number; sizeBytes?: number; error?: string }>(
    (resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.postMessage(storeNames(chunkDatabase(Number(parameters.get('kib')))));
    },
  );
  if (reply.error !== undefined) throw new Error(reply.error);
  publish({
    readyMs: performance.now() - startedAt,
    sizeBytes: reply.sizeBytes ?? 0,
    phases: { readMs: reply.readMs ?? Number.NaN },
  });
}

/** The seeded 50 MB file, as the library reads it back. */
async function seededFile(): Promise<Uint8Array> {
  const file = await readStoredImage(BENCH_DATABASE);
  if (file === undefined) throw new Error('nothing stored: seed the bench database first');
  return file;
}

/**
 * Stores `file` as database `name` in the library's format (see src/browser/storage/layout.ts) in
 * chunks of `chunkSize` bytes, all of one generation, in place of anything stored under it: the
 * chunks a few megabytes per transaction, then the manifest that makes them the file.
 */
async function storeInChunks(name: string, file: Uint8Array, chunkSize: number): Promise<void> {
  const names = storeNames(name);
  await promisifyRequest(indexedDB.deleteDatabase(names.database));
  const count = Math.ceil(file.byteLength / chunkSize);
  const manifest: Manifest = {
    generation: 1,
    fileSize: file.byteLength,
    chunkSize,
    chunks: new Array<number>(count).fill(1),
  };
  const store = createStore(names.database, names.store);
  const perTransaction = Math.max(1, Math.floor((8 << 20) / chunkSize));
  for (let first = 0; first < count; first += perTransaction)
    await store('readwrite', (objects) => {
      for (let index = first; index < Math.min(count, first + perTransaction); index++)
        objects.put(file.slice(index * chunkSize, (index + 1) * chunkSize), chunkKey(index, 1));
      return promisifyRequest(objects.transaction);
    });
  await store('readwrite', (objects) => {
    objects.put(manifest, MANIFEST_KEY);
    return promisifyRequest(objects.transaction);
  });
}

/**
 * Builds the sizes part's database of `?mib=` MiB: the seeded 50 MB file grown with copies of its
 * own notes (the full-text index grows with them), stored in the library's format and, for the
 * floor, whole as one value.
 */
async function seedSize(): Promise<void> {
  const mib = Number(parameters.get('mib'));
  const target = mib * 1024 * 1024;
  const sql = await initSqlJs({ locateFile: () => wasmUrl });
  const db = new sql.Database(await seededFile());
  let file: Uint8Array;
  try {
    const size = () =>
      Number(db.exec('PRAGMA page_count')[0]?.values[0]?.[0]) *
      Number(db.exec('PRAGMA page_size')[0]?.values[0]?.[0]);
    for (let copy = 1; size() < target; copy++) {
      const notes = Number(db.exec('SELECT count(*) FROM notes')[0]?.values[0]?.[0]);
      const wanted = Math.ceil(((target - size()) / size()) * notes * 1.02);
      db.exec(`INSERT INTO notes (slug, content)
        SELECT slug || '-copy-${copy}', content FROM notes ORDER BY id LIMIT ${Math.min(notes, wanted)}`);
    }
    file = db.export();
  } finally {
    db.close();
  }
  const name = sizeDatabase(mib);
  await storeInChunks(name, file, CHUNK_BYTES);
  await set(name, file, createStore(FLOOR_STORE.database, FLOOR_STORE.store));
  publish({ readyMs: performance.now() - startedAt, sizeBytes: file.byteLength });
}

/** Deletes the sizes part's database of `?mib=` MiB and its floor's copy. */
async function dropSize(): Promise<void> {
  const name = sizeDatabase(Number(parameters.get('mib')));
  await promisifyRequest(indexedDB.deleteDatabase(storeNames(name).database));
  await del(name, createStore(FLOOR_STORE.database, FLOOR_STORE.store));
  publish({ readyMs: performance.now() - startedAt, sizeBytes: 0 });
}

/** A page that loads a database when the runner asks (`window.benchLoad`), so its memory can be watched. */
async function loadOnDemand(): Promise<void> {
  window.benchLoad = async (name: string) => {
    const before = performance.now();
    const db = await openDatabase({ name, migrations });
    return {
      readyMs: performance.now() - before,
      sizeBytes: db.info().sizeBytes,
      upToDate: db.report.upToDate,
    };
  };
  publish({ readyMs: performance.now() - startedAt, sizeBytes: 0 });
}

/** Ours: page start to the rows of the notes app's first query, on the 50 MB database. */
async function firstQuery(): Promise<void> {
  const db = await openDatabase({ name: database, migrations });
  const rows = await db.query(PEER_FIRST_QUERY);
  publish({
    readyMs: performance.now() - startedAt,
    sizeBytes: db.info().sizeBytes,
    phases: { rows: rows.length, ...phasesOf(db) },
  });
}

/** Ours: the peer's one-row write, `?runs=` times after a warm-up, each saved. */
async function peerWrite(): Promise<void> {
  const runs = Number(parameters.get('runs') ?? 9);
  const db = await openDatabase({ name: database, migrations });
  const series = seriesOf(db);
  for (let run = 0; run <= runs; run++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = performance.now();
    const result = await db.exec(PEER_WRITE, [`peer-${crypto.randomUUID()}`]);
    if (run > 0) record(series, { ms: performance.now() - before, ...result.saved });
  }
  publish({
    readyMs: performance.now() - startedAt,
    sizeBytes: series.sizeBytes,
    writes: [series],
  });
}

/**
 * The peer, wa-sqlite's IndexedDB VFS, in a worker of its own: `?step=seed` stores the seeded
 * 50 MB file there; `first-query` times page start to the first query's rows; `write` times
 * `?runs=` one-row writes.
 */
async function waSqlite(): Promise<void> {
  const step = parameters.get('step') ?? 'first-query';
  const worker = new Worker(new URL('./wa-sqlite-worker.ts', import.meta.url), {
    type: 'module',
    name: step === 'write' ? `write:${parameters.get('runs') ?? 9}` : step,
  });
  const answered = new Promise<Record<string, number> & { ms?: number[]; error?: string }>(
    (resolve) => {
      worker.onmessage = (event) => resolve(event.data);
    },
  );
  if (step === 'seed') {
    const file = await seededFile();
    worker.postMessage(file, [file.buffer]);
  }
  const reply = await answered;
  const readyMs = performance.now() - startedAt;
  if (reply.error !== undefined) throw new Error(reply.error);
  const { ms, error: _error, workerStartedAt = Number.NaN, ...phases } = reply;
  publish({
    readyMs,
    sizeBytes: reply.sizeBytes ?? 0,
    phases: { workerBootMs: workerBootMs(workerStartedAt), ...phases },
    ...(ms === undefined
      ? {}
      : {
          writes: [
            { database: WA_SQLITE_DATABASE, sizeBytes: 0, ms, bytesWritten: [], wholeFile: 0 },
          ],
        }),
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

/** Where a load's time went, by phase, as the library timed it; page start → worker start first. */
function phasesOf(db: MigratedDatabase): Phases {
  const { workerStartedAt, ...phases } = db.timings;
  return { workerBootMs: workerBootMs(workerStartedAt), ...phases };
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

/** The query layer: typed queries, interactive transactions (see queries-bench.ts). */
async function queries(): Promise<void> {
  const { measureQueries } = await import('./queries-bench.ts');
  const measured = await measureQueries(Number(parameters.get('rounds') ?? 9));
  publish({ readyMs: performance.now() - startedAt, sizeBytes: 0, queries: measured });
}

/** A live query on the newest ping; the runner reads `window.benchLatencies`. */
async function livePings(): Promise<void> {
  const { watchPings } = await import('./queries-bench.ts');
  await watchPings();
  publish({ readyMs: performance.now() - startedAt, sizeBytes: 0 });
}

/** Writes pings for another tab's live query to hear. */
async function writePings(): Promise<void> {
  const { writePings } = await import('./queries-bench.ts');
  await writePings(Number(parameters.get('count') ?? 20), Number(parameters.get('every') ?? 150));
  publish({ readyMs: performance.now() - startedAt, sizeBytes: 0 });
}

const modes: Record<string, () => Promise<void>> = {
  library,
  'floor-worker': floorInWorker,
  'floor-page': floorOnPage,
  seed,
  write,
  'migrate-prepare': prepareMigratingLoad,
  migrate: migratingLoad,
  'chunks-seed': seedChunkSizes,
  chunks: chunkSize,
  'chunks-one-request': chunksInOneRequest,
  'size-seed': seedSize,
  'size-drop': dropSize,
  'load-on-demand': loadOnDemand,
  'first-query': firstQuery,
  'peer-write': peerWrite,
  'wa-sqlite': waSqlite,
  upload,
  inference,
  queries,
  'live-pings': livePings,
  'write-pings': writePings,
};

(modes[mode] ?? library)().catch((error: unknown) => {
  publish({
    readyMs: Number.NaN,
    sizeBytes: 0,
    error: error instanceof Error ? error.message : String(error),
  });
});
