/**
 * sqljs-migrate's upload: check a SQLite file a person picks, upgrade a copy of it in a worker of
 * its own, then download or adopt the result. A separate entry from `sqljs-migrate/browser`, so
 * an app that never uploads never ships the upload worker.
 *
 * @example
 * import { upgradeUpload } from 'sqljs-migrate/upload';
 *
 * const upload = await upgradeUpload(file, { migrations });
 * console.log(upload.report.upgrade.executed);
 * await upload.keep();
 * await upload.adopt('notes');
 * upload.close();
 */
export { isUploadError, UploadError, type UploadErrorCode } from './browser/errors.ts';
export type {
  AdoptResult,
  KeptUpload,
  TableSummary,
  UploadCheck,
  UploadReport,
} from './upload/protocol.ts';
export {
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_UPLOAD_TIMEOUT_MS,
  type UploadOptions,
  type UploadSession,
  upgradeUpload,
} from './upload/upgrade-upload.ts';
export { upgradedFileName } from './upload/upgraded-file-name.ts';
