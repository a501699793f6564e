// Upgrades a database file with the demo's migrations on a Node worker thread, so that a test
// can watch a run that never ends and stop it (`worker.terminate()`): sql.js runs a migration
// synchronously, and nothing on its own thread can interrupt it. Started by `upgradeInWorker`.
import { parentPort, workerData } from 'node:worker_threads';
import { runMigrations } from '../../src/index.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from './demo-migrations.ts';
import { memoryDatabase } from './sqljs.ts';

const db = memoryDatabase(workerData as Uint8Array);
parentPort?.postMessage({ started: true });
const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
parentPort?.postMessage({ executed: report.executed });
