import { createStore, get } from 'idb-keyval';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { FLOOR_STORE, type Phases } from './bench-protocol.ts';

/**
 * The floor: the least any page must do to get a stored database into sql.js — compile the
 * wasm and read the bytes from IndexedDB (both at once), then open them. No lock, no migration
 * check, no query. Returns the image's size and where the time went.
 */
export async function loadFloor(): Promise<{ sizeBytes: number; phases: Phases }> {
  const startedAt = performance.now();
  let readAt = Number.NaN;
  const [sql, bytes] = await Promise.all([
    initSqlJs({ locateFile: () => wasmUrl }),
    get<Uint8Array>(FLOOR_STORE.key, createStore(FLOOR_STORE.database, FLOOR_STORE.store)).then(
      (image) => {
        readAt = performance.now();
        return image;
      },
    ),
  ]);
  if (bytes === undefined) throw new Error('nothing stored: seed the bench database first');
  const engineAt = performance.now();
  new sql.Database(bytes);
  const openedAt = performance.now();
  return {
    sizeBytes: bytes.byteLength,
    phases: {
      workerStartedAt: performance.timeOrigin,
      readMs: readAt - startedAt,
      engineWaitMs: engineAt - readAt,
      openMs: openedAt - engineAt,
    },
  };
}
