import {
  describeDifference,
  type MigrationOutcome,
  type MigrationReport,
  type SchemaDifference,
} from '../index.ts';
import { formatTable } from './format-table.ts';

/** What the summary needs besides the report itself. */
export interface ReportContext {
  command: 'migrate' | 'status';
  file: string;
  /** The file did not exist before this run. */
  created: boolean;
  /** The file was replaced with the migrated database. */
  written: boolean;
  schemaSource: string | null;
}

/** The human summary of a `migrate` or `status` run: state, each migration, timings, drift. */
export function formatReport(report: MigrationReport, context: ReportContext): string {
  const lines = [headline(report, context)];
  lines.push(...formatTable(report.migrations.map((m) => migrationRow(m, context.command))));
  lines.push(context.command === 'status' ? statusFooter(report) : migrateFooter(report, context));
  if (report.ledgerUpgraded) {
    lines.push(
      `the ledger ${report.dryRun ? 'would gain' : 'gained'} checksum, applied_how and duration_ms columns`,
    );
  }
  lines.push(...formatDrift(report.drift, context.schemaSource));
  return `${lines.join('\n')}\n`;
}

function headline(report: MigrationReport, context: ReportContext): string {
  const legacy =
    report.state === 'legacy'
      ? ` (its schema reflects ${report.legacyVersion ?? 'no migration yet'})`
      : '';
  const created = context.created ? ', a new file' : '';
  return `${context.file}: ${report.state} database${legacy}${created}`;
}

function migrationRow(outcome: MigrationOutcome, command: ReportContext['command']): string[] {
  return [
    outcome.name,
    command === 'status' ? statusLabel(outcome) : outcome.status.replace('-', ' '),
    outcome.appliedAt ?? '',
    outcome.durationMs === null ? '' : `${outcome.durationMs} ms`,
    outcome.checksumStatus === 'ok' || outcome.checksumStatus === 'pending'
      ? ''
      : `checksum ${outcome.checksumStatus}`,
  ];
}

/** `status` speaks of the database as it is: applied (and how) or pending. */
function statusLabel(outcome: MigrationOutcome): string {
  if (outcome.status === 'already-applied') return `applied (${outcome.how ?? 'unknown'})`;
  return outcome.status === 'would-baseline' ? 'pending (would baseline)' : 'pending';
}

function statusFooter(report: MigrationReport): string {
  const pending = report.migrations.length - report.alreadyApplied.length;
  const verdict = report.upToDate ? 'up to date' : 'migrate would change it';
  return `${report.alreadyApplied.length} applied, ${pending} pending: ${verdict}`;
}

function migrateFooter(report: MigrationReport, context: ReportContext): string {
  const counts = `executed ${report.executed.length}, baselined ${report.baselined.length}, already applied ${report.alreadyApplied.length}`;
  const timing = `in ${report.durationMs} ms`;
  if (report.dryRun) {
    const wouldRun = report.migrations.filter((m) => m.status.startsWith('would-')).length;
    return `dry run: ${wouldRun} would run, ${timing}; ${context.file} not written`;
  }
  const outcome = context.written
    ? `${context.file} written`
    : `${context.file} unchanged, already up to date`;
  return `${counts} ${timing}; ${outcome}`;
}

/** Drift lines; each difference names its object, e.g. `table tokens: column scope: missing`. */
function formatDrift(drift: SchemaDifference[] | null, schemaSource: string | null): string[] {
  if (drift === null)
    return [schemaSource === null ? 'drift: not checked (no schema)' : 'drift: not checked'];
  if (drift.length === 0)
    return [`drift: none, the database matches ${schemaSource ?? 'the schema'}`];
  const noun = drift.length === 1 ? 'difference' : 'differences';
  return [
    `drift: ${drift.length} ${noun} from ${schemaSource ?? 'the schema'}`,
    ...drift.map((d) => `  ${describeDifference(d)}`),
  ];
}
