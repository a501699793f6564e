import type { SqlJsStatic } from 'sql.js';
import type { WorkerOpening } from '../protocol.ts';
import {
  type ArrivingFile,
  type ChunkStore,
  memoryChunkStore,
  type StoredFile,
} from '../storage/chunk-store.ts';
import { Coordinator, type LockedRead } from '../tabs/coordinator.ts';
import { loadSqlJs } from './sqlite.ts';

/**
 * A load under way: SQLite compiling, and the coordinator reading the stored file while it asks
 * for the cross-tab lock, all begun at once. A worker whose name says what it opens begins it as
 * its script runs, before the page's open request arrives; otherwise the request begins it.
 */
export interface Opening {
  what: WorkerOpening;
  /** The store it reads, where the tab goes on saving. */
  store: ChunkStore;
  engine: Promise<SqlJsStatic>;
  load: LockedRead<StoredFile>;
  /** The stored file while its chunks are read; undefined when nothing is stored or the read failed. */
  arriving: Promise<ArrivingFile | undefined>;
  /** When it began, on the worker's clock. */
  startedAt: number;
}

/** Begins loading `what`, from the store `openStore` gives (or memory, when asked). */
export function beginOpening(
  what: WorkerOpening,
  openStore: (name: string) => ChunkStore,
): Opening {
  const startedAt = performance.now();
  const engine = loadSqlJs(what.wasmUrl);
  engine.catch(() => {});
  const store = what.storage === 'memory' ? memoryChunkStore() : openStore(what.name);
  let arrived: (arriving: ArrivingFile | undefined) => void = () => {};
  const arriving = new Promise<ArrivingFile | undefined>((resolve) => {
    arrived = resolve;
  });
  // The first read's file: a read again under the lock (another tab saved) is not checked early.
  const load = new Coordinator(what.name, store).load({ onArriving: arrived });
  load.result.then(
    () => arrived(undefined),
    () => arrived(undefined),
  );
  return { what, store, engine, load, arriving, startedAt };
}

/** True when two openings open the same thing the same way. */
export function sameOpening(a: WorkerOpening, b: WorkerOpening): boolean {
  return a.name === b.name && a.storage === b.storage && a.wasmUrl === b.wasmUrl;
}
