import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Memory of the Chromium the bench drives, as Linux accounts it: each process's resident set
 * (`VmRSS`) and its peak (`VmHWM`), read from /proc. Writing `5` to a process's `clear_refs`
 * resets its peak to its current size (Linux ≥ 4.0), so a peak read after some work is the
 * highest the process reached during that work, as far as the kernel has noted it; the renderers
 * are also sampled every few milliseconds, and the higher of the two counts.
 * The page and its dedicated workers share one renderer process, so the renderer's peak covers
 * the page's JavaScript heap, the workers' heaps and their WebAssembly memories together.
 */

/**
 * One process of the browser: its id and Chromium's `--type` (`browser` for the main one), with
 * the service a utility process runs (`utility:StorageService`, where IndexedDB lives).
 */
export interface ChromiumProcess {
  pid: number;
  type: string;
}

/** The browser process started with `--user-data-dir=<profile>`, and all its descendants. */
export function chromiumProcesses(profileDir: string): ChromiumProcess[] {
  const parents = new Map<number, number>();
  const types = new Map<number, string>();
  let browser: number | undefined;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    // Chromium rewrites its child processes' titles, which joins their arguments with spaces.
    const cmdline = readOrEmpty(`/proc/${pid}/cmdline`).split(/[\0 ]/);
    const status = readOrEmpty(`/proc/${pid}/status`);
    const parent = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    if (parent === undefined) continue;
    parents.set(pid, Number(parent));
    const type = cmdline.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
    const service = cmdline
      .find((arg) => arg.startsWith('--utility-sub-type='))
      ?.replace(/^.*\.mojom\./, '');
    types.set(pid, service ? `${type}:${service}` : (type ?? 'browser'));
    if (type === undefined && cmdline.includes(`--user-data-dir=${profileDir}`)) browser = pid;
  }
  if (browser === undefined) throw new Error(`no Chromium running with the profile ${profileDir}`);
  const isOurs = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at))
      if (at === browser) return true;
    return false;
  };
  return [...parents.keys()]
    .filter(isOurs)
    .map((pid) => ({ pid, type: types.get(pid) ?? 'unknown' }));
}

/** What one process used during some work, in bytes. */
export interface ProcessPeak extends ChromiumProcess {
  /** Resident before the work started. */
  beforeBytes: number;
  /** The highest it was resident during the work. */
  peakBytes: number;
}

/** One reading of the renderers' resident sizes, at a time on the epoch clock (ms). */
export interface MemorySample {
  at: number;
  /** Resident bytes by process id. */
  residentBytes: Map<number, number>;
}

/** How often the renderers are read during the work, to tell which phase reached the peak. */
const SAMPLE_EVERY_MS = 10;

/**
 * Runs `work` and returns each browser process's resident size before it and peak during it
 * (a process that appears during the work counts from zero), and the renderers' resident sizes
 * read every few milliseconds meanwhile.
 */
export async function measurePeaks<T>(
  profileDir: string,
  work: () => Promise<T>,
): Promise<{ result: T; peaks: ProcessPeak[]; samples: MemorySample[] }> {
  const before = new Map<number, ChromiumProcess & { rss: number }>();
  for (const found of chromiumProcesses(profileDir)) {
    resetPeak(found.pid);
    before.set(found.pid, { ...found, rss: statusKb(found.pid, 'VmRSS') * 1024 });
  }
  const renderers = [...before.values()].filter((found) => found.type === 'renderer');
  const samples: MemorySample[] = [];
  const sample = () =>
    samples.push({
      at: Date.now(),
      residentBytes: new Map(renderers.map((r) => [r.pid, statusKb(r.pid, 'VmRSS') * 1024])),
    });
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
  }
  const peaks: ProcessPeak[] = [];
  for (const found of chromiumProcesses(profileDir)) {
    const hwm = statusKb(found.pid, 'VmHWM') * 1024;
    if (Number.isNaN(hwm)) continue;
    // Linux folds the resident size into the peak only at some events (unmapping, exit), so a
    // peak that was freed again by other means can read low: a sample above it counts instead.
    const sampled = samples.map((s) => s.residentBytes.get(found.pid) ?? 0);
    const peak = Math.max(hwm, ...sampled);
    peaks.push({ ...found, beforeBytes: before.get(found.pid)?.rss ?? 0, peakBytes: peak });
  }
  return { result, peaks, samples };
}

function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch (error) {
    throw new Error(
      `cannot reset the peak memory of process ${pid} (${String(error)}): the bench must run as the user who owns Chromium, on Linux 4.0 or later`,
    );
  }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readOrEmpty(`/proc/${pid}/status`));
  return match ? Number(match[1]) : Number.NaN;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // The process ended between the listing and the read.
    return '';
  }
}

/** The renderer that grew the most: the one hosting the bench page and its workers. */
export function rendererGrowth(peaks: readonly ProcessPeak[]): number {
  return Math.max(
    0,
    ...peaks.filter((p) => p.type === 'renderer').map((p) => p.peakBytes - p.beforeBytes),
  );
}
