import type { Database } from 'sql.js';
import { messageOf, type UploadErrorFacts } from '../../browser/errors.ts';
import { formatBytes } from '../../browser/format-bytes.ts';
import { checkDatabaseHeader, DATABASE_HEADER_BYTES as HEADER_BYTES } from '../../index.ts';
import type { TableSummary, UploadCheck } from '../protocol.ts';

/**
 * What an uploaded file must pass, in order: its size, against the configured limit and the space
 * the browser still allows, and its 100-byte header (by the core's rules, which the command line
 * applies too) before SQLite sees a byte of it — pure, so the rules are tested without a browser —
 * then, once read into the worker and opened, SQLite's own integrity checks.
 */

export { HEADER_BYTES };

/** What the checks are given. */
export interface PreOpenInput {
  fileName: string;
  sizeBytes: number;
  /** The file's first bytes (up to `HEADER_BYTES`); read only once the size is acceptable. */
  head?: Uint8Array;
  maxBytes: number;
  /** What the browser still allows this site to store, or null when it does not say. */
  availableBytes: number | null;
}

/** What the header says, for the page to show. */
export interface HeaderFacts {
  pageSize: number;
  pageCount: number;
}

export type Rejection = {
  ok: false;
  code: 'NOT_A_DATABASE' | 'TOO_LARGE' | 'NO_ROOM' | 'CORRUPT';
  message: string;
  /** The facts the refusal rests on, for the error's fields. */
  facts: UploadErrorFacts;
};

/**
 * Checks the size alone: run first, so a file too large is refused before anything of it is
 * read. Returns the checks passed, or why the file is refused.
 */
export function checkSize(input: PreOpenInput): { ok: true; checks: UploadCheck[] } | Rejection {
  const { fileName, sizeBytes, maxBytes, availableBytes } = input;
  if (sizeBytes === 0)
    return reject('NOT_A_DATABASE', `${fileName} is empty (0 bytes): there is no database in it.`, {
      fileName,
      sizeBytes,
    });
  if (sizeBytes > maxBytes)
    return reject(
      'TOO_LARGE',
      `${fileName} is ${formatBytes(sizeBytes)}, larger than the ${formatBytes(maxBytes)} this page accepts.`,
      { fileName, sizeBytes, limitBytes: maxBytes },
    );
  if (availableBytes !== null && sizeBytes > availableBytes)
    return reject(
      'NO_ROOM',
      `${fileName} is ${formatBytes(sizeBytes)}, but this browser lets the site store only ${formatBytes(Math.max(0, availableBytes))} more: free some space and try again.`,
      { fileName, sizeBytes, limitBytes: Math.max(0, availableBytes) },
    );
  return {
    ok: true,
    checks: [
      {
        name: 'size',
        level: 'ok',
        detail: `${formatBytes(sizeBytes)}, within the ${formatBytes(maxBytes)} limit`,
      },
      {
        name: 'room',
        level: availableBytes === null ? 'warning' : 'ok',
        detail:
          availableBytes === null
            ? 'the browser does not say how much space is left'
            : `fits in the ${formatBytes(availableBytes)} the browser still allows this site`,
      },
    ],
  };
}

/**
 * Checks the header (`checkDatabaseHeader`): a file that is not SQLite's, or that is damaged or
 * cut off, is refused with the numbers before SQLite reads it.
 */
export function checkHeader(
  input: PreOpenInput & { head: Uint8Array },
): { ok: true; facts: HeaderFacts; checks: UploadCheck[] } | Rejection {
  const { fileName, sizeBytes, head } = input;
  const header = checkDatabaseHeader(head, sizeBytes);
  if (!header.ok)
    return reject(header.code, `${fileName}: ${header.reason}.`, { fileName, sizeBytes });
  const { pageSize, pageCount } = header;
  const checks: UploadCheck[] = [
    {
      name: 'header',
      level: 'ok',
      detail: `SQLite 3 file, ${pageCount} pages of ${pageSize} bytes`,
    },
  ];
  if (header.walMode)
    checks.push({
      name: 'journal',
      level: 'warning',
      detail:
        'the file was in WAL mode: anything still in its -wal file is not part of this upload',
    });
  return { ok: true, facts: { pageSize, pageCount }, checks };
}

function reject(code: Rejection['code'], message: string, facts: UploadErrorFacts): Rejection {
  return { ok: false, code, message, facts };
}

/**
 * SQLite's own checks: `quick_check` (every page, cell and record well formed) refuses a damaged
 * file; `foreign_key_check` only warns, since rows that already broke a foreign key do not stop a
 * migration (the runner refuses only the ones a migration adds).
 */
export function checkIntegrity(
  db: Database,
  fileName: string,
): { ok: true; checks: UploadCheck[] } | Rejection {
  let problems: string[];
  try {
    problems = column(db, 'PRAGMA quick_check(5)').map(String);
  } catch (error) {
    return corrupt(fileName, messageOf(error));
  }
  if (problems.length !== 1 || problems[0] !== 'ok') return corrupt(fileName, problems.join('; '));
  let orphans: { table: string; parent: string; rows: number }[];
  try {
    orphans = rows(
      db,
      'SELECT "table", parent, count(*) FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2',
    ).map(([table, parent, count]) => ({
      table: String(table),
      parent: String(parent),
      rows: Number(count),
    }));
  } catch (error) {
    return corrupt(fileName, messageOf(error));
  }
  return {
    ok: true,
    checks: [
      { name: 'integrity', level: 'ok', detail: 'PRAGMA quick_check: ok' },
      orphans.length === 0
        ? { name: 'foreign-keys', level: 'ok', detail: 'PRAGMA foreign_key_check: no orphan rows' }
        : {
            name: 'foreign-keys',
            level: 'warning',
            detail: `PRAGMA foreign_key_check: ${orphans
              .map((o) => `${o.rows} row(s) of ${o.table} refer to missing ${o.parent} rows`)
              .join('; ')} (kept as they are; the upgrade adds none)`,
          },
    ],
  };
}

/** The file's tables with their row counts; full-text shadow tables are left out as noise. */
export function tableSummaries(db: Database): TableSummary[] {
  const names = column(
    db,
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  ).map(String);
  return names.map((name) => {
    try {
      const count = db.exec(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`)[0]?.values[0];
      return { name, rows: Number(count?.[0]) };
    } catch {
      // A virtual table of a module this build of SQLite lacks (FTS5, say) cannot be read.
      return { name, rows: null };
    }
  });
}

function corrupt(fileName: string, said: string): Rejection {
  return reject('CORRUPT', `${fileName} is damaged: SQLite's integrity check says ${said}.`, {
    fileName,
  });
}

function rows(db: Database, sql: string) {
  return db.exec(sql)[0]?.values ?? [];
}

function column(db: Database, sql: string) {
  return rows(db, sql).map((row) => row[0]);
}
