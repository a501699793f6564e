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

/** The migration's text: its steps a blank line apart, in the frame when `framed`. */
export function renderMigration(steps: readonly MigrationStep[], framed: boolean): string {
  const parts = steps
    .filter((step) => step.statements.length > 0)
    .map((step) =>
      [
        ...step.comments.map((line) => `-- ${line}`),
        ...step.statements.flatMap(({ comment, sql }) => [
          ...(comment === undefined ? [] : [`-- ${comment}`]),
          ...(sql === null ? [] : [`${sql};`]),
        ]),
      ].join('\n'),
    );
  const body = parts.join('\n\n');
  return framed ? `${FRAME_START.join('\n')}\n\n${body}\n\n${FRAME_END.join('\n')}\n` : `${body}\n`;
}
