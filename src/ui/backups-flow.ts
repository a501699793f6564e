import { type BackupEntry, listBackups, readBackup, restoreBackup } from '../browser.ts';
import { type BackupsViewState, renderBackups } from './backups-view.ts';
import { problemOf } from './problem.ts';
import { saveFile } from './save-file.ts';

/**
 * Wires the backups card to the library: lists the stored backups, downloads one, or restores
 * one (the library takes the lock and tells the other tabs; this tab then reloads onto it).
 * Returns the function that re-reads the list, for after a change elsewhere.
 */
export function startBackupsFlow(
  root: HTMLElement,
  databaseName: string,
  onRestored: () => void,
): () => Promise<void> {
  let state: BackupsViewState = { backups: [], busyId: null, problem: null };
  const update = (change: Partial<BackupsViewState>) => {
    state = { ...state, ...change };
    renderBackups(root, state, actions);
  };
  const attempt = async (backup: BackupEntry, work: () => Promise<void>) => {
    update({ busyId: backup.id, problem: null });
    try {
      await work();
      update({ busyId: null });
    } catch (error) {
      update({ busyId: null, problem: problemOf(error).message });
    }
  };
  const actions = {
    download: (backup: BackupEntry) =>
      void attempt(backup, async () => {
        saveFile(await readBackup(databaseName, backup.id), backupFileName(databaseName, backup));
      }),
    restore: (backup: BackupEntry) =>
      void attempt(backup, async () => {
        await restoreBackup(databaseName, backup.id);
        onRestored();
      }),
  };
  // Reads may finish out of order; only the latest one's list is shown.
  let reads = 0;
  const refresh = async () => {
    const read = ++reads;
    const backups = await listBackups(databaseName);
    if (read === reads) update({ backups });
  };
  update({});
  void refresh();
  return refresh;
}

/** `starpunk-notes-pre-adopt-7.db`: what it is and which generation, for a folder of them. */
function backupFileName(databaseName: string, backup: BackupEntry): string {
  return `${databaseName}-${backup.reason}-${backup.generation}.db`;
}
