import { expose } from 'comlink';
import { carryErrorsAcrossWorkers } from '../../../../src/browser/crossing-errors.ts';
import type { DatabaseEvent, OpenProgress, OpenRequest } from '../../../../src/browser/protocol.ts';
import type { ChunkStore } from '../../../../src/browser/storage/chunk-store.ts';
import { DatabaseHost } from '../../../../src/browser/worker/database-host.ts';
import { WASM_PATH } from '../../../helpers/sqljs.ts';

/** The host, handed the wasm path Node's sql.js reads. */
class NodeHost extends DatabaseHost {
  override open(
    request: OpenRequest,
    onEvent: (event: DatabaseEvent) => void,
    onProgress?: (progress: OpenProgress) => void,
  ) {
    return super.open({ ...request, wasmUrl: WASM_PATH }, onEvent, onProgress);
  }
}

/**
 * A database worker for tests in Node: the real `DatabaseHost`, exposed on one end of a
 * MessageChannel, with the other end standing in for the `Worker` the page would start. Node's
 * sql.js reads its wasm from a path, so the open request is handed that path. `openStore` stands
 * in for IndexedDB.
 */
export function fakeDatabaseWorker(openStore?: (name: string) => ChunkStore): {
  worker: Worker;
  terminated(): boolean;
} {
  carryErrorsAcrossWorkers();
  const channel = new MessageChannel();
  const host = new NodeHost(openStore);
  expose(host, channel.port1);
  let terminated = false;
  const page = channel.port2;
  const worker = {
    postMessage: page.postMessage.bind(page),
    addEventListener: page.addEventListener.bind(page),
    removeEventListener: page.removeEventListener.bind(page),
    start: page.start.bind(page),
    terminate() {
      terminated = true;
      void host.close();
      channel.port1.close();
      page.close();
    },
  } as unknown as Worker;
  return { worker, terminated: () => terminated };
}
