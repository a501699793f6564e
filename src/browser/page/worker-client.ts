import { type Remote, releaseProxy, wrap } from 'comlink';
import { type Migration, splitMigrationFiles } from '../../index.ts';
import { notCreated, refusedByWorkerSrc, watchWorkerSrc } from './start-failure.ts';

/**
 * The page's side of a worker: starting it, calling it without ever waiting on a worker that is
 * gone, and preparing what the page hands it.
 */

/** A started worker, its API, and how it ends. */
export interface StartedWorker<Api> {
  /**
   * Calls the worker; rejects with the `failed` error as soon as the worker fails to load its
   * script or dies with an error, so no call waits forever on a worker that is gone.
   */
  call<T>(work: (api: Remote<Api>) => Promise<T>): Promise<T>;
  /** Ends the worker; calls made afterwards reject with the `stopped` error. */
  stop(): void;
}

/** A kind of worker: what messages call it, and the errors its calls reject with. */
export interface WorkerKind {
  /** Names the worker in messages: `The database worker`. */
  what: string;
  /** The worker could not be created, failed to load, or died with an error. */
  failed(message: string, cause?: unknown): Error;
  /** The worker was ended. */
  stopped(message: string): Error;
}

/** Starts a worker (`create`) and watches it for the failures Comlink alone would wait on forever. */
export function startWorker<Api>(create: () => Worker, kind: WorkerKind): StartedWorker<Api> {
  const { what } = kind;
  // The calls in flight, rejected at once when the worker fails: each call holds only its own
  // entry, for as long as it runs (racing every call against one long-lived promise would keep a
  // reaction per call on it for the worker's whole life).
  const inFlight = new Set<(error: Error) => void>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const reject of inFlight) reject(failure);
    inFlight.clear();
  };
  const workerSrc = watchWorkerSrc();
  let worker: Worker;
  try {
    worker = create();
  } catch (error) {
    workerSrc.stop();
    fail(kind.failed(notCreated(what, error), error));
    return { call: () => Promise.reject(failure), stop() {} };
  }
  const api = wrap<Api>(worker);
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    const said = event instanceof ErrorEvent && event.message !== '' ? `: ${event.message}` : '';
    fail(
      kind.failed(
        workerSrc.seen()
          ? refusedByWorkerSrc(what)
          : `${what} failed to start or stopped with an error${said} (its script, or a module it imports, could not be loaded or run).`,
      ),
    );
  });
  worker.addEventListener('messageerror', () =>
    fail(kind.failed(`${what} sent a message that could not be read.`)),
  );
  return {
    call: (work) =>
      new Promise((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        inFlight.add(reject);
        work(api)
          .then(resolve, reject)
          .finally(() => inFlight.delete(reject));
      }),
    stop() {
      workerSrc.stop();
      fail(kind.stopped(`${what} was stopped.`));
      api[releaseProxy]();
      worker.terminate();
    },
  };
}

/**
 * An app's migrations as the runner takes them: from a Vite raw glob of the folder (file path →
 * SQL, `schema.sql` included) or from a list with the schema beside it. Throws `MigrationError`
 * for a bad file name.
 */
export function migrationSet(
  migrations: Record<string, string> | Migration[],
  schema: string | undefined,
): { migrations: Migration[]; schema: string | undefined } {
  if (Array.isArray(migrations)) return { migrations, schema };
  const split = splitMigrationFiles(migrations);
  return { migrations: split.migrations, schema: split.schema ?? schema };
}

/** A URL the page was given, made absolute against the page, as a worker needs it. */
export function absoluteUrl(url: string | URL | undefined): string | undefined {
  return url === undefined ? undefined : new URL(url, location.href).href;
}
