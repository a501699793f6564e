/// <reference lib="webworker" />
// The worker that owns the database: sql.js, the runner and IndexedDB live here, off the page.
import { expose } from 'comlink';
import { DatabaseHost } from './database-host.ts';
import { carryErrorsAcrossWorkers } from './protocol.ts';

carryErrorsAcrossWorkers();
expose(new DatabaseHost());
