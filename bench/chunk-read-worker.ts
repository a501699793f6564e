/// <reference lib="webworker" />
// The chunk part's other read of a stored file: every chunk version in one `getAll` over the
// chunk keys (the live file's picked out by the manifest), where the library asks for each chunk
// on its own. Timed in a worker, like the library's read, from the request to the file's last byte.
import { createStore, promisifyRequest } from 'idb-keyval';
import type { Manifest } from '../src/browser/storage/layout.ts';

addEventListener('message', async (event: MessageEvent<{ database: string; store: string }>) => {
  try {
    const startedAt = performance.now();
    const file = await createStore(event.data.database, event.data.store)(
      'readonly',
      async (objects) => {
        const range = IDBKeyRange.bound(['chunk', 0, -Infinity], ['chunk', Infinity, Infinity]);
        const [manifest, keys, values] = await Promise.all([
          promisifyRequest(objects.get('manifest')) as Promise<Manifest>,
          promisifyRequest(objects.getAllKeys(range)),
          promisifyRequest(objects.getAll(range)),
        ]);
        const bytes = new Uint8Array(manifest.fileSize);
        for (const [at, key] of keys.entries()) {
          const [, index, version] = key as [string, number, number];
          if (manifest.chunks[index] === version)
            bytes.set(values[at] as Uint8Array, index * manifest.chunkSize);
        }
        return bytes;
      },
    );
    postMessage({ readMs: performance.now() - startedAt, sizeBytes: file.byteLength });
  } catch (error) {
    postMessage({ error: String(error) });
  }
});
