// The inference bench page (`?mode=inference`): detects the version of an untracked database
// against 100 migrations, cold, twice — with the core in a fresh worker of the bench's own, and
// through the upload feature's plan call, in its own fresh worker.
import { upgradeUpload } from '../src/upload.ts';
import type { InferenceBenchResult } from './bench-protocol.ts';
import { hundredMigrations } from './hundred-migrations.ts';
import type { InferenceWorkerReply, InferenceWorkerRequest } from './inference-worker.ts';

export async function runInference(): Promise<InferenceBenchResult> {
  const built = await inWorker({ kind: 'build' });
  const { bytes, schema = '', expectedVersion = '' } = built;
  if (!bytes) throw new Error('the build worker sent no database');
  // `?pause=ms` lets the engine sit idle that long before the clock starts (a diagnostic).
  const pauseMs = Number(new URLSearchParams(location.search).get('pause') ?? 0);
  const detect = (warmEngine: boolean) =>
    inWorker({ kind: 'detect', bytes: bytes.slice(), schema, warmEngine, pauseMs });
  const detected = await detect(false);
  const warm = await detect(true);

  const startedAt = performance.now();
  const session = await upgradeUpload(bytes, {
    migrations: hundredMigrations(),
    schema,
    fileName: 'middle-of-100.db',
  });
  const uploadInspectMs = performance.now() - startedAt;
  const { upgrade: plan, timings } = session.report;
  session.close();
  if (plan.legacyVersion !== expectedVersion)
    throw new Error(`the upload plan placed the database at ${plan.legacyVersion}`);
  return {
    dryRunMs: detected.dryRunMs ?? Number.NaN,
    detectMs: detected.detectMs ?? Number.NaN,
    warmEngineDryRunMs: warm.dryRunMs ?? Number.NaN,
    warmEngineDetectMs: warm.detectMs ?? Number.NaN,
    uploadMigrateMs: timings.migrateMs,
    uploadInspectMs,
    legacyVersion: detected.legacyVersion ?? null,
    expectedVersion,
  };
}

/** Runs one request in a new worker and ends the worker. */
async function inWorker(request: InferenceWorkerRequest): Promise<InferenceWorkerReply> {
  const worker = new Worker(new URL('./inference-worker.ts', import.meta.url), { type: 'module' });
  try {
    const reply = await new Promise<InferenceWorkerReply>((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => resolve({ error: event.message });
      worker.postMessage(request, request.kind === 'detect' ? [request.bytes.buffer] : []);
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply;
  } finally {
    worker.terminate();
  }
}
