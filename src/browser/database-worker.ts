/// <reference lib="webworker" />
// The worker entry: the database, IndexedDB and the runner live here, off the page's thread.
import { expose } from 'comlink';
import { DatabaseHost } from './database-host.ts';

expose(new DatabaseHost());
