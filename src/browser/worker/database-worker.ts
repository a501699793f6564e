/// <reference lib="webworker" />
// The worker that owns the database: sql.js, the runner and IndexedDB live here, off the page.
import { expose } from 'comlink';
import { carryErrorsAcrossWorkers } from '../crossing-errors.ts';
import { DatabaseHost } from './database-host.ts';

carryErrorsAcrossWorkers();
expose(new DatabaseHost());
