// The upload half of `npm run bench`: the 50 MB legacy upgrade in the page against the native
// shell, the page's longest task and the browser's peak memory meanwhile, and cold detection
// against 100 migrations. See bench/README.md for what each number means.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { type InferenceBenchResult, SIZES_MIB, type UploadBenchResult } from './bench-protocol.ts';
import { buildLegacyFile, LEGACY_ROWS, timeNativeUpgrade, upgradeSql } from './legacy-file.ts';
import {
  type MemorySample,
  measurePeaks,
  type ProcessPeak,
  rendererGrowth,
} from './process-memory.ts';
import { median, phaseMedians, round2, round3 } from './stats.ts';

/** Where the runner's pages live, and the profile the browser runs on (to find its processes). */
export interface UploadBenchSetup {
  context: BrowserContext;
  origin: string;
  profileDir: string;
  /** A folder for the legacy file and the native shell's copies. */
  workDir: string;
  /** Measured rounds (after one warm-up of each side). */
  runs: number;
}

/** One round of the page: what the page reported and the browser's memory meanwhile. */
interface UploadRound {
  result: UploadBenchResult;
  peaks: ProcessPeak[];
  samples: MemorySample[];
}

export async function measureUpload(setup: UploadBenchSetup): Promise<Record<string, number>> {
  const legacyFile = path.join(setup.workDir, 'legacy-50mb.db');
  const fileBytes = buildLegacyFile(legacyFile);
  console.log(`legacy file: ${(fileBytes / 1024 / 1024).toFixed(1)} MB, ${LEGACY_ROWS} rows`);
  const sql = upgradeSql();
  const copy = path.join(setup.workDir, 'native-copy.db');

  const native: number[] = [];
  const rounds: UploadRound[] = [];
  for (let round = 0; round <= setup.runs; round++) {
    // Alternating which side goes first spreads any drift (page cache, CPU heat) over both.
    const sides = round % 2 === 0 ? ['native', 'page'] : ['page', 'native'];
    for (const side of sides) {
      if (side === 'native') {
        const ms = timeNativeUpgrade(legacyFile, copy, sql);
        if (round > 0) native.push(ms);
      } else {
        const measured = await uploadOnce(setup, legacyFile);
        if (round > 0) rounds.push(measured);
      }
    }
    console.log(`upload round ${round}${round === 0 ? ' (warm-up)' : ''} done`);
  }

  const first = rounds[0]?.result;
  if (first?.state !== 'legacy' || first.executed.length !== 3)
    throw new Error(`the upload did not run the three bench migrations: ${JSON.stringify(first)}`);
  const results = rounds.map((round) => round.result);
  const nativeMs = median(native);
  const pageMs = median(results.map((r) => r.upgradeMs));
  const totalMs = median(results.map((r) => r.totalMs));
  const rendererRatios = rounds.map(
    (round) => rendererGrowth(round.peaks) / round.result.sizeBytes,
  );
  const allRatios = rounds.map((round) => allGrowth(round.peaks) / round.result.sizeBytes);
  const longest = results.map((r) => r.maxLongTaskMs);
  return {
    legacyFileBytes: fileBytes,
    legacyRows: LEGACY_ROWS,
    uploadRuns: setup.runs,
    legacyUpgradeNativeMs: round2(nativeMs),
    legacyUpgradePageMs: round2(pageMs),
    // Each round's page time over the same round's native time: a slow spell of the machine
    // then weighs on both sides of one ratio instead of on one side of the medians.
    legacyUpgradeVsNativeRatio: round3(
      median(results.map((r, i) => r.upgradeMs / (native[i] as number))),
    ),
    uploadInspectMs: round2(median(results.map((r) => r.inspectMs))),
    uploadAdoptMs: round2(median(results.map((r) => r.adoptMs))),
    uploadTotalMs: round2(totalMs),
    uploadTotalVsNativeRatio: round3(
      median(results.map((r, i) => r.totalMs / (native[i] as number))),
    ),
    ...phaseMedians(
      'upload',
      results.map((r) => r.phases),
      'Ms',
    ),
    upgradedFileBytes: first.upgradedBytes,
    upgradedInPlaceRounds: results.filter((r) => r.upgradedInPlace).length,
    maxLongTaskMsDuringUpload: round2(median(longest)),
    maxLongTaskMsDuringUploadWorst: round2(Math.max(...longest)),
    longTasksDuringUpload: median(results.map((r) => r.longTasks)),
    peakMemoryRatio: round3(median(rendererRatios)),
    peakMemoryRatioWorst: round3(Math.max(...rendererRatios)),
    peakRendererGrowthMb: round2(
      median(rounds.map((round) => rendererGrowth(round.peaks))) / 1024 / 1024,
    ),
    peakMemoryRatioAllProcesses: round3(median(allRatios)),
    ...phasePeaks(rounds),
  };
}

/**
 * The upload of a legacy file of each of the sizes part's sizes but 50 MiB (the upload part's own):
 * one round each, its time against the native shell's and its peak memory. A size that fails says
 * why on the console and reports nothing.
 */
export async function measureSizeUploads(setup: UploadBenchSetup): Promise<Record<string, number>> {
  const report: Record<string, number> = {};
  for (const mib of SIZES_MIB.filter((size) => size !== 50)) {
    const file = path.join(setup.workDir, `legacy-${mib}mib.db`);
    const copy = path.join(setup.workDir, 'native-copy.db');
    try {
      const bytes = buildLegacyFile(file, Math.round((LEGACY_ROWS * mib) / 50));
      const native = timeNativeUpgrade(file, copy, upgradeSql());
      const round = await uploadOnce(setup, file, UPLOAD_TIMEOUT_MS * (mib / 50));
      report[`upload${mib}MbBytes`] = bytes;
      report[`upload${mib}MbMs`] = round2(round.result.totalMs);
      report[`upload${mib}MbUpgradeVsNativeRatio`] = round3(round.result.upgradeMs / native);
      report[`peakMemoryRatio${mib}Mb`] = round3(rendererGrowth(round.peaks) / bytes);
      console.log(`upload of ${mib} MiB: ${(round.result.totalMs / 1000).toFixed(1)} s`);
    } catch (error) {
      console.error(
        `upload of ${mib} MiB failed: ${error instanceof Error ? error.message : error}`,
      );
      report[`upload${mib}MbMs`] = Number.NaN;
    } finally {
      rmSync(file, { force: true });
      rmSync(copy, { force: true });
    }
  }
  return report;
}

/** One upload in a fresh tab: the file picked, the store emptied, then the timed run. */
async function uploadOnce(
  setup: UploadBenchSetup,
  legacyFile: string,
  timeoutMs = UPLOAD_TIMEOUT_MS,
): Promise<UploadRound> {
  const page = await setup.context.newPage();
  try {
    await page.goto(`${setup.origin}/bench/?mode=upload`);
    await page.setInputFiles('#upload-file', legacyFile);
    await waitFor(page, 'benchUploadReady');
    // A quiet moment so the memory baseline is not caught mid-collection.
    await page.waitForTimeout(500);
    const { result, peaks, samples } = await measurePeaks(setup.profileDir, () =>
      withTimeout(
        page.evaluate(() => (window.benchUpload as () => Promise<UploadBenchResult>)()),
        timeoutMs,
        async () =>
          `the upload did not finish in ${timeoutMs / 1000} s (stuck in its ${await stepOf(page)} step)`,
      ),
    );
    return { result, peaks, samples };
  } finally {
    await page.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function measureInference(setup: UploadBenchSetup): Promise<Record<string, number>> {
  const results: InferenceBenchResult[] = [];
  for (let round = 0; round <= setup.runs; round++) {
    const page = await setup.context.newPage();
    try {
      await page.goto(
        `${setup.origin}/bench/?mode=inference${process.env.BENCH_PAUSE ? `&pause=${process.env.BENCH_PAUSE}` : ''}`,
      );
      await waitFor(page, 'benchInference');
      const result = await page.evaluate(() =>
        (window.benchInference as () => Promise<InferenceBenchResult>)(),
      );
      if (result.legacyVersion !== result.expectedVersion)
        throw new Error(
          `detection placed the database at ${result.legacyVersion}, not ${result.expectedVersion}`,
        );
      if (round > 0) results.push(result);
    } finally {
      await page.close();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    // The metric is the detection itself; the whole dry run around it is reported beside.
    inferenceMs100: round2(median(results.map((r) => r.detectMs))),
    inferenceDryRunMs100: round2(median(results.map((r) => r.dryRunMs))),
    inferenceWarmEngineMs100: round2(median(results.map((r) => r.warmEngineDryRunMs))),
    inferenceWarmEngineDetectMs100: round2(median(results.map((r) => r.warmEngineDetectMs))),
    inferenceUploadPlanMs100: round2(median(results.map((r) => r.uploadMigrateMs))),
    inferenceUploadInspectMs100: round2(median(results.map((r) => r.uploadInspectMs))),
  };
}

/**
 * The busiest renderer's growth over its size before the run, at its highest within each step
 * (from the samples taken every few milliseconds), in MB: which step reaches the peak.
 */
function phasePeaks(rounds: UploadRound[]): Record<string, number> {
  const steps = [
    ['Inspect', 'startedAt', 'inspectedAt'],
    ['Upgrade', 'inspectedAt', 'upgradedAt'],
    ['Adopt', 'upgradedAt', 'adoptedAt'],
  ] as const;
  const perRound = rounds.map((round) => {
    const busiest = round.peaks
      .filter((p) => p.type === 'renderer')
      .sort((a, b) => b.peakBytes - b.beforeBytes - (a.peakBytes - a.beforeBytes))[0];
    if (!busiest) return steps.map(() => Number.NaN);
    return steps.map(([, from, to]) => {
      const within = round.samples.filter(
        (s) => s.at >= round.result.marks[from] && s.at <= round.result.marks[to],
      );
      const highest = Math.max(...within.map((s) => s.residentBytes.get(busiest.pid) ?? 0));
      return (highest - busiest.beforeBytes) / 1024 / 1024;
    });
  });
  return Object.fromEntries(
    steps.map(([name], index) => [
      `peakRendererGrowthDuring${name}Mb`,
      round2(median(perRound.map((values) => values[index] as number))),
    ]),
  );
}

/** Every process's growth added up: an upper bound, since their peaks need not coincide. */
function allGrowth(peaks: ProcessPeak[]): number {
  return peaks.reduce((sum, p) => sum + Math.max(0, p.peakBytes - p.beforeBytes), 0);
}

/** Longer than any upload of the bench file takes, even on a busy machine. */
const UPLOAD_TIMEOUT_MS = 120_000;

/** The step the upload page says it is in; "unknown" when a hung or crashed page cannot say. */
async function stepOf(page: Page): Promise<string> {
  const asked = page.evaluate(() => window.benchUploadStep ?? 'unknown').catch(() => 'unknown');
  const unanswered = new Promise<string>((resolve) => setTimeout(() => resolve('unknown'), 5000));
  return Promise.race([asked, unanswered]);
}

/** `work`, or an error saying what `explain` finds if it takes longer than `ms`. */
async function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  explain: () => Promise<string>,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      explain().then(
        (message) => reject(new Error(message)),
        (error: unknown) => reject(error),
      );
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the page sets `flag`, failing at once with the page's own error if it reports one. */
async function waitFor(page: Page, flag: 'benchUploadReady' | 'benchInference'): Promise<void> {
  await page.waitForFunction(
    (name) =>
      window.benchResult?.error !== undefined ||
      Boolean((window as unknown as Record<string, unknown>)[name]),
    flag,
    { timeout: 60_000 },
  );
  const error = await page.evaluate(() => window.benchResult?.error);
  if (error !== undefined) throw new Error(error);
}
