/**
 * A part of a migration being written: comment lines that say what it does, then its statements,
 * each with a comment of its own where it needs one. A statement of null is a comment alone.
 */
export interface MigrationStep {
  comments: string[];
  statements: { comment?: string; sql: string | null }[];
}

/**
 * The frame around a migration that drops or rebuilds tables. The runner already turns foreign
 * keys off around every migration, runs it in a transaction and checks foreign keys before it
 * commits, and skips these lines; they make the file do the same when it is run by other means.
 */
const FRAME_START = [
  '-- sqljs-migrate runs every migration with foreign keys off, in a transaction, and checks',
  '-- foreign keys before it commits, so a table dropped or rebuilt here takes no row of another',
  '-- table with it. These lines do the same where the file is run by other means.',
  'PRAGMA foreign_keys = OFF;',
  'BEGIN;',
];
const FRAME_END = ['PRAGMA foreign_key_check;', 'COMMIT;', 'PRAGMA foreign_keys = ON;'];

/** What drizzle-kit writes between two statements; drizzle's migrator runs each piece alone. */
const BREAKPOINT = '--> statement-breakpoint';

/**
 * The migration's text: its steps a blank line apart, in the frame when `framed`. With
 * `breakpoints`, as drizzle-kit writes its files: a breakpoint line after every statement but the
 * last, since drizzle's migrator runs only the first statement of each piece, and the frame
 * without BEGIN and COMMIT, since that migrator runs every migration in a transaction of its own.
 */
export function renderMigration(
  steps: readonly MigrationStep[],
  framed: boolean,
  breakpoints = false,
): string {
  const statement = (sql: string) => (breakpoints ? `${sql}\n${BREAKPOINT}` : sql);
  const frame = (lines: readonly string[]) =>
    lines
      .filter((line) => !breakpoints || (line !== 'BEGIN;' && line !== 'COMMIT;'))
      .map((line) => (line.startsWith('--') ? line : statement(line)))
      .join('\n');
  const parts = steps
    .filter((step) => step.statements.length > 0)
    .map((step) =>
      [
        ...step.comments.map((line) => `-- ${line}`),
        ...step.statements.flatMap(({ comment, sql }) => [
          ...(comment === undefined ? [] : [`-- ${comment}`]),
          ...(sql === null ? [] : [statement(`${sql};`)]),
        ]),
      ].join('\n'),
    );
  const body = parts.join('\n\n');
  const text = framed ? `${frame(FRAME_START)}\n\n${body}\n\n${frame(FRAME_END)}\n` : `${body}\n`;
  if (!breakpoints) return text;
  // After the last statement a breakpoint would leave a piece with no statement in it.
  const last = text.lastIndexOf(`\n${BREAKPOINT}`);
  return last === -1 ? text : text.slice(0, last) + text.slice(last + BREAKPOINT.length + 1);
}
