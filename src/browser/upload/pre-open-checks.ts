import { checkDatabaseHeader, DATABASE_HEADER_BYTES as HEADER_BYTES } from '../../index.ts';
import { formatBytes } from '../byte-size.ts';
import type { UploadCheck } from './upload-protocol.ts';

/**
 * The checks an uploaded file gets before SQLite sees a byte of it: its size, against the
 * configured limit and the space the browser still allows, and its 100-byte header (by the
 * core's rules, which the command line applies too). Pure, so the page's rules can be tested
 * without a browser.
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
 * Checks the header (`checkDatabaseHeader`): a file that is not SQLite's, or that is damaged or
 * cut off, is refused with the numbers before SQLite reads it.
 */
export function checkHeader(
  input: PreOpenInput & { head: Uint8Array },
): { ok: true; facts: HeaderFacts; checks: UploadCheck[] } | Rejection {
  const { fileName, sizeBytes, head } = input;
  const header = checkDatabaseHeader(head, sizeBytes);
  if (!header.ok) return reject(header.code, `${fileName}: ${header.reason}.`);
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

function reject(code: Rejection['code'], message: string): Rejection {
  return { ok: false, code, message };
}
