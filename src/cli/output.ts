import { join } from 'node:path';
import {
  describeDifference,
  type GeneratedMigration,
  isMigrationError,
  type MigrationErrorCode,
  type MigrationOutcome,
  type MigrationReport,
  type NextMigrationFile,
  type SchemaDifference,
  type VerificationReport,
} from '../index.ts';
import { isCliError, messageOf } from './cli-error.ts';

/**
 * What the command line prints: the human summary of each command, an error with what to do
 * next, and the exit code an error leads to. `--json` prints the same facts as one document.
 */

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
  lines.push(...adoptionLines(report));
  lines.push(context.command === 'status' ? statusFooter(report) : migrateFooter(report, context));
  if (report.ledgerUpgraded) {
    lines.push(
      `the ledger ${report.dryRun ? 'would gain' : 'gained'} checksum, applied_how and duration_ms columns`,
    );
  }
  lines.push(...formatDrift(report.drift, context.schemaSource));
  return `${lines.join('\n')}\n`;
}

/**
 * What came from another tool's ledger: this run's adoption (`adopted from drizzle: 12
 * migrations`), or, on later runs, what the ledger records as adopted.
 */
function adoptionLines(report: MigrationReport): string[] {
  const adoption = report.adoption;
  if (adoption !== null) {
    const count = plural(adoption.migrations.length, 'migration');
    const verb = report.dryRun ? 'would adopt' : 'adopted';
    const dropped = adoption.dropped
      ? `; ${adoption.source} dropped`
      : `; ${adoption.source} left as it was`;
    return [`${verb} from ${adoption.from} (${adoption.source}): ${count}${dropped}`];
  }
  const byTool = new Map<string, number>();
  for (const outcome of report.migrations)
    if (outcome.adoptedFrom !== null)
      byTool.set(outcome.adoptedFrom, (byTool.get(outcome.adoptedFrom) ?? 0) + 1);
  return [...byTool].map(([from, count]) => `adopted from ${from}: ${plural(count, 'migration')}`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function headline(report: MigrationReport, context: ReportContext): string {
  const legacy =
    report.state === 'legacy'
      ? ` (its schema reflects ${report.legacyVersion ?? 'no migration yet'})`
      : report.state === 'other-ledger' && report.adoption !== null
        ? ` (${report.adoption.from}'s ledger: ${report.adoption.source})`
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
  if (outcome.status === 'already-applied')
    return outcome.adoptedFrom === null
      ? `applied (${outcome.how ?? 'unknown'})`
      : `applied (adopted from ${outcome.adoptedFrom})`;
  if (outcome.status === 'would-adopt') return 'applied (would adopt)';
  return outcome.status === 'would-baseline' ? 'pending (would baseline)' : 'pending';
}

function statusFooter(report: MigrationReport): string {
  const adopting = report.adoption?.migrations.length ?? 0;
  const pending = report.migrations.length - report.alreadyApplied.length - adopting;
  const verdict = report.upToDate ? 'up to date' : 'migrate would change it';
  return `${report.alreadyApplied.length + adopting} applied, ${pending} pending: ${verdict}`;
}

function migrateFooter(report: MigrationReport, context: ReportContext): string {
  const adopted = report.adoption === null ? '' : `adopted ${report.adoption.migrations.length}, `;
  const counts = `${adopted}executed ${report.executed.length}, baselined ${report.baselined.length}, already applied ${report.alreadyApplied.length}`;
  const timing = `in ${report.durationMs} ms`;
  if (report.dryRun) {
    const wouldRun = report.migrations.filter(
      (m) => m.status === 'would-execute' || m.status === 'would-baseline',
    ).length;
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

/** The human summary of `verify`: each version and what detection took it for, then problems. */
export function formatVerification(
  report: VerificationReport,
  dir: string,
  schemaSource: string | null,
): string {
  const against =
    schemaSource === null ? 'no schema to compare with' : `compared with ${schemaSource}`;
  const lines = [`${dir}: every version built from an empty database, ${against}`];
  lines.push(...formatTable(report.versions.map((v) => [v.name, recognition(v)])));
  lines.push(...report.warnings.map((w) => `warning: ${w}`));
  if (report.ok) {
    lines.push('ok: every version is recognized and the migrations build the schema');
    return `${lines.join('\n')}\n`;
  }
  const noun = report.problems.length === 1 ? 'problem' : 'problems';
  lines.push(`verification failed: ${report.problems.length} ${noun}`);
  lines.push(...report.problems.map((p) => `  - ${p}`));
  if (report.differences.length > 0) {
    lines.push(`the database the migrations build, compared with ${schemaSource ?? 'the schema'}:`);
    lines.push(...report.differences.map((d) => `  ${describeDifference(d)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** What `diff` needs besides the migration itself. */
export interface DiffContext {
  dir: string;
  /** The migration's file name. */
  name: string;
  schemaSource: string;
  dryRun: boolean;
}

/**
 * What `diff` prints and writes: the file (a header, then the migration; empty when there is
 * nothing to write), and the lines that say what was found: the summary once it is written, or
 * what a dry run puts on stderr while the file goes to stdout.
 */
export function formatDiff(
  migration: GeneratedMigration,
  context: DiffContext,
): { file: string; lines: string[] } {
  const { proof } = migration;
  if (proof === null) {
    const nothing = `nothing to write: the migrations in ${context.dir} already build ${context.schemaSource}`;
    return { file: '', lines: [nothing] };
  }
  const proven = `proven on a copy with ${proof.rows} generated rows in ${proof.tables} tables`;
  const file = [
    `-- ${context.name}: written by sqljs-migrate diff, from ${context.schemaSource};`,
    `-- ${proven}.`,
    '',
    migration.sql,
  ].join('\n');
  const path = join(context.dir, context.name);
  const details = [
    ...migration.changes.map((change) => `  ${describeDifference(change)}`),
    ...migration.warnings.map((warning) => `warning: ${warning}`),
  ];
  const headline = context.dryRun
    ? `dry run: ${path} not written, ${proven}`
    : `${path} written, ${proven}`;
  return { file, lines: [headline, ...details] };
}

/** What each file written beside a new migration's own is, for the line that names it. */
const WRITTEN_BESIDE: Record<Exclude<NextMigrationFile['role'], 'migration'>, string> = {
  down: 'written: its down part, empty (sqljs-migrate never runs it)',
  snapshot: "written: drizzle-kit's snapshot for it, the previous one under a new id",
  journal: "updated: drizzle-kit's journal lists the new migration",
};

/** A line for each file `new` or `diff` wrote beside the migration's own (golang-migrate's down file, …). */
export function formatWrittenBeside(dir: string, files: readonly NextMigrationFile[]): string[] {
  return files.flatMap((file) =>
    file.role === 'migration' ? [] : [`${join(dir, file.path)} ${WRITTEN_BESIDE[file.role]}`],
  );
}

function recognition(version: VerificationReport['versions'][number]): string {
  if (version.recognizedAs === null) return 'NOT recognized';
  if (version.recognizedAs === version.name) return 'recognized';
  return `recognized as ${version.recognizedAs}`;
}

/** `error [CODE]: message`, then the failing statement and the nearest-version differences. */
export function formatError(error: unknown): string {
  if (isCliError(error)) {
    const hint = error.code === 'USAGE' ? '\nrun sqljs-migrate --help for usage' : '';
    return `error [${error.code}]: ${error.message}${hint}\n`;
  }
  if (!isMigrationError(error)) return formatInternalError(error);
  const lines = [`error [${error.code}]: ${error.message}`];
  if (error.statement !== undefined) {
    const where = error.line === undefined ? '' : ` (line ${error.line})`;
    lines.push(`  failing statement${where}:`, ...indent(error.statement.trim(), '    '));
  }
  const cause = error.toJSON().cause;
  if (cause !== null && !error.message.includes(cause)) lines.push(`  cause: ${cause}`);
  if (error.differences !== undefined && error.differences.length > 0) {
    lines.push('  differences from the nearest known version:');
    lines.push(...error.differences.map((d) => `    ${describeDifference(d)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** The `error` member of a failed `--json` document. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (isCliError(error) || isMigrationError(error)) return { ...error.toJSON() };
  return { name: 'Error', code: 'INTERNAL', message: messageOf(error) };
}

/** A fault of this program: the message first, then where it happened, for a bug report. */
function formatInternalError(error: unknown): string {
  if (!(error instanceof Error)) return `error [INTERNAL]: ${String(error)}\n`;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '));
  return `${[`error [INTERNAL]: ${error.message}`, ...frames].join('\n')}\n`;
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`);
}

/**
 * Migration codes that mean the input is wrong (a misnamed migration file or folder, a rename of
 * a table or column that is not there): fix the input, exit 2.
 */
const INPUT_MIGRATION_CODES: ReadonlySet<MigrationErrorCode> = new Set<MigrationErrorCode>([
  'BAD_NAME',
  'DUPLICATE_NUMBER',
  'MIXED_LAYOUT',
  'BAD_LAYOUT',
  'BAD_RENAME',
]);

/**
 * The exit code for an error that stopped a command:
 * - a `CliError` exits as its code says (usage and unreadable or in-use input 2, the rest 1);
 *   the command handlers turn anything thrown while opening or reading the database into an
 *   `UNREADABLE_INPUT` `CliError`, so a damaged or unsupported file exits 2 naming it;
 * - a `MigrationError` exits 1 (a migration failed or was refused; the file is untouched), except
 *   for bad input, which exits 2: a misnamed migration file or a folder of no one layout
 *   (`BAD_NAME`, `DUPLICATE_NUMBER`, `MIXED_LAYOUT`, `BAD_LAYOUT`), or a `--rename` of a table or
 *   column that is not there (`BAD_RENAME`);
 * - anything else is a fault of this program: 1, printed with its message.
 */
export function exitCodeFor(error: unknown): 1 | 2 {
  if (isCliError(error)) return error.exitCode;
  if (isMigrationError(error)) return INPUT_MIGRATION_CODES.has(error.code) ? 2 : 1;
  return 1;
}

/** Lays out rows as left-aligned columns two spaces apart, indented by two; trailing blanks trimmed. */
function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd(),
  );
}
