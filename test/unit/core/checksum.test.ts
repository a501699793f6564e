import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { checksumOf } from '../../../src/index.ts';
import { DEMO_MIGRATIONS } from '../../helpers/demo-migrations.ts';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('checksumOf', () => {
  test('is the SHA-256 of the empty text', () => {
    expect(checksumOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test.each([
    ['ascii', 'CREATE TABLE notes (id INTEGER);'],
    ['55 bytes (one block with its length)', 'x'.repeat(55)],
    ['56 bytes (the length spills into a second block)', 'x'.repeat(56)],
    ['64 bytes (exactly one block)', 'x'.repeat(64)],
    ['several blocks', 'SELECT 1;\n'.repeat(500)],
    ['accents', "INSERT INTO tags (name) VALUES ('café', 'Ærø');"],
    ['emoji (four-byte UTF-8)', "INSERT INTO notes (content) VALUES ('📝 ✓');"],
  ])("equals Node's SHA-256 for %s", (_, text) => {
    expect(checksumOf(text)).toBe(nodeSha256(text));
  });

  test.each(DEMO_MIGRATIONS.map((m) => [m.name, m.sql]))(
    "equals Node's SHA-256 for %s",
    (_, sql) => {
      expect(checksumOf(sql)).toBe(nodeSha256(sql));
    },
  );

  test('reads CRLF line endings as LF', () => {
    expect(checksumOf('SELECT 1;\r\nSELECT 2;\r\n')).toBe(checksumOf('SELECT 1;\nSELECT 2;\n'));
  });

  test('reads lone CR line endings as LF', () => {
    expect(checksumOf('SELECT 1;\rSELECT 2;\r')).toBe(checksumOf('SELECT 1;\nSELECT 2;\n'));
  });

  test('changes when the text changes, even by a comment', () => {
    expect(checksumOf('SELECT 1;\n-- later\n')).not.toBe(checksumOf('SELECT 1;\n'));
  });

  test('changes when trailing whitespace changes', () => {
    expect(checksumOf('SELECT 1; ')).not.toBe(checksumOf('SELECT 1;'));
  });
});
