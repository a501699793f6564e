import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberNativeChecksums } from '../../../src/browser/warm-up.ts';
import { rememberChecksum } from '../../../src/core/checksum.ts';
import { checksumOf } from '../../../src/index.ts';

const demo = readdirSync('migrations')
  .filter((name) => name.endsWith('.sql'))
  .map((name) => readFileSync(`migrations/${name}`, 'utf8'));

/** Line endings of every kind, text outside ASCII, a lone surrogate, nothing at all. */
const awkward = [
  'CREATE TABLE a (x);\r\nCREATE TABLE b (y);\rCREATE TABLE c (z);\n',
  "INSERT INTO notes (body) VALUES ('café — 日本語 — 🦆');",
  "SELECT '\ud800 alone';",
  '',
];

describe('rememberNativeChecksums', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('gives the runner the very checksums it computes itself', async () => {
    const texts = [...demo, ...awkward];
    // Computed by the runner first, so what the native digests then overwrite can be compared.
    const computed = texts.map((sql) => checksumOf(sql));
    const migrations = texts.map((sql, index) => ({ name: `${index}.sql`, sql }));
    expect(await rememberNativeChecksums(migrations)).toBe(true);
    expect(texts.map((sql) => checksumOf(sql))).toEqual(computed);
  });

  it('hands the native digests to the runner, which then computes nothing itself', async () => {
    const digest = async () => new Uint8Array(32).fill(0xab).buffer;
    vi.stubGlobal('crypto', { subtle: { digest } });
    const sql = 'CREATE TABLE only_here (x);';
    expect(await rememberNativeChecksums([{ name: '1.sql', sql }])).toBe(true);
    expect(checksumOf(sql)).toBe('ab'.repeat(32));
  });

  it('says so where the browser offers no native digest', async () => {
    vi.stubGlobal('crypto', {});
    expect(await rememberNativeChecksums([{ name: '1.sql', sql: 'SELECT 1;' }])).toBe(false);
  });
});

describe('rememberChecksum', () => {
  it('is what checksumOf answers from then on', () => {
    const sql = 'CREATE TABLE remembered (x);';
    rememberChecksum(sql, 'f'.repeat(64));
    expect(checksumOf(sql)).toBe('f'.repeat(64));
  });
});
