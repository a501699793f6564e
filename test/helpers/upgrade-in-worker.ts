import { Worker } from 'node:worker_threads';

/** An upgrade running on a worker thread (see `upgrade-worker.ts`). */
export interface UpgradeInWorker {
  /** Resolves once the migrations run (sql.js loaded, the file opened). */
  started: Promise<void>;
  /** Resolves with the executed migrations' names when the run ends. */
  finished: Promise<string[]>;
  /** The share of the time since `started` that the thread spent running, not waiting (0 to 1). */
  busy(): number;
  stop(): Promise<number>;
}

/** Upgrades `file` with the demo's migrations on a worker thread of its own. */
export function upgradeInWorker(file: Uint8Array): UpgradeInWorker {
  // The worker is TypeScript: tsx's loader is registered on its thread before it is imported.
  const url = new URL('./upgrade-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`,
    { eval: true, workerData: file },
  );
  let since: ReturnType<typeof worker.performance.eventLoopUtilization> | undefined;
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  const message = (key: string) =>
    Promise.race([
      failed,
      new Promise<Record<string, unknown>>((resolve) =>
        worker.on('message', (data: Record<string, unknown>) => {
          if (key in data) resolve(data);
        }),
      ),
    ]);
  return {
    started: message('started').then(() => {
      since = worker.performance.eventLoopUtilization();
    }),
    finished: message('executed').then((data) => data.executed as string[]),
    busy: () => worker.performance.eventLoopUtilization(since).utilization,
    stop: () => worker.terminate(),
  };
}
