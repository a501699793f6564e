import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from './output.ts';
import { type InMemoryRequest, migrateInMemory, type WorkerMessage } from './run-in-memory.ts';

/**
 * The worker `migrateWithin` starts when a run has a time limit: it runs the migration as the
 * command would on its own thread, and reports progress and the outcome to its parent, which ends
 * it if the limit passes first. The migrated bytes are handed over, not copied.
 */
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  parentPort?.postMessage(message, transfer);

post({ kind: 'started' });
try {
  const result = await migrateInMemory(workerData as InMemoryRequest, (line) =>
    post({ kind: 'progress', line }),
  );
  post({ kind: 'done', result }, result.bytes ? [result.bytes.buffer as ArrayBuffer] : []);
} catch (error) {
  post({ kind: 'failed', error: serializeError(error) });
}
