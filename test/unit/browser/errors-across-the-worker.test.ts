import { describe, expect, it } from 'vitest';
import { DatabaseError, isDatabaseError } from '../../../src/browser/database-error.ts';
import { isQuotaError } from '../../../src/browser/image-store.ts';
import { reviveError } from '../../../src/browser/worker-protocol.ts';
import { isMigrationError, MigrationError } from '../../../src/index.ts';

describe('reviveError', () => {
  it('gives back a MigrationError with the migration, statement, line and SQLite message', () => {
    const original = new MigrationError(
      'SQL_FAILED',
      '003_x.sql line 4: no such column: y (the database is unchanged)',
      {
        migrationName: '003_x.sql',
        statement: 'UPDATE t SET y = 1',
        line: 4,
        cause: new Error('no such column: y'),
      },
    );
    const revived = reviveError(structuredClone(original.toJSON()));
    expect(isMigrationError(revived)).toBe(true);
    expect(revived).toMatchObject({
      code: 'SQL_FAILED',
      message: original.message,
      migrationName: '003_x.sql',
      statement: 'UPDATE t SET y = 1',
      line: 4,
      cause: 'no such column: y',
    });
  });

  it('gives back a DatabaseError with its code', () => {
    const revived = reviveError(
      structuredClone(new DatabaseError('OPEN_FAILED', 'no wasm').toJSON()),
    );
    expect(isDatabaseError(revived)).toBe(true);
    expect(revived).toMatchObject({ code: 'OPEN_FAILED', message: 'no wasm' });
  });
});

describe('isQuotaError', () => {
  it.each([
    [{ name: 'QuotaExceededError' }, true],
    [{ name: 'Error', code: 22 }, true],
    [{ name: 'UnknownError' }, false],
    [null, false],
  ])('%o → %s', (error, expected) => {
    expect(isQuotaError(error)).toBe(expected);
  });
});
