/// <reference lib="webworker" />
// The entry of an upload's worker: the person's file is checked, dry-run and upgraded here, off
// the page's thread, one file per worker (the page ends the worker when the file is done with).
import { expose } from 'comlink';
import { loadSqlJs } from '../sql-loader.ts';
import { UploadHost } from './upload-host.ts';

// Compiling SQLite's wasm starts now, while the page is still sending the file.
void loadSqlJs().catch(() => {});
expose(new UploadHost());
