/// <reference lib="webworker" />
// The entry of an upload's worker, off the page's thread: one instance checks and upgrades a copy
// of the person's file, another keeps the upgraded file for download or adoption (see
// `upload-host.ts`). SQLite is loaded only by the one that needs it.
import { expose } from 'comlink';
import { UploadHost } from './upload-host.ts';

expose(new UploadHost());
