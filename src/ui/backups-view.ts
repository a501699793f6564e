import type { BackupEntry } from '../browser.ts';
import { el, replaceChildren } from './dom.ts';
import { formatBytes } from './format.ts';
import { describeBackupReason } from './upload-format.ts';

/** What the backups card shows; it renders this and decides nothing. */
export interface BackupsViewState {
  backups: BackupEntry[];
  /** The backup being restored or read, while that runs. */
  busyId: string | null;
  problem: string | null;
}

/** What the backups card's buttons ask for. */
export interface BackupsActions {
  download(backup: BackupEntry): void;
  restore(backup: BackupEntry): void;
}

/** Renders the stored backups, newest first, each with a download and a restore button. */
export function renderBackups(
  root: HTMLElement,
  state: BackupsViewState,
  actions: BackupsActions,
): void {
  replaceChildren(
    root,
    el('h2', {}, 'Backups'),
    el(
      'p',
      { className: 'muted' },
      'The database as it was before each migration, adopted upload and restore (the last few).',
    ),
    state.problem === null
      ? null
      : el(
          'p',
          { testid: 'backup-error', className: 'error-line', attrs: { role: 'alert' } },
          state.problem,
        ),
    state.backups.length === 0
      ? el('p', { testid: 'backup-empty', className: 'muted' }, 'No backups yet.')
      : el(
          'ul',
          { testid: 'backup-list', className: 'backups' },
          ...state.backups.map((backup) => backupItem(backup, state.busyId, actions)),
        ),
  );
}

function backupItem(backup: BackupEntry, busyId: string | null, actions: BackupsActions) {
  const busy = busyId !== null;
  return el(
    'li',
    {
      testid: 'backup',
      attrs: {
        'data-id': backup.id,
        'data-reason': backup.reason,
        'data-size': backup.sizeBytes,
        'data-generation': backup.generation,
      },
    },
    el('span', { className: 'name' }, describeBackupReason(backup.reason)),
    el(
      'span',
      { className: 'meta' },
      `${formatBytes(backup.sizeBytes)} · ${new Date(backup.createdAt).toLocaleString()} · generation ${backup.generation}`,
    ),
    el(
      'span',
      { className: 'actions' },
      el(
        'button',
        {
          testid: 'backup-download',
          className: 'link',
          attrs: { type: 'button', disabled: busy },
          on: { click: () => actions.download(backup) },
        },
        'Download',
      ),
      el(
        'button',
        {
          testid: 'backup-restore',
          className: 'link',
          attrs: { type: 'button', disabled: busy },
          on: { click: () => actions.restore(backup) },
        },
        busyId === backup.id ? 'Restoring…' : 'Restore',
      ),
    ),
  );
}
