import type { Database } from 'sql.js';
import { formatBytes, messageOf } from './database-error.ts';
import type { TableSummary, UploadCheck } from './upload.ts';

/**
 * What an uploaded file must pass, in order: its size and its 100-byte header before SQLite sees
 * a byte of it (pure, so the rules are tested without a browser; the header is described at
 * https://www.sqlite.org/fileformat2.html#the_database_header), then, once read into the worker
 * and opened, SQLite's own integrity checks.
 */

/** Every SQLite 3 file begins with these 16 bytes. */
const MAGIC = 'SQLite format 3\u0000';
/** The header's length: a file shorter than this holds no database. */
export const HEADER_BYTES = 100;

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
};

/**
 * Checks the size alone: run first, so a file too large is refused before anything of it is
 * read. Returns the checks passed, or why the file is refused.
 */
export function checkSize(input: PreOpenInput): { ok: true; checks: UploadCheck[] } | Rejection {
  const { fileName, sizeBytes, maxBytes, availableBytes } = input;
  if (sizeBytes === 0)
    return reject('NOT_A_DATABASE', `${fileName} is empty (0 bytes): there is no database in it.`);
  if (sizeBytes > maxBytes)
    return reject(
      'TOO_LARGE',
      `${fileName} is ${formatBytes(sizeBytes)}, larger than the ${formatBytes(maxBytes)} this page accepts.`,
    );
  if (availableBytes !== null && sizeBytes > availableBytes)
    return reject(
      'NO_ROOM',
      `${fileName} is ${formatBytes(sizeBytes)}, but this browser lets the site store only ${formatBytes(Math.max(0, availableBytes))} more: free some space and try again.`,
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
 * Checks the header: SQLite's magic string, a page size SQLite can write, the fixed payload
 * fractions, and a length that holds every page the header counts (a cut-off download fails
 * here, with the numbers, rather than deep inside SQLite).
 */
export function checkHeader(
  input: PreOpenInput & { head: Uint8Array },
): { ok: true; facts: HeaderFacts; checks: UploadCheck[] } | Rejection {
  const { fileName, sizeBytes, head } = input;
  if (sizeBytes < HEADER_BYTES || head.byteLength < HEADER_BYTES)
    return reject(
      'NOT_A_DATABASE',
      `${fileName} is only ${formatBytes(sizeBytes)}: a SQLite database starts with a ${HEADER_BYTES}-byte header, so this is not one.`,
    );
  if (latin1(head.subarray(0, MAGIC.length)) !== MAGIC)
    return reject(
      'NOT_A_DATABASE',
      `${fileName} does not begin with SQLite's header ("SQLite format 3"): it is not a SQLite database.`,
    );
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)
    return reject(
      'CORRUPT',
      `${fileName}: its header names a page size of ${rawPageSize} bytes, which SQLite never writes; the file is damaged.`,
    );
  if (head[21] !== 64 || head[22] !== 32 || head[23] !== 32)
    return reject(
      'CORRUPT',
      `${fileName}: its header's fixed fields are wrong; the file is damaged.`,
    );
  if (sizeBytes % pageSize !== 0)
    return reject(
      'CORRUPT',
      `${fileName} is cut off: ${sizeBytes} bytes is not a whole number of ${pageSize}-byte pages.`,
    );
  const filePages = sizeBytes / pageSize;
  // The header's page count is trustworthy only when written by a SQLite that keeps it, which
  // marks it with the change counter (SQLite's own rule).
  const headerPages = view.getUint32(28);
  const headerPagesValid = headerPages > 0 && view.getUint32(24) === view.getUint32(92);
  if (headerPagesValid && headerPages > filePages)
    return reject(
      'CORRUPT',
      `${fileName} is cut off: its header counts ${headerPages} pages of ${pageSize} bytes (${formatBytes(headerPages * pageSize)}), but the file holds only ${filePages} (${formatBytes(sizeBytes)}).`,
    );
  const checks: UploadCheck[] = [
    {
      name: 'header',
      level: 'ok',
      detail: `SQLite 3 file, ${filePages} pages of ${pageSize} bytes`,
    },
  ];
  // Bytes 18 and 19 are 2 in WAL mode: the -wal file beside it may hold commits this one lacks.
  if (head[18] === 2 || head[19] === 2)
    checks.push({
      name: 'journal',
      level: 'warning',
      detail:
        'the file was in WAL mode: anything still in its -wal file is not part of this upload',
    });
  return { ok: true, facts: { pageSize, pageCount: filePages }, checks };
}

function reject(code: Rejection['code'], message: string): Rejection {
  return { ok: false, code, message };
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
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
  return {
    ok: false,
    code: 'CORRUPT',
    message: `${fileName} is damaged: SQLite's integrity check says ${said}.`,
  };
}

function rows(db: Database, sql: string) {
  return db.exec(sql)[0]?.values ?? [];
}

function column(db: Database, sql: string) {
  return rows(db, sql).map((row) => row[0]);
}
