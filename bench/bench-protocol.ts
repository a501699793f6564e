/** The stored database every bench page uses. */
export const BENCH_DATABASE = 'bench';

/** What one bench page measured; the runner reads it from `window.benchResult`. */
export interface BenchResult {
  mode: string;
  /** From the page script's first line to the moment the database could be queried. */
  readyMs: number;
  /** The database file's size as the page saw it. */
  sizeBytes: number;
  /** Only for the library: true when the run found nothing to do. */
  upToDate?: boolean;
  /** Only for the library: how long `runMigrations` took inside the load. */
  runMs?: number;
  /** Only for `write`: one note added and saved. */
  writeMs?: number;
  /** Where the load's time went, by phase (ms); `workerBootMs` is page start → worker start. */
  phases?: Phases;
  error?: string;
}

/** Phase times of one load, in milliseconds. */
export type Phases = Record<string, number>;

declare global {
  interface Window {
    benchResult?: BenchResult;
  }
}
