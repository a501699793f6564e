/// <reference lib="webworker" />
// The worker entry: the database, IndexedDB and the runner live here, off the page's thread.
import { expose } from 'comlink';
import { DatabaseHost } from './database-host.ts';
import { loadSqlJs } from './sql-loader.ts';

const host = new DatabaseHost();
// The worker's name says which database to open (see openDatabase): start reading it at once,
// and compiling SQLite's wasm, before the page's first call arrives. The read goes first: it is
// the longest part of a load, and setting up the engine holds the thread for a while.
host.start(self.name);
void loadSqlJs().catch(() => {});
expose(host);
