// `npm run bench`: builds the bench page, serves it, drives system Chromium, and writes
// bench/report.json (a flat object of named numbers) and a table. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { watchIndexedDbWrites } from '../test/e2e/support/app.ts';
import { chromiumLaunchOptions } from '../test/e2e/support/chromium.ts';
import type { BenchResult } from './bench-protocol.ts';
import { measureBigMigration } from './big-migration-bench.ts';
import { measureFingerprint } from './fingerprint-bench.ts';
import { median, phaseMedians, round2, round3 } from './stats.ts';
import { measureInference, measureUpload } from './upload-measure.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, '.tmp/bench');
const PORT = 4327;
const ORIGIN = `http://127.0.0.1:${PORT}`;
/** Measured loads per mode (after one warm-up each); medians are reported. */
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WRITE_RUNS = 3;
/** Measured rounds of the upload and of cold detection (after one warm-up each). */
const UPLOAD_RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 5);
/** `BENCH_ONLY=upload,inference` (any of load, upload, inference, big-migration, fingerprint). */
const PARTS = new Set(
  (process.env.BENCH_ONLY ?? 'load,upload,inference,big-migration,fingerprint').split(','),
);

async function main(): Promise<void> {
  // The native sqlite3 shell is the upload's yardstick; install it (and Chromium) where missing.
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
      ...(PARTS.has('load') && (await withBrowser('profile', (context) => measure(context)))),
      // A browser of its own, so the load half's open tabs and 50 MB database weigh on neither
      // the upload's memory nor its timings.
      ...((PARTS.has('upload') || PARTS.has('inference')) &&
        (await withBrowser('profile-upload', async (context, profileDir) => {
          const setup = { context, origin: ORIGIN, profileDir, workDir: WORK, runs: UPLOAD_RUNS };
          return {
            ...(PARTS.has('upload') && (await measureUpload(setup))),
            ...(PARTS.has('inference') && (await measureInference(setup))),
          };
        }))),
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
  try {
    return await work(context, profileDir);
  } finally {
    await context.close();
  }
}

async function measure(context: BrowserContext): Promise<Record<string, number>> {
  const seeded = await load(context, 'seed', 300_000);
  console.log(
    `seeded ${(seeded.sizeBytes / 1024 / 1024).toFixed(1)} MB in ${(seeded.readyMs / 1000).toFixed(1)} s`,
  );

  const writes = await watchAllIndexedDbWrites(context);
  const samples: Record<'library' | 'floor-worker' | 'floor-page', BenchResult[]> = {
    library: [],
    'floor-worker': [],
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
  const writeSamples: number[] = [];
  for (let run = 0; run < WRITE_RUNS; run++)
    writeSamples.push((await load(context, 'write')).writeMs ?? Number.NaN);

  const library = median(samples.library.map((s) => s.readyMs));
  const floorWorker = median(samples['floor-worker'].map((s) => s.readyMs));
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
    databaseBytes: seeded.sizeBytes,
    runs: RUNS,
    upToDateLoadMs: round2(library),
    floorMs: round2(floorWorker),
    upToDateLoadRatio: round3(library / floorWorker),
    floorOnPageMs: round2(floorPage),
    upToDateLoadRatioVsFloorOnPage: round3(library / floorPage),
    upToDateRunMigrationsMs: round2(median(samples.library.map((s) => s.runMs ?? Number.NaN))),
    idbWritesOnUpToDateLoad: Math.max(...writesPerLibraryLoad),
    noteWriteMs: round2(median(writeSamples)),
    seedMs: Math.round(seeded.readyMs),
  };
}

/** Opens one bench page in a new tab, waits for its result, closes the tab. */
async function load(context: BrowserContext, mode: string, timeout = 60_000): Promise<BenchResult> {
  const page: Page = await context.newPage();
  try {
    await page.goto(`${ORIGIN}/bench/?mode=${mode}`);
    await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout });
    const result = (await page.evaluate(() => window.benchResult)) as BenchResult;
    if (result.error !== undefined) throw new Error(`${mode}: ${result.error}`);
    return result;
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
    upToDateLoadRatio: '≤ 1.05',
    idbWritesOnUpToDateLoad: '0',
    legacyUpgradeVsNativeRatio: '≤ 2.0',
    maxLongTaskMsDuringUpload: '≤ 50',
    peakMemoryRatio: '≤ 3',
    inferenceMs100: '≤ 250',
    bigMigration50kVs5kRatio: '≤ 12',
    fingerprintMs300: '≤ 50',
    bookkeepingVsMigrationsRatio200: '≤ 1',
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

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

await main();
