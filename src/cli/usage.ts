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
  --json           Print one JSON document on stdout instead of a summary.
  -h, --help       Show this help.

Exit codes: 0 success, 1 a migration problem or failed verification (the file is untouched),
2 a usage error, or input that is unreadable, damaged, of an unsupported shape or in use.
`;
