import type { SqlJsStatic } from 'sql.js';
import type { WorkerOpening } from '../protocol.ts';
import { type ChunkStore, memoryChunkStore, type StoredFile } from '../storage/chunk-store.ts';
import { Coordinator, type LockedRead } from '../tabs/coordinator.ts';
import { loadSqlJs } from './sqlite.ts';

/**
 * A load under way: SQLite compiling, and the coordinator reading the stored file while it asks
 * for the cross-tab lock, all begun at once. A worker whose name says what it opens begins it as
 * its script runs, before the page's open request arrives; otherwise the request begins it.
 */
export interface Opening {
  what: WorkerOpening;
  /** The coordinator of the store it reads, through which the tab goes on saving. */
  coordinator: Coordinator;
  engine: Promise<SqlJsStatic>;
  load: LockedRead<StoredFile>;
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
  const coordinator = new Coordinator(what.name, store);
  return { what, coordinator, engine, load: coordinator.load(), startedAt };
}

/** True when two openings open the same thing the same way. */
export function sameOpening(a: WorkerOpening, b: WorkerOpening): boolean {
  return a.name === b.name && a.storage === b.storage && a.wasmUrl === b.wasmUrl;
}
