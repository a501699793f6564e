import { proxy, type Remote } from 'comlink';
import type { SerializedError, SqlValue } from '../../index.ts';
import { reviveError } from '../crossing-errors.ts';
import type { DatabaseWorkerApi, LiveQueryListener, Row, RowMode } from '../protocol.ts';

/** How a live query reports. */
export interface LiveQueryOptions<T> {
  /** Hears the rows: at once, then each time they differ after a change. */
  onRows(rows: T[]): void;
  /**
   * Hears the error that ended the query, once (its SQL failed when it started, or after a change:
   * a table dropped by a migration, say); it is not run again after that. By default the error
   * is reported as unhandled.
   */
  onError?: ((error: Error) => void) | undefined;
  /** Rows as objects by column name (the default) or as arrays in column order. */
  rowMode?: RowMode | undefined;
}

/**
 * Starts a live query in the worker: its rows now, and again after every committed change that
 * can affect them, this tab's or another tab's. Returns how to stop it.
 */
export function startLiveQuery<T>(
  call: <R>(work: (api: Remote<DatabaseWorkerApi>) => Promise<R>) => Promise<R>,
  sql: string,
  params: SqlValue[] | undefined,
  options: LiveQueryOptions<T>,
): () => void {
  let stopped = false;
  const fail = (error: Error) => {
    if (stopped) return;
    stopped = true;
    if (options.onError === undefined)
      queueMicrotask(() => {
        throw error;
      });
    else options.onError(error);
  };
  const listener: LiveQueryListener = proxy({
    rows(rows: Row[] | SqlValue[][]) {
      if (!stopped) options.onRows(rows as T[]);
    },
    failed: (data: SerializedError) => fail(reviveError(data)),
  });
  const started = call((api) => api.live({ sql, params }, options.rowMode ?? 'object', listener));
  started.catch((error: unknown) =>
    fail(error instanceof Error ? error : new Error(String(error))),
  );
  return () => {
    stopped = true;
    started.then((id) => call((api) => api.stopLive(id))).catch(() => {});
  };
}
