import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/browser/database-error.ts';
import { thrown } from '../../../src/browser/upload/upload-host.ts';

describe('thrown', () => {
  it.each([
    ['inspect', 'INSPECT_FAILED'],
    ['upgrade', 'UPGRADE_FAILED'],
    ['adopt', 'SAVE_FAILED'],
  ] as const)('reports an unexpected error during %s as %s', (step, code) => {
    expect(thrown(new Error('out of memory'), step)).toEqual({
      ok: false,
      error: { name: 'DatabaseError', code, message: 'out of memory', cause: null },
    });
  });

  it('keeps the code of a DatabaseError whatever the step', () => {
    const outcome = thrown(new DatabaseError('QUOTA_EXCEEDED', 'full'), 'adopt');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
  });
});
