/// <reference lib="webworker" />
// The worker of one uploaded file, off the page's thread: one instance checks and upgrades a copy
// of the person's file, another keeps the upgraded file for a download or adoption.
import { expose } from 'comlink';
import { carryErrorsAcrossWorkers } from '../../browser/crossing-errors.ts';
import { UploadHost } from './upload-host.ts';

carryErrorsAcrossWorkers();
expose(new UploadHost());
