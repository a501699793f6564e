import { describeDifference, isMigrationError } from '../index.ts';
import { isCliError, messageOf } from './cli-error.ts';

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
