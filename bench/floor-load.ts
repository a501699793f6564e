import { createStore, get, promisifyRequest } from 'idb-keyval';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import {
  chunkKey,
  MANIFEST_KEY,
  type Manifest,
  storeNames,
} from '../src/browser/storage/layout.ts';
import { BENCH_DATABASE, FLOOR_STORE, type Phases } from './bench-protocol.ts';

/** What a floor reads: the whole file as one value, or the library's chunks of it. */
export type FloorKind = 'one-value' | 'chunks';

/**
 * A floor: the least any page must do to get a stored database into sql.js — compile the wasm
 * and read the bytes from IndexedDB (both at once), then open them. No lock, no migration check,
 * no query. `one-value` reads the file of `database` stored whole as one value (`FLOOR_STORE`); `chunks` reads
 * the library's own store of `database` raw (its manifest, then every chunk it names, in one
 * transaction, into one buffer), with no library code. Returns the file's size and where the
 * time went.
 */
export async function loadFloor(
  kind: FloorKind = 'one-value',
  database = BENCH_DATABASE,
): Promise<{ sizeBytes: number; phases: Phases }> {
  const startedAt = performance.now();
  let readAt = Number.NaN;
  const [sql, bytes] = await Promise.all([
    initSqlJs({ locateFile: () => wasmUrl }),
    (kind === 'one-value' ? readOneValue(database) : readChunks(database)).then((file) => {
      readAt = performance.now();
      return file;
    }),
  ]);
  if (bytes === undefined) throw new Error('nothing stored: seed the bench database first');
  const engineAt = performance.now();
  new sql.Database(bytes);
  const openedAt = performance.now();
  return {
    sizeBytes: bytes.byteLength,
    phases: {
      workerStartedAt: performance.timeOrigin,
      startMs: startedAt,
      readMs: readAt - startedAt,
      engineWaitMs: engineAt - readAt,
      openMs: openedAt - engineAt,
    },
  };
}

function readOneValue(database: string): Promise<Uint8Array | undefined> {
  return get<Uint8Array>(database, createStore(FLOOR_STORE.database, FLOOR_STORE.store));
}

/** The library's chunks of `database`, read raw: the manifest, then each chunk into one buffer. */
function readChunks(database: string): Promise<Uint8Array | undefined> {
  const names = storeNames(database);
  return createStore(names.database, names.store)('readonly', async (objects) => {
    const manifest = (await promisifyRequest(objects.get(MANIFEST_KEY))) as Manifest | undefined;
    if (manifest === undefined) return undefined;
    const file = new Uint8Array(manifest.fileSize);
    await Promise.all(
      manifest.chunks.map((version, index) =>
        promisifyRequest<Uint8Array>(objects.get(chunkKey(index, version))).then((chunk) =>
          file.set(chunk, index * manifest.chunkSize),
        ),
      ),
    );
    return file;
  });
}
