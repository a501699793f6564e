import { describe, expect, it } from 'vitest';
import { checkHeader, checkSize } from '../../../../src/upload/worker/checks.ts';
import { demoDatabaseAt } from '../../../helpers/demo-data.ts';

const VALID = demoDatabaseAt(3).export();
const PAGE_SIZE = 4096;
const MB = 1024 * 1024;

const sized = (
  sizeBytes: number,
  limits: { maxBytes?: number; availableBytes?: number | null } = {},
) =>
  checkSize({
    fileName: 'x.db',
    sizeBytes,
    maxBytes: limits.maxBytes ?? 100 * MB,
    availableBytes: limits.availableBytes === undefined ? 1024 * MB : limits.availableBytes,
  });

const headed = (bytes: Uint8Array) =>
  checkHeader({
    fileName: 'x.db',
    sizeBytes: bytes.byteLength,
    head: bytes.subarray(0, 100),
    maxBytes: 100 * MB,
    availableBytes: null,
  });

function changed(at: number, values: number[], from: Uint8Array = VALID): Uint8Array {
  const copy = Uint8Array.from(from);
  copy.set(values, at);
  return copy;
}

describe('checkSize', () => {
  it.each([
    ['an empty file', 0, {}, 'NOT_A_DATABASE', 'x.db is empty (0 bytes)'],
    ['a file over the limit', 3 * MB, { maxBytes: 2 * MB }, 'TOO_LARGE', 'larger than the 2.0 MB'],
    [
      'a file larger than the space left',
      3 * MB,
      { availableBytes: MB },
      'NO_ROOM',
      'lets the site store only 1.0 MB more',
    ],
  ])('refuses %s', (_, size, limits, code, says) => {
    const result = sized(size, limits);
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? '' : result.message).toContain(says);
  });

  it('passes a file within both, saying so', () => {
    expect(sized(MB)).toMatchObject({
      ok: true,
      checks: [
        { name: 'size', level: 'ok' },
        { name: 'room', level: 'ok' },
      ],
    });
  });

  it('warns, without refusing, when the browser does not say how much space is left', () => {
    const result = sized(MB, { availableBytes: null });
    expect(result.ok && result.checks[1]).toMatchObject({ name: 'room', level: 'warning' });
  });
});

describe('checkHeader', () => {
  it('reads the page size and count of a valid file', () => {
    expect(headed(VALID)).toMatchObject({
      ok: true,
      facts: { pageSize: PAGE_SIZE, pageCount: VALID.byteLength / PAGE_SIZE },
    });
  });

  it.each([
    ['a file shorter than the header', VALID.subarray(0, 50), 'NOT_A_DATABASE', 'only 50 B'],
    [
      'another format',
      changed(0, [...new TextEncoder().encode('PK')]),
      'NOT_A_DATABASE',
      'does not begin',
    ],
    ['a page size SQLite never writes', changed(16, [0x03, 0x00]), 'CORRUPT', 'page size of 768'],
    ['wrong payload fractions', changed(21, [65]), 'CORRUPT', 'fixed fields'],
    [
      'a length between pages',
      VALID.subarray(0, PAGE_SIZE * 2 + 10),
      'CORRUPT',
      'not a whole number',
    ],
    ['fewer pages than the header counts', VALID.subarray(0, PAGE_SIZE * 2), 'CORRUPT', 'counts'],
  ])('refuses %s', (_, bytes, code, says) => {
    const result = headed(bytes);
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? '' : result.message).toContain(says);
  });

  it('accepts the page size 65536, which the header writes as 1', () => {
    const big = new Uint8Array(65536 * 2);
    big.set(changed(16, [0, 1]).subarray(0, 100));
    // The header's page count is only trusted when its change counters agree; make them not.
    big.set([0, 0, 0, 9], 92);
    expect(headed(big)).toMatchObject({ ok: true, facts: { pageSize: 65536, pageCount: 2 } });
  });

  it('warns that a file in WAL mode may lack what its -wal file holds', () => {
    const result = headed(changed(18, [2, 2]));
    expect(result.ok && result.checks.map((check) => check.name)).toEqual(['header', 'journal']);
  });
});
