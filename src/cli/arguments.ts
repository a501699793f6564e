import { parseArgs } from 'node:util';
import {
  type AppLedger,
  LEDGER_TOOLS,
  type LedgerTool,
  MIGRATION_LAYOUTS,
  type MigrationLayout,
} from '../index.ts';
import { CliError, messageOf } from './cli-error.ts';

/** The commands the CLI knows. */
export type CommandName = 'migrate' | 'status' | 'verify' | 'new' | 'diff';

/** A validated command line, ready for a command handler. */
export interface CommandLine {
  command: CommandName;
  /** The database file (`migrate`, `status`); null for the others. */
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
  /** What the new migration does, in words (`new NAME`, `diff --name NAME`); null for the default. */
  name: string | null;
  /** `diff --rename …`, each `old_table=new_table` or `table.old_column=new_column`. */
  renames: string[];
  /** `diff --allow-data-loss`: write drops that lose data instead of refusing them. */
  allowDataLoss: boolean;
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
  new NAME --dir DIR          Write the next migration, empty, named as the folder's tool names
                              one (NAME says what it does: add_note_pinned), with its down file
                              or drizzle-kit's snapshot and journal entry where the tool has them.
  diff --dir DIR              Write the next migration from DIR/schema.sql: what brings the
                              schema the migrations build to it. Proven first on a copy with
                              rows in every table; nothing is written unless the copy ends with
                              the schema, its rows and intact foreign keys.

Options:
  --dir DIR        Folder of migrations: NNN_description.sql, or another tool's layout (see
                   --layout). DIR/schema.sql is the schema.
  --schema FILE    Use FILE as the full current schema instead of DIR/schema.sql.
  --no-schema      Ignore DIR/schema.sql.
  --dry-run        migrate: run everything, then roll back; the file is not written.
                   diff: print the migration instead of writing it.
  --name NAME      diff: what the migration does, for its file name (default update_schema).
  --rename OLD=NEW diff: a table renamed (old_table=new_table) or a column renamed
                   (table.old_column=new_column); repeat for more. Nothing is renamed
                   otherwise: what is gone is dropped, what is new created.
  --allow-data-loss
                   diff: write a change that drops a table, a column or rows that hold data
                   (with a comment saying so) instead of refusing it.
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

Exit codes: 0 success, 1 a migration problem or failed verification (the file is untouched) or
a migration diff will not write (nothing is written), 2 a usage error, or input that is
unreadable, damaged, of an unsupported shape or in use.
`;

const COMMANDS: readonly CommandName[] = ['migrate', 'status', 'verify', 'new', 'diff'];

/** The operand each command takes, if any: `migrate FILE.db`, `new NAME`. */
const OPERANDS: Record<CommandName, 'a database FILE' | 'a NAME' | null> = {
  migrate: 'a database FILE',
  status: 'a database FILE',
  verify: null,
  new: 'a NAME',
  diff: null,
};

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
  name: { type: 'string' },
  rename: { type: 'string', multiple: true },
  'allow-data-loss': { type: 'boolean' },
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
  if (command === undefined) throw usageError(`missing command (${COMMANDS.join(', ')})`);
  if (!isCommandName(command)) {
    throw usageError(`unknown command "${command}" (expected ${COMMANDS.join(', ')})`);
  }

  const operand = OPERANDS[command];
  if (operand !== null && operands.length === 0) throw usageError(`${command} needs ${operand}`);
  const expectedOperands = operand === null ? 0 : 1;
  if (operands.length > expectedOperands) {
    throw usageError(
      `${command} takes ${operand === null ? 'no FILE' : `one ${operand.replace(/^a (database )?/, '')}`}; unexpected "${operands[expectedOperands]}"`,
    );
  }
  if (values.dir === undefined || values.dir === '') throw usageError(`${command} needs --dir DIR`);
  if (values.schema !== undefined && values['no-schema']) {
    throw usageError('--schema and --no-schema exclude each other');
  }
  onlyFor(command, values['dry-run'], '--dry-run', ['migrate', 'diff'], {
    status: 'never changes anything',
    verify: 'never changes anything',
  });
  onlyFor(command, values.timeout, '--timeout', ['migrate', 'status']);
  onlyFor(command, values.schema, '--schema', ['migrate', 'status', 'verify', 'diff']);
  onlyFor(command, values['no-schema'], '--no-schema', ['migrate', 'status', 'verify']);
  onlyFor(command, values.name, '--name', ['diff'], { new: 'takes NAME as its operand' });
  onlyFor(command, values.rename, '--rename', ['diff']);
  onlyFor(command, values['allow-data-loss'], '--allow-data-loss', ['diff']);
  onlyFor(command, values['adopt-from'], '--adopt-from', ['migrate', 'status']);
  onlyFor(command, values['drop-adopted-ledger'], '--drop-adopted-ledger', ['migrate']);

  return {
    kind: 'run',
    commandLine: {
      command,
      file: operand === 'a database FILE' ? (operands[0] ?? null) : null,
      dir: values.dir,
      schemaFile: values.schema ?? null,
      noSchema: values['no-schema'] ?? false,
      dryRun: values['dry-run'] ?? false,
      json: values.json ?? false,
      timeoutSeconds: values.timeout === undefined ? null : parseSeconds(values.timeout),
      layout: values.layout === undefined ? null : parseLayout(values.layout),
      adoptFrom: values['adopt-from'] === undefined ? null : parseAdoptFrom(values['adopt-from']),
      dropAdoptedLedger: values['drop-adopted-ledger'] ?? false,
      name: (operand === 'a NAME' ? operands[0] : values.name) ?? null,
      renames: values.rename ?? [],
      allowDataLoss: values['allow-data-loss'] ?? false,
    },
  };
}

/** Refuses an option given to a command it does not apply to, saying which it applies to. */
function onlyFor(
  command: CommandName,
  given: unknown,
  option: string,
  commands: readonly CommandName[],
  why: Partial<Record<CommandName, string>> = {},
): void {
  if (given === undefined || given === false || commands.includes(command)) return;
  const list =
    commands.length === 1
      ? `${commands[0]} only`
      : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)}`;
  const reason = why[command] === undefined ? '' : ` (${command} ${why[command]})`;
  throw usageError(`${option} applies to ${list}${reason}`);
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

/** `--layout`'s value: one of the layouts the core reads. */
function parseLayout(text: string): MigrationLayout {
  const layout = MIGRATION_LAYOUTS.find((known) => known === text);
  if (layout === undefined)
    throw usageError(`--layout takes one of ${MIGRATION_LAYOUTS.join(', ')}, not "${text}"`);
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
