// `npm run bench`: builds the bench page, serves it, drives system Chromium, and writes
// bench/report.json (a flat object of named numbers) and a table. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { readStoredDatabase, watchIndexedDbWrites } from '../test/e2e/support/app.ts';
import { chromiumLaunchOptions } from '../test/e2e/support/chromium.ts';
import {
  type BenchResult,
  CHUNK_KIBS,
  MIGRATE_DATABASE,
  SIZES_MIB,
  sizeDatabase,
  type WriteSeries,
} from './bench-protocol.ts';
import { measureBigMigration } from './big-migration-bench.ts';
import { measureDiff } from './diff-bench.ts';
import { measureFingerprint } from './fingerprint-bench.ts';
import { measurePeaks, rendererGrowth } from './process-memory.ts';
import { measureQueries, pageResult } from './query-bench.ts';
import { figures3, median, phaseMedians, rotate, round2, round3 } from './stats.ts';
import { measureInference, measureSizeUploads, measureUpload } from './upload-measure.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, '.tmp/bench');
const PORT = 4327;
const ORIGIN = `http://127.0.0.1:${PORT}`;
/** Measured loads per mode (after one warm-up each); medians are reported. */
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** Measured one-note inserts on each of the 50 MB and 1 MB databases (after one warm-up each). */
const WRITE_RUNS = Number(process.env.BENCH_WRITE_RUNS ?? 15);
/** Migrating loads, each on a fresh copy of the 50 MB database. */
const MIGRATE_RUNS = 3;
/** Measured rounds of the chunk sizes, and inserts per round (after one warm-up each). */
const CHUNK_RUNS = Number(process.env.BENCH_CHUNK_RUNS ?? 7);
const CHUNK_WRITES = 5;
/** Measured rounds of the upload and of cold detection (after one warm-up each). */
const UPLOAD_RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 5);
/**
 * `BENCH_ONLY=chunks,upload` (any of load, chunks, peer, sizes, upload, inference, big-migration,
 * fingerprint, diff, queries).
 */
const PARTS = new Set(
  (
    process.env.BENCH_ONLY ??
    'load,chunks,peer,sizes,upload,inference,big-migration,fingerprint,diff,queries'
  ).split(','),
);
/** Rounds of the sizes part's loads at each size (after one warm-up), and its note writes. */
const SIZE_RUNS = Number(process.env.BENCH_SIZE_RUNS ?? 3);
const SIZE_WRITES = Number(process.env.BENCH_SIZE_WRITES ?? 15);

async function main(): Promise<void> {
  // Chromium and the native sqlite3 shell (the upload's yardstick) are what this run needs; the
  // script also installs the other engines the e2e suite drives, where they are missing.
  const tools = spawnSync('bash', [path.join(ROOT, 'scripts/ensure-tools.sh')], {
    stdio: 'inherit',
  });
  if (tools.status !== 0) throw new Error('scripts/ensure-tools.sh failed');
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const outDir = path.join(WORK, 'site');
  await build({
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: path.join(ROOT, 'bench/index.html') },
    },
  });
  const server = await preview({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: PORT, strictPort: true },
  });
  try {
    const loadBefore = loadavg()[0] as number;
    // Other work on the machine shows in every number; say so rather than report it as ours.
    if (loadBefore > 1.5)
      console.warn(`the machine is busy (load ${loadBefore.toFixed(1)}): expect noisy numbers`);
    const report: Record<string, number> = {
      machineLoadBefore: round2(loadBefore),
      // Node only; measured first, before any Chromium shares the machine.
      ...(PARTS.has('fingerprint') && (await measureFingerprint())),
      ...(PARTS.has('diff') && (await measureDiff())),
      ...((PARTS.has('load') || PARTS.has('chunks') || PARTS.has('peer') || PARTS.has('sizes')) &&
        (await withBrowser('profile', async (context, profileDir) => {
          const seeded = await seed(context);
          const load = PARTS.has('load') && (await measure(context, seeded));
          const chunks = PARTS.has('chunks') && (await measureChunkSizes(context));
          const peer = PARTS.has('peer') && (await measurePeer(context));
          const sizes = PARTS.has('sizes') && (await measureSizes(context, profileDir));
          // At 50 MiB the load part's note writes (more of them, on the seeded database) stand.
          return { ...sizes, ...load, ...chunks, ...peer };
        }))),
      // A browser of its own, so the load half's open tabs and 50 MB database weigh on neither
      // the upload's memory nor its timings.
      ...((PARTS.has('upload') || PARTS.has('inference') || PARTS.has('sizes')) &&
        (await withBrowser('profile-upload', async (context, profileDir) => {
          const setup = { context, origin: ORIGIN, profileDir, workDir: WORK, runs: UPLOAD_RUNS };
          return {
            ...(PARTS.has('upload') && (await measureUpload(setup))),
            ...(PARTS.has('sizes') && (await measureSizeUploads(setup))),
            ...(PARTS.has('inference') && (await measureInference(setup))),
          };
        }))),
      // A browser of its own: the query layer on a small database of its own.
      ...(PARTS.has('queries') &&
        (await withBrowser('profile-queries', (context) => measureQueries(context, ORIGIN)))),
      // In Node, not the browser: how executing a migration grows with the file's length.
      ...(PARTS.has('big-migration') && (await measureBigMigration())),
    };
    report.machineLoadAfter = round2(loadavg()[0] as number);
    writeFileSync(path.join(ROOT, 'bench/report.json'), `${JSON.stringify(report, null, 2)}\n`);
    printTable(report);
  } finally {
    await server.close();
  }
}

/** Runs `work` in a Chromium of its own on a fresh profile under WORK, and closes it. */
async function withBrowser<T>(
  profile: string,
  work: (context: BrowserContext, profileDir: string) => Promise<T>,
): Promise<T> {
  const profileDir = path.join(WORK, profile);
  const context = await chromium.launchPersistentContext(profileDir, chromiumLaunchOptions());
  // tsx compiles this runner keeping function names, which wraps the helpers inside a function
  // handed to page.evaluate (readStoredDatabase's) in calls to its `__name`: the page needs one.
  await context.addInitScript('globalThis.__name = (target) => target;');
  try {
    return await work(context, profileDir);
  } finally {
    await context.close();
  }
}

/** Grows the 50 MB and the 1 MB database through the library (see the `seed` mode). */
async function seed(context: BrowserContext): Promise<BenchResult> {
  const seeded = await load(context, 'seed', 300_000);
  console.log(
    `seeded ${(seeded.sizeBytes / 1024 / 1024).toFixed(1)} MB in ${(seeded.readyMs / 1000).toFixed(1)} s`,
  );
  return seeded;
}

async function measure(
  context: BrowserContext,
  seeded: BenchResult,
): Promise<Record<string, number>> {
  const writes = await watchAllIndexedDbWrites(context);
  const samples: Record<
    'library' | 'floor-worker' | 'floor-worker&floor=chunks' | 'floor-page',
    BenchResult[]
  > = {
    library: [],
    'floor-worker': [],
    'floor-worker&floor=chunks': [],
    'floor-page': [],
  };
  const writesPerLibraryLoad: number[] = [];
  const modes = Object.keys(samples) as (keyof typeof samples)[];
  for (let round = 0; round <= RUNS; round++) {
    // Rotating the order spreads any drift (caches warming, the disk) over every mode alike.
    for (const mode of rotate(modes, round)) {
      const before = writes.count();
      const result = await load(context, mode);
      if (mode === 'library') {
        if (!result.upToDate) throw new Error('the library load was not up to date');
        writesPerLibraryLoad.push(writes.count() - before);
      }
      if (round > 0) samples[mode].push(result);
    }
  }
  const noteWrites = await measureNoteWrites(context);
  const migratingLoad = await measureMigratingLoad(context);

  const library = median(samples.library.map((s) => s.readyMs));
  const floorWorker = median(samples['floor-worker'].map((s) => s.readyMs));
  const chunkFloor = median(samples['floor-worker&floor=chunks'].map((s) => s.readyMs));
  const floorPage = median(samples['floor-page'].map((s) => s.readyMs));
  return {
    ...phaseMedians(
      'library',
      samples.library.map((s) => s.phases),
    ),
    ...phaseMedians(
      'floor',
      samples['floor-worker'].map((s) => s.phases),
    ),
    ...phaseMedians(
      'chunkFloor',
      samples['floor-worker&floor=chunks'].map((s) => s.phases),
    ),
    databaseBytes: seeded.sizeBytes,
    runs: RUNS,
    upToDateLoadMs: round2(library),
    floorMs: round2(floorWorker),
    upToDateLoadRatio: round3(library / floorWorker),
    chunkFloorMs: round2(chunkFloor),
    upToDateLoadVsChunkFloorRatio: round3(library / chunkFloor),
    floorOnPageMs: round2(floorPage),
    upToDateLoadRatioVsFloorOnPage: round3(library / floorPage),
    upToDateRunMigrationsMs: round2(median(samples.library.map((s) => s.runMs ?? Number.NaN))),
    idbWritesOnUpToDateLoad: Math.max(...writesPerLibraryLoad),
    ...noteWrites,
    ...migratingLoad,
    seedMs: Math.round(seeded.readyMs),
  };
}

/**
 * One-note inserts through `db.exec` on the 50 MB and the 1 MB database, taking turns in one tab
 * (an app writes many times per page load): their times, and the bytes each save wrote as the
 * store counts them.
 */
async function measureNoteWrites(context: BrowserContext): Promise<Record<string, number>> {
  const result = await load(context, `write&runs=${WRITE_RUNS}`);
  const [large, small] = result.writes ?? [];
  if (large === undefined || small === undefined)
    throw new Error('the write page measured nothing');
  const largeMs = median(large.ms);
  const smallMs = median(small.ms);
  const largeBytes = median(large.bytesWritten);
  return {
    noteWriteRuns: WRITE_RUNS,
    noteWriteMs: round2(largeMs),
    noteWrite1MbMs: round2(smallMs),
    noteWrite50MbVs1MbRatio: round3(largeMs / smallMs),
    noteWriteBytes50Mb: figures3(largeBytes / large.sizeBytes),
    noteWriteBytes50MbWorst: figures3(Math.max(...large.bytesWritten) / large.sizeBytes),
    noteWriteBytesWritten50Mb: largeBytes,
    noteWriteBytesWritten1Mb: median(small.bytesWritten),
    noteWritesOfWholeFile: large.wholeFile + small.wholeFile,
    database1MbBytes: small.sizeBytes,
  };
}

/**
 * Loads that migrate a fresh copy of the 50 MB database with one more migration (an index on a
 * small table). What its save wrote comes from `db.saved`; what the backup cost is counted in
 * the store, read raw before and after: the chunks the backup refers to that the load wrote (its
 * own chunks), and how much the backup list grew (its entry and manifest). The store is checked
 * too: one new pre-migration backup of the file as it was, every chunk it or the live file
 * refers to present, none left over, and the new chunks exactly what the save says it wrote.
 */
async function measureMigratingLoad(context: BrowserContext): Promise<Record<string, number>> {
  const rounds: {
    ms: number;
    saveMs: number;
    saved: number;
    backupChunkBytes: number;
    entryBytes: number;
    heldBytes: number;
  }[] = [];
  let size = 0;
  for (let round = 0; round < MIGRATE_RUNS; round++) {
    const before = await inTab(context, 'migrate-prepare', (page) =>
      readStoredDatabase(page, { database: `sqljs-migrate:${MIGRATE_DATABASE}` }),
    );
    const { result, after } = await inTab(context, 'migrate', async (page, result) => ({
      result,
      after: await readStoredDatabase(page, { database: `sqljs-migrate:${MIGRATE_DATABASE}` }),
    }));
    size = before.imageBytes;
    const saved = result.saved;
    if (result.upToDate !== false || result.executed?.length !== 1 || saved == null)
      throw new Error(
        `the migrating load did not run its one migration: ${JSON.stringify(result)}`,
      );
    const [backup, ...older] = after.backups;
    const problems = [
      older.length === 0 && backup?.reason === 'pre-migration'
        ? ''
        : 'not one new pre-migration backup',
      backup?.generation === before.generation && backup?.sha256 === before.imageSha256
        ? ''
        : 'the backup is not the file as it was',
      after.missingChunks.length === 0 ? '' : `missing chunks ${after.missingChunks.join(' ')}`,
      after.strayChunks.length === 0 ? '' : `chunks left over ${after.strayChunks.join(' ')}`,
    ].filter((problem) => problem !== '');
    const written = new Set(after.keys.filter((key) => !before.keys.includes(key)));
    const bytesOf = (keys: Iterable<string>) =>
      [...keys].reduce((sum, key) => sum + (after.chunkBytes[key] ?? 0), 0);
    if (bytesOf(written) !== saved.bytesWritten)
      problems.push(
        `the store gained ${bytesOf(written)} chunk bytes, the save says ${saved.bytesWritten}`,
      );
    if (problems.length > 0) throw new Error(`migrating load: ${problems.join('; ')}`);
    const backupKeys = after.chunkKeys.backups[0] ?? [];
    const live = new Set(after.chunkKeys.live);
    rounds.push({
      ms: result.readyMs,
      saveMs: result.phases?.saveMs ?? Number.NaN,
      saved: saved.bytesWritten,
      backupChunkBytes: bytesOf(backupKeys.filter((key) => written.has(key))),
      entryBytes: after.backupListBytes - before.backupListBytes,
      heldBytes: bytesOf(backupKeys.filter((key) => !live.has(key))),
    });
  }
  const of = (pick: (round: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  return {
    migratingLoadRuns: MIGRATE_RUNS,
    migratingLoadMs: round2(of((r) => r.ms)),
    migratingLoadSaveMs: round2(of((r) => r.saveMs)),
    migratingLoadSavedBytes: of((r) => r.saved),
    migratingLoadSavedBytesRatio: figures3(of((r) => r.saved) / size),
    migratingLoadBackupChunkBytes: of((r) => r.backupChunkBytes),
    migratingLoadBackupEntryBytes: of((r) => r.entryBytes),
    migratingLoadBackupBytesRatio: figures3(of((r) => r.backupChunkBytes + r.entryBytes) / size),
    migratingLoadBackupHeldBytes: of((r) => r.heldBytes),
  };
}

/**
 * The 50 MB database, and a file of random attachments of about its size, stored in chunks of
 * each size of CHUNK_KIBS, in rounds of fresh tabs in rotating order: the library's load (its
 * IndexedDB read is every chunk), then one-note inserts and the bytes each save wrote. The
 * floor's one-value read is measured in the same rounds.
 */
async function measureChunkSizes(context: BrowserContext): Promise<Record<string, number>> {
  await load(context, 'chunks-seed', 300_000);
  const modes = [
    ...CHUNK_KIBS.map((kib) => `chunks&kib=${kib}&writes=${CHUNK_WRITES}`),
    ...CHUNK_KIBS.map((kib) => `chunks-one-request&kib=${kib}`),
    ...CHUNK_KIBS.map((kib) => `chunks&kib=${kib}&content=random&writes=${CHUNK_WRITES}`),
    'floor-worker',
  ];
  const samples = new Map<string, BenchResult[]>(modes.map((mode) => [mode, []]));
  for (let round = 0; round <= CHUNK_RUNS; round++) {
    for (const mode of rotate(modes, round)) {
      const result = await load(context, mode);
      if (mode.startsWith('chunks&') && result.upToDate !== true)
        throw new Error(`${mode}: the load was not up to date`);
      if (round > 0) samples.get(mode)?.push(result);
    }
    console.log(`chunk sizes: round ${round}${round === 0 ? ' (warm-up)' : ''} done`);
  }
  const report: Record<string, number> = { chunkRuns: CHUNK_RUNS, chunkWritesPerRun: CHUNK_WRITES };
  const readOf = (results: BenchResult[]) =>
    median(results.map((r) => r.phases?.readMs ?? Number.NaN));
  for (const [index, kib] of CHUNK_KIBS.entries()) {
    const results = samples.get(modes[index] as string) ?? [];
    const writes = results.flatMap((r) => r.writes ?? []);
    const bytes = writes.flatMap((w: WriteSeries) => w.bytesWritten);
    report[`chunks${kib}KibReadMs`] = round2(readOf(results));
    report[`chunks${kib}KibLoadMs`] = round2(median(results.map((r) => r.readyMs)));
    report[`chunks${kib}KibNoteWriteMs`] = round2(median(writes.flatMap((w) => w.ms)));
    report[`chunks${kib}KibNoteWriteBytes`] = median(bytes);
    report[`chunks${kib}KibNoteWriteBytesWorst`] = Math.max(...bytes);
    report[`chunks${kib}KibWholeFileWrites`] = writes.reduce((sum, w) => sum + w.wholeFile, 0);
    report[`chunks${kib}KibOneRequestReadMs`] = round2(
      readOf(samples.get(modes[CHUNK_KIBS.length + index] as string) ?? []),
    );
    const random = samples.get(modes[2 * CHUNK_KIBS.length + index] as string) ?? [];
    const randomWrites = random.flatMap((r) => r.writes ?? []);
    report[`chunks${kib}KibRandomReadMs`] = round2(readOf(random));
    report[`chunks${kib}KibRandomNoteWriteMs`] = round2(median(randomWrites.flatMap((w) => w.ms)));
    const randomBytes = randomWrites.flatMap((w) => w.bytesWritten);
    report[`chunks${kib}KibRandomNoteWriteBytes`] = median(randomBytes);
    report[`chunks${kib}KibRandomNoteWriteBytesWorst`] = Math.max(...randomBytes);
    report[`chunks${kib}KibRandomWholeFileWrites`] = randomWrites.reduce(
      (sum, w) => sum + w.wholeFile,
      0,
    );
  }
  report.chunksOneValueReadMs = round2(readOf(samples.get('floor-worker') ?? []));
  return report;
}

/**
 * The peer: the same 50 MB database in wa-sqlite's IndexedDB VFS beside the library, in rounds of
 * fresh tabs in rotating order: page start to the first query's rows, then one-row writes.
 */
async function measurePeer(context: BrowserContext): Promise<Record<string, number>> {
  const seeded = await load(context, 'wa-sqlite&step=seed', 300_000);
  console.log(`peer: wa-sqlite holds ${(seeded.sizeBytes / 1024 / 1024).toFixed(1)} MB`);
  const modes = ['first-query', 'wa-sqlite&step=first-query'];
  const samples = new Map<string, BenchResult[]>(modes.map((mode) => [mode, []]));
  for (let round = 0; round <= RUNS; round++)
    for (const mode of rotate(modes, round)) {
      const result = await load(context, mode);
      if ((result.phases?.rows ?? 0) !== 20) throw new Error(`${mode}: not the 20 rows asked for`);
      if (round > 0) samples.get(mode)?.push(result);
    }
  const writes = { ours: [] as number[], theirs: [] as number[] };
  for (let round = 0; round < 2; round++)
    for (const [side, mode] of rotate(
      [
        ['ours', `peer-write&runs=${WRITE_RUNS}`],
        ['theirs', `wa-sqlite&step=write&runs=${WRITE_RUNS}`],
      ] as const,
      round,
    ))
      writes[side].push(...((await load(context, mode)).writes?.[0]?.ms ?? []));
  const ready = (mode: string) => median((samples.get(mode) ?? []).map((r) => r.readyMs));
  const ours = ready('first-query');
  const theirs = ready('wa-sqlite&step=first-query');
  const [ourWrite, theirWrite] = [median(writes.ours), median(writes.theirs)];
  return {
    firstQueryMs: round2(ours),
    firstQueryWaSqliteMs: round2(theirs),
    firstQueryVsWaSqliteRatio: round3(ours / theirs),
    ...phaseMedians(
      'firstQueryWaSqlite',
      (samples.get('wa-sqlite&step=first-query') ?? []).map((r) => r.phases),
    ),
    peerWriteMs: round2(ourWrite),
    peerWriteWaSqliteMs: round2(theirWrite),
    noteWriteVsWaSqliteRatio: round3(ourWrite / theirWrite),
  };
}

/**
 * The sizes part: at each of SIZES_MIB, a notes database of that size stored in chunks and as one
 * value; its up-to-date load against both floors, the renderer's growth during one load, and
 * one-note saves against the 1 MB database's. A size that fails says why on the console, and its
 * numbers are left out; every size's database is deleted afterwards.
 */
async function measureSizes(
  context: BrowserContext,
  profileDir: string,
): Promise<Record<string, number>> {
  const report: Record<string, number> = {};
  for (const mib of SIZES_MIB) {
    const database = sizeDatabase(mib);
    try {
      const seeded = await load(context, `size-seed&mib=${mib}`, 900_000);
      const modes = [
        `library&database=${database}`,
        `floor-worker&database=${database}`,
        `floor-worker&floor=chunks&database=${database}`,
      ];
      const samples = new Map<string, BenchResult[]>(modes.map((mode) => [mode, []]));
      for (let round = 0; round <= SIZE_RUNS; round++)
        for (const mode of rotate(modes, round)) {
          const result = await load(context, mode, 300_000);
          if (mode.startsWith('library') && !result.upToDate)
            throw new Error('the library load was not up to date');
          if (round > 0) samples.get(mode)?.push(result);
        }
      const ready = (mode: string) => median((samples.get(mode) ?? []).map((r) => r.readyMs));
      const [library, floor, chunkFloor] = modes.map(ready) as [number, number, number];
      const written = await load(
        context,
        `write&database=${database}&runs=${SIZE_WRITES}`,
        300_000,
      );
      const [large, small] = written.writes ?? [];
      const [largeMs, smallMs] = [median(large?.ms ?? []), median(small?.ms ?? [])];
      const growth = await loadMemory(context, profileDir, database);
      Object.assign(report, {
        [`size${mib}MbBytes`]: seeded.sizeBytes,
        [`load${mib}MbMs`]: round2(library),
        [`load${mib}MbFloorMs`]: round2(floor),
        [`load${mib}MbVsFloorRatio`]: round3(library / floor),
        [`load${mib}MbVsChunkFloorRatio`]: round3(library / chunkFloor),
        [`noteWrite${mib}MbMs`]: round2(largeMs),
        [`noteWrite${mib}MbVs1MbRatio`]: round3(largeMs / smallMs),
        [`noteWriteBytes${mib}MbVs1MbRatio`]: round3(
          median(large?.bytesWritten ?? []) / median(small?.bytesWritten ?? []),
        ),
        [`loadPeakMemoryRatio${mib}Mb`]: round3(growth / seeded.sizeBytes),
      });
      console.log(`size ${mib} MiB: load ${library.toFixed(0)} ms, floor ${floor.toFixed(0)} ms`);
    } catch (error) {
      console.error(`size ${mib} MiB failed: ${error instanceof Error ? error.message : error}`);
      report[`load${mib}MbMs`] = Number.NaN;
    } finally {
      await load(context, `size-drop&mib=${mib}`, 300_000).catch(() => {});
    }
  }
  return report;
}

/** How far the busiest renderer grew during one up-to-date load of `database`. */
async function loadMemory(
  context: BrowserContext,
  profileDir: string,
  database: string,
): Promise<number> {
  const page = await context.newPage();
  try {
    await pageResult(page, `${ORIGIN}/bench/?mode=load-on-demand`);
    // A quiet moment so the memory baseline is not caught mid-collection.
    await page.waitForTimeout(500);
    const { peaks } = await measurePeaks(profileDir, () =>
      page.evaluate(
        (name) => (window.benchLoad as NonNullable<typeof window.benchLoad>)(name),
        database,
      ),
    );
    return rendererGrowth(peaks);
  } finally {
    await page.close();
  }
}

/** Opens one bench page in a new tab, waits for its result, closes the tab. */
function load(context: BrowserContext, mode: string, timeout = 60_000): Promise<BenchResult> {
  return inTab(context, mode, async (_, result) => result, timeout);
}

/**
 * Opens one bench page in a new tab, waits for its result, runs `then` with the tab still open,
 * and closes it.
 */
async function inTab<T>(
  context: BrowserContext,
  mode: string,
  then: (page: Page, result: BenchResult) => Promise<T>,
  timeout = 60_000,
): Promise<T> {
  const page: Page = await context.newPage();
  try {
    return await then(page, await pageResult(page, `${ORIGIN}/bench/?mode=${mode}`, timeout));
  } finally {
    await page.close();
    // Lets the browser finish what a load leaves behind (GC, cache writes) before the next one.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Counts IndexedDB writes as Chromium reports them, from a tab kept open for that. */
async function watchAllIndexedDbWrites(context: BrowserContext) {
  const observer = await context.newPage();
  await observer.goto(`${ORIGIN}/bench/?mode=none`);
  return watchIndexedDbWrites(context, observer, ORIGIN, { database: null });
}

function printTable(report: Record<string, number>): void {
  const targets: Record<string, string> = {
    upToDateLoadRatio: '≤ 1.25',
    upToDateLoadVsChunkFloorRatio: '≤ 1.05',
    idbWritesOnUpToDateLoad: '0',
    noteWrite50MbVs1MbRatio: '≤ 1.5',
    noteWriteBytes50Mb: '≤ 0.01',
    migratingLoadBackupBytesRatio: '≤ 0.05',
    legacyUpgradeVsNativeRatio: '≤ 2.0',
    maxLongTaskMsDuringUpload: '≤ 50',
    peakMemoryRatio: '≤ 2.5',
    peakMemoryRatioWorst: '≤ 3',
    inferenceMs100: '≤ 250',
    bigMigration50kVs5kRatio: '≤ 12',
    fingerprintMs300: '≤ 50',
    diffMs300: '≤ 2000',
    bookkeepingVsMigrationsRatio200: '≤ 1',
    load500MbVsFloorRatio: '≤ 1.25',
    noteWrite500MbVs1MbRatio: '≤ 1.5',
    noteWriteVsWaSqliteRatio: '≤ 1.0',
    firstQueryVsWaSqliteRatio: 'reported',
    kyselySelectVsRawRatio: '≤ 1.2',
    drizzleSelectVsRawRatio: '≤ 1.2',
    interactiveTx100InsertsVsBatchRatio: '≤ 1.5',
    interactiveTxSaves: '1',
    liveQueryLatencyMs: '≤ 50',
  };
  const rows = Object.entries(report).map(([name, value]) => [
    name,
    String(value),
    targets[name] ?? '',
  ]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[['metric', 'value', 'target'], ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(['metric', 'value', 'target']));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(`\nwritten to ${path.relative(process.cwd(), path.join(ROOT, 'bench/report.json'))}`);
}

await main();
