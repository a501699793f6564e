import { readFileSync } from 'node:fs';
import { type CommandLine, guessCommand, parseCommandLine, USAGE, wantsJson } from './arguments.ts';
import {
  type CommandResult,
  runDiffCommand,
  runMigrateCommand,
  runNewCommand,
  runVerifyCommand,
} from './commands.ts';
import { exitCodeFor, formatError, serializeError } from './output.ts';

/** Where the command line prints: the process's streams, or a test's strings. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's own stdout and stderr. */
export const PROCESS_IO: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the command line on `args` (`process.argv.slice(2)`) and returns the exit code. Everything
 * it prints goes through `io`. It never exits the process, so tests call it in-process; the bin
 * sets `process.exitCode` instead, which lets a piped stdout drain.
 */
export async function main(args: string[], io: Io): Promise<number> {
  if (args.length === 0) {
    io.stderr(USAGE);
    return 2;
  }
  const json = wantsJson(args);
  try {
    const parsed = parseCommandLine(args);
    if (parsed.kind === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (parsed.kind === 'version') {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    const { commandLine } = parsed;
    const progress = (line: string) => io.stderr(`${line}\n`);
    const result = await runCommand(commandLine, progress);
    io.stdout(json ? `${JSON.stringify(result.json, null, 2)}\n` : result.text);
    return result.exitCode;
  } catch (error) {
    if (json) {
      const document = { ok: false, command: guessCommand(args), error: serializeError(error) };
      io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      io.stderr(formatError(error));
    }
    return exitCodeFor(error);
  }
}

/** Hands the command line to its command. */
function runCommand(
  commandLine: CommandLine,
  progress: (line: string) => void,
): Promise<CommandResult> | CommandResult {
  const { command, file, name } = commandLine;
  if ((command === 'migrate' || command === 'status') && file !== null)
    return runMigrateCommand({ ...commandLine, command, file }, progress);
  if (command === 'new' && name !== null) return runNewCommand({ ...commandLine, name });
  if (command === 'diff') return runDiffCommand(commandLine, progress);
  return runVerifyCommand(commandLine);
}

/** The version in package.json, two folders up both from `src/cli/` and from `dist/cli/`. */
function packageVersion(): string {
  const packageJson = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(packageJson) as { version: string }).version;
}
