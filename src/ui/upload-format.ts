import type { BackupReason, MigrationProgress, MigrationReport } from '../browser.ts';
import type { UploadCheck, UploadReport } from '../upload.ts';
import { describeAdoptedFrom, describeAdoption, formatDuration } from './format.ts';

/** What each of the upload's checks is called on the page. */
const CHECK_LABELS: Record<UploadCheck['name'], string> = {
  header: 'Header',
  size: 'Size',
  room: 'Space',
  journal: 'Journal',
  integrity: 'Integrity',
  'foreign-keys': 'Foreign keys',
};

export function checkLabel(check: UploadCheck): string {
  return CHECK_LABELS[check.name];
}

/** The file's ledger in words; for another's, whose, as the upgrade that adopted it says. */
export function describeLedger(
  ledger: UploadReport['ledger'],
  adoption: MigrationReport['adoption'] = null,
): string {
  switch (ledger) {
    case 'other':
      return adoption === null
        ? 'another tool’s'
        : `${describeAdoptedFrom(adoption.from)}’s (${adoption.source}): adopted into this runner’s ledger`;
    case 'none':
      return 'none: the file is untracked';
    case 'original':
      return 'StarPunk’s three-column ledger: it gains checksum, applied_how and duration_ms';
    case 'current':
      return 'this runner’s ledger';
  }
}

/** What the upgrade did to the worker's copy, counted. */
export function describePlan(plan: MigrationReport): string {
  if (plan.upToDate) return 'Nothing to do: the file is already up to date.';
  const parts: string[] = [];
  const adoption = describeAdoption(plan);
  if (adoption !== null) parts.push(adoption);
  const ran = plan.executed.length;
  if (ran > 0) parts.push(`ran ${ran} migration${ran === 1 ? '' : 's'}`);
  if (plan.baselined.length > 0) parts.push(`baselined ${plan.baselined.length}`);
  if (plan.ledgerUpgraded) parts.push('upgraded the ledger');
  if (parts.length === 0) parts.push('created the ledger');
  return `The upgrade ${parts.join(' and ')}, on a copy in ${formatDuration(plan.durationMs)}; nothing is kept until you say so.`;
}

/** One line for a progress event: which migration of how many, and the time so far. */
export function describeProgress(progress: MigrationProgress): string {
  const elapsed = formatDuration(progress.elapsedMs);
  switch (progress.phase) {
    case 'detect':
      return `Detecting the file’s version… ${elapsed}`;
    case 'schema':
      return `Creating the schema… ${elapsed}`;
    case 'migration':
      return `Migration ${progress.index} of ${progress.total}: ${progress.name ?? ''} · ${elapsed}`;
    case 'drift':
      return `Comparing the result with schema.sql… ${elapsed}`;
  }
}

/** The progress bar's line once the upgrade is done. */
export function describeFinished(progress: MigrationProgress): string {
  return progress.total === 0
    ? `Done in ${formatDuration(progress.elapsedMs)}: no migration had to run.`
    : `Done in ${formatDuration(progress.elapsedMs)}: ran ${progress.index} of ${progress.total} migrations.`;
}

/** What the upgrade was doing, in each phase around the migrations. */
const PHASE_WORDS: Record<Exclude<MigrationProgress['phase'], 'migration'>, string> = {
  detect: 'detecting the file’s version',
  schema: 'creating the schema',
  drift: 'comparing the result with schema.sql',
};

/** The progress bar's line once the upgrade was stopped: refused, failed or out of time. */
export function describeStopped(progress: MigrationProgress): string {
  if (progress.phase !== 'migration')
    return `Stopped ${progress.event === 'start' ? 'while' : 'after'} ${PHASE_WORDS[progress.phase]}.`;
  const migration = `migration ${progress.index} of ${progress.total}, ${progress.name ?? ''}`;
  return progress.event === 'start'
    ? `Stopped in ${migration}, which did not finish.`
    : `Stopped after ${migration}.`;
}

/** Why a refused upload cannot go further, for codes where the message alone does not say it. */
export function refusalNote(code: string): string | null {
  switch (code) {
    case 'UNKNOWN_APPLIED':
      return 'This file was migrated by a newer version of this app, so this version cannot upgrade or adopt it.';
    case 'UNRECOGNIZED_SCHEMA':
      return 'Its schema matches no version of this app’s history, so it cannot be upgraded automatically.';
    case 'SQL_FAILED':
    case 'FOREIGN_KEY_VIOLATION':
      return 'A migration failed on a copy of this file; the copy was dropped and nothing was written anywhere.';
    case 'TIMED_OUT':
      return 'Its worker was ended and the copy dropped. A trigger in the file that a migration fires may loop forever; a file that is only very large needs a longer time budget (this page takes ?upload-timeout-ms=N).';
    case 'CANCELLED':
      return 'Its worker was ended and the copy dropped. Pick a file to check another.';
    default:
      return null;
  }
}

/** Why a backup was kept, in words. */
export function describeBackupReason(reason: BackupReason): string {
  switch (reason) {
    case 'pre-migration':
      return 'Before a migration';
    case 'pre-adopt':
      return 'Before an adopted upload';
    case 'pre-restore':
      return 'Before a restore';
  }
}
