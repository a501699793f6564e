import { describe, expect, it } from 'vitest';
import { checkDatabaseHeader, DATABASE_HEADER_BYTES } from '../../../src/index.ts';
import { databaseFrom } from '../../helpers/sqljs.ts';

/** A database whose last page is an overflow page a long value only half fills. */
const VALID = (() => {
  const db = databaseFrom('CREATE TABLE notes (body TEXT);');
  db.run('INSERT INTO notes VALUES (?)', ['a long note '.repeat(700)]);
  return db.export();
})();

const check = (bytes: Uint8Array) =>
  checkDatabaseHeader(bytes.subarray(0, DATABASE_HEADER_BYTES), bytes.byteLength);

describe('checkDatabaseHeader', () => {
  it('reads the page size and count of a whole file', () => {
    expect(check(VALID)).toEqual({
      ok: true,
      pageSize: 4096,
      pageCount: VALID.byteLength / 4096,
      walMode: false,
    });
  });

  it('refuses a file cut inside the unused tail of its last page, which SQLite would open', () => {
    expect(VALID.at(-1)).toBe(0);

    const result = check(VALID.subarray(0, VALID.byteLength - 1));

    expect(result).toMatchObject({ ok: false, code: 'CORRUPT' });
    expect(result.ok ? '' : result.reason).toBe(
      `the file is cut off: ${VALID.byteLength - 1} bytes is not a whole number of 4096-byte pages`,
    );
  });

  it('says a file shorter than the header is not a database', () => {
    expect(check(VALID.subarray(0, 99))).toMatchObject({ ok: false, code: 'NOT_A_DATABASE' });
  });

  it('marks a file in WAL mode', () => {
    const wal = Uint8Array.from(VALID);
    wal.set([2, 2], 18);
    expect(check(wal)).toMatchObject({ ok: true, walMode: true });
  });
});
