/**
 * The checks a database file gets from its first 100 bytes and its length, before SQLite is
 * given it: the page that upgrades an uploaded file and the command line apply the same rules,
 * so they agree on which files are damaged. What the header holds is described at
 * https://www.sqlite.org/fileformat2.html#the_database_header.
 */

/** Every SQLite 3 file begins with these 16 bytes. */
const MAGIC = 'SQLite format 3\u0000';

/** The header's length: a file shorter than this holds no database. */
export const DATABASE_HEADER_BYTES = 100;

/** What a file's header says, or why the file is refused. */
export type DatabaseHeaderCheck =
  | {
      ok: true;
      pageSize: number;
      /** Pages the file holds, by its length. */
      pageCount: number;
      /** The header marks WAL mode: a `-wal` file beside it may hold commits this one lacks. */
      walMode: boolean;
    }
  | {
      ok: false;
      /** `NOT_A_DATABASE`: some other file; `CORRUPT`: a SQLite file that is damaged or cut off. */
      code: 'NOT_A_DATABASE' | 'CORRUPT';
      /** Why, in words that follow the file's name and a colon. */
      reason: string;
    };

/**
 * Checks SQLite's magic string, a page size SQLite can write, the fixed payload fractions, a
 * length that is a whole number of pages, and one that holds every page the header counts: a
 * cut-off download fails here, with the numbers, rather than deep inside SQLite or not at all
 * (SQLite reads a short last page as if its missing tail were zeros). `head` is the file's first
 * `DATABASE_HEADER_BYTES` bytes (or all of a shorter file); `sizeBytes` is the file's length.
 */
export function checkDatabaseHeader(head: Uint8Array, sizeBytes: number): DatabaseHeaderCheck {
  if (sizeBytes < DATABASE_HEADER_BYTES || head.byteLength < DATABASE_HEADER_BYTES)
    return refuse(
      'NOT_A_DATABASE',
      `it is only ${sizeBytes} B: a SQLite database starts with a ${DATABASE_HEADER_BYTES}-byte header, so this is not one`,
    );
  if (String.fromCharCode(...head.subarray(0, MAGIC.length)) !== MAGIC)
    return refuse(
      'NOT_A_DATABASE',
      `it does not begin with SQLite's header ("SQLite format 3"): it is not a SQLite database`,
    );
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)
    return refuse(
      'CORRUPT',
      `its header names a page size of ${rawPageSize} bytes, which SQLite never writes; the file is damaged`,
    );
  if (head[21] !== 64 || head[22] !== 32 || head[23] !== 32)
    return refuse('CORRUPT', "its header's fixed fields are wrong; the file is damaged");
  if (sizeBytes % pageSize !== 0)
    return refuse(
      'CORRUPT',
      `the file is cut off: ${sizeBytes} bytes is not a whole number of ${pageSize}-byte pages`,
    );
  const filePages = sizeBytes / pageSize;
  // The header's page count is trustworthy only when written by a SQLite that keeps it, which
  // marks it with the change counter (SQLite's own rule).
  const headerPages = view.getUint32(28);
  const headerPagesValid = headerPages > 0 && view.getUint32(24) === view.getUint32(92);
  if (headerPagesValid && headerPages > filePages)
    return refuse(
      'CORRUPT',
      `the file is cut off: its header counts ${headerPages} pages of ${pageSize} bytes (${headerPages * pageSize} bytes), but the file holds only ${filePages} (${sizeBytes} bytes)`,
    );
  return { ok: true, pageSize, pageCount: filePages, walMode: head[18] === 2 || head[19] === 2 };
}

function refuse(code: 'NOT_A_DATABASE' | 'CORRUPT', reason: string): DatabaseHeaderCheck {
  return { ok: false, code, reason };
}
