#!/usr/bin/env node
import type { CommandResult } from './command-result.ts';
import { exitCodeFor } from './exit-code.ts';
import { formatError, serializeError } from './format-error.ts';
import { runMigrateCommand } from './migrate-command.ts';
import { guessCommand, parseCommandLine, wantsJson } from './parse-command-line.ts';
import { USAGE } from './usage.ts';
import { runVerifyCommand } from './verify-command.ts';

/** Runs the command line and returns the exit code; everything it prints goes through `io`. */
async function main(args: string[], io: Io = processIo): Promise<number> {
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
    const { commandLine } = parsed;
    const progress = (line: string) => io.stderr(`${line}\n`);
    const { command, file } = commandLine;
    const result: CommandResult =
      command === 'verify' || file === null
        ? await runVerifyCommand(commandLine)
        : await runMigrateCommand({ ...commandLine, command, file }, progress);
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

/** Where output goes; tests may pass their own. */
interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

// process.exitCode (not process.exit) lets stdout drain when it is a pipe.
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
