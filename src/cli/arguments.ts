import { parseArgs } from 'node:util';
import type { AppLedger, LedgerTool, MigrationLayout } from '../index.ts';
import { CliError, messageOf } from './cli-error.ts';

/** The commands the CLI knows. */
export type CommandName = 'migrate' | 'status' | 'verify';

/** A validated command line, ready for a command handler. */
export interface CommandLine {
  command: CommandName;
  /** The database file (`migrate`, `status`); null for `verify`. */
  file: string | null;
  dir: string;
  /** `--schema FILE`; null to use `DIR/schema.sql`. */
  schemaFile: string | null;
  /** `--no-schema`: ignore `DIR/schema.sql`. */
  noSchema: boolean;
  dryRun: boolean;
  json: boolean;
  /** `--timeout SECONDS`: stop a migration still running after this long; null to wait. */
  timeoutSeconds: number | null;
  /** `--layout NAME`: the migrations folder's layout; null to tell it from the files. */
  layout: MigrationLayout | null;
  /** `--adopt-from`: whose ledger to adopt; null for any tool's. */
  adoptFrom: 'none' | LedgerTool | AppLedger | null;
  /** `--drop-adopted-ledger`: drop the adopted ledger's tables once recorded. */
  dropAdoptedLedger: boolean;
}

/** What the arguments ask for: help, the version, or a command to run. */
export type ParsedCommandLine =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; commandLine: CommandLine };

/** The help text, printed by `--help` (stdout) and after a usage error (stderr). */
export const USAGE = `Usage: sqljs-migrate <command> [options]

Commands:
  migrate FILE.db --dir DIR   Apply pending migrations to FILE.db (created when missing).
                              The file is replaced atomically, and only when something changed.
                              Refused while FILE.db-wal, FILE.db-shm or FILE.db-journal exists:
                              a program has the database open (stop it, or checkpoint and close).
  status FILE.db --dir DIR    Report the detected state, applied and pending migrations,
                              checksums and drift. Changes nothing; warns when -wal, -shm or
                              -journal files show a program has the database open.
  verify --dir DIR            Run every migration from an empty database, check that each
                              intermediate version is recognized and that the result matches
                              the schema.

Options:
  --dir DIR        Folder of NNN_description.sql migrations (DIR/schema.sql is the schema).
  --schema FILE    Use FILE as the full current schema instead of DIR/schema.sql.
  --no-schema      Ignore DIR/schema.sql.
  --dry-run        migrate only: run everything, then roll back; the file is not written.
  --timeout SECONDS
                   migrate and status: stop the run if it has not finished after SECONDS
                   (the file is untouched, exit 1). Without it, they wait as long as it takes.
  --layout NAME    The folder's layout, when its files do not show it: sqljs-migrate,
                   drizzle-kit, golang-migrate, dbmate, prisma, sqlx or flyway.
  --adopt-from WHO migrate and status: whose ledger to adopt when FILE.db has none of this
                   runner's: a tool (drizzle, golang-migrate, dbmate, rails, prisma, sqlx,
                   flyway, kysely, knex, sequelize, diesel, user_version), none, or the app's
                   own table as app:TABLE.COLUMN:names|versions|last-version. Default: any
                   tool's ledger found.
  --drop-adopted-ledger
                   migrate: drop the adopted ledger's tables in the same transaction.
  --json           Print one JSON document on stdout instead of a summary.
  -h, --help       Show this help.
  --version        Print the version of sqljs-migrate.

Exit codes: 0 success, 1 a migration problem or failed verification (the file is untouched),
2 a usage error, or input that is unreadable, damaged, of an unsupported shape or in use.
`;

const COMMANDS: readonly CommandName[] = ['migrate', 'status', 'verify'];

const OPTIONS = {
  dir: { type: 'string' },
  schema: { type: 'string' },
  'no-schema': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  layout: { type: 'string' },
  'adopt-from': { type: 'string' },
  'drop-adopted-ledger': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/**
 * Parses `process.argv.slice(2)` strictly; throws a `USAGE` `CliError` for anything unknown,
 * missing or contradictory.
 */
export function parseCommandLine(args: string[]): ParsedCommandLine {
  const { values, positionals } = parseStrictly(args);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const [command, ...operands] = positionals;
  if (command === undefined) throw usageError('missing command (migrate, status or verify)');
  if (!isCommandName(command)) {
    throw usageError(`unknown command "${command}" (expected migrate, status or verify)`);
  }

  const takesFile = command !== 'verify';
  const expectedOperands = takesFile ? 1 : 0;
  if (takesFile && operands.length === 0) throw usageError(`${command} needs a database FILE`);
  if (operands.length > expectedOperands) {
    throw usageError(
      `${command} takes ${takesFile ? 'one FILE' : 'no FILE'}; unexpected "${operands[expectedOperands]}"`,
    );
  }
  if (values.dir === undefined || values.dir === '') throw usageError(`${command} needs --dir DIR`);
  if (values.schema !== undefined && values['no-schema']) {
    throw usageError('--schema and --no-schema exclude each other');
  }
  if (values['dry-run'] && command !== 'migrate') {
    throw usageError(`--dry-run applies to migrate only (${command} never changes anything)`);
  }
  if (values.timeout !== undefined && command === 'verify') {
    throw usageError('--timeout applies to migrate and status');
  }
  if (values['adopt-from'] !== undefined && command === 'verify') {
    throw usageError('--adopt-from applies to migrate and status');
  }
  if (values['drop-adopted-ledger'] && command !== 'migrate') {
    throw usageError('--drop-adopted-ledger applies to migrate only');
  }

  return {
    kind: 'run',
    commandLine: {
      command,
      file: takesFile ? (operands[0] ?? null) : null,
      dir: values.dir,
      schemaFile: values.schema ?? null,
      noSchema: values['no-schema'] ?? false,
      dryRun: values['dry-run'] ?? false,
      json: values.json ?? false,
      timeoutSeconds: values.timeout === undefined ? null : parseSeconds(values.timeout),
      layout: values.layout === undefined ? null : parseLayout(values.layout),
      adoptFrom: values['adopt-from'] === undefined ? null : parseAdoptFrom(values['adopt-from']),
      dropAdoptedLedger: values['drop-adopted-ledger'] ?? false,
    },
  };
}

/** The command named in the arguments, when there is a known one; for error output. */
export function guessCommand(args: string[]): CommandName | null {
  const first = args.find((arg) => !arg.startsWith('-'));
  return first !== undefined && isCommandName(first) ? first : null;
}

/** Whether `--json` was asked for, even when the rest of the command line is wrong. */
export function wantsJson(args: string[]): boolean {
  return args.includes('--json');
}

function parseStrictly(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages are good ("Unknown option '--force'"); keep them, drop the stack.
    throw usageError(messageOf(error));
  }
}

/** `--timeout`'s value: a number of seconds greater than zero (`90`, `0.5`). */
function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw usageError(`--timeout takes a number of seconds greater than 0, not "${text}"`);
  }
  return seconds;
}

const LAYOUTS: readonly MigrationLayout[] = [
  'sqljs-migrate',
  'drizzle-kit',
  'golang-migrate',
  'dbmate',
  'prisma',
  'sqlx',
  'flyway',
];

const LEDGER_TOOLS: readonly LedgerTool[] = [
  'drizzle',
  'golang-migrate',
  'dbmate',
  'rails',
  'prisma',
  'sqlx',
  'flyway',
  'kysely',
  'knex',
  'sequelize',
  'diesel',
  'user_version',
];

/** `--layout`'s value: one of the layouts the core reads. */
function parseLayout(text: string): MigrationLayout {
  const layout = LAYOUTS.find((known) => known === text);
  if (layout === undefined)
    throw usageError(`--layout takes one of ${LAYOUTS.join(', ')}, not "${text}"`);
  return layout;
}

/** `--adopt-from`'s value: `none`, a tool, or `app:TABLE.COLUMN:names|versions|last-version`. */
function parseAdoptFrom(text: string): 'none' | LedgerTool | AppLedger {
  if (text === 'none') return 'none';
  const tool = LEDGER_TOOLS.find((known) => known === text);
  if (tool !== undefined) return tool;
  const app = /^app:([^.]+)\.([^:]+):(names|versions|last-version)$/.exec(text);
  if (app !== null)
    return {
      table: app[1] as string,
      column: app[2] as string,
      values: app[3] as AppLedger['values'],
    };
  throw usageError(
    `--adopt-from takes none, one of ${LEDGER_TOOLS.join(', ')}, or app:TABLE.COLUMN:names|versions|last-version, not "${text}"`,
  );
}

function isCommandName(value: string): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value);
}

function usageError(message: string): CliError {
  return new CliError('USAGE', message);
}
