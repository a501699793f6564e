/// <reference lib="webworker" />
// The worker that owns the database: sql.js, the runner and IndexedDB live here, off the page.
import { expose } from 'comlink';
import { carryErrorsAcrossWorkers } from '../crossing-errors.ts';
import { openingOf } from '../protocol.ts';
import { indexedDbChunkStore } from '../storage/chunk-store.ts';
import { DatabaseHost } from './database-host.ts';

carryErrorsAcrossWorkers();
// The worker's name says what it opens: the read, the lock and SQLite begin now, not when the
// page's request arrives.
expose(new DatabaseHost(indexedDbChunkStore, openingOf(self.name)));
