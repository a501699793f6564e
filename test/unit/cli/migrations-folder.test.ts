import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCliError } from '../../../src/cli/cli-error.ts';
import { readMigrationFiles } from '../../../src/cli/migrations-folder.ts';
import { makeTempDir, writeFolder } from './cli-harness.ts';

/** A folder holding one migration of these bytes. */
function folderWithBytes(bytes: Uint8Array): string {
  const dir = writeFolder(makeTempDir(), 'migrations', {});
  writeFileSync(join(dir, '001_notes.sql'), bytes);
  return dir;
}

function refusal(dir: string): string {
  try {
    readMigrationFiles(dir);
  } catch (error) {
    if (isCliError(error) && error.code === 'UNREADABLE_INPUT') return error.message;
    throw error;
  }
  throw new Error('the folder was read');
}

const text = (sql: string) => [...Buffer.from(sql, 'utf8')];
const INSERT = "INSERT INTO notes VALUES ('";

describe('readMigrationFiles on a file that is not UTF-8', () => {
  it.each([
    ['Latin-1 é, a lead byte without its continuation', [0xe9, 0x74, 0xe9]],
    ['a continuation byte with no lead', [0x80]],
    ['a sequence cut off at the end of the file', [0xe2, 0x82]],
    ['a surrogate, which UTF-8 never encodes', [0xed, 0xa0, 0x80]],
    ['an overlong form of "/"', [0xc0, 0xaf]],
  ])('refuses %s, naming the file, the byte, its offset and line', (_, bad) => {
    const bytes = new Uint8Array([...text(`-- ok: café\n${INSERT}`), ...bad, ...text("');\n")]);
    const offset = text(`-- ok: café\n${INSERT}`).length;
    const dir = folderWithBytes(bytes);

    const message = refusal(dir);

    expect(message).toBe(
      `${join(dir, '001_notes.sql')}: not UTF-8 text: the byte 0x${(bad[0] as number).toString(16)} at offset ${offset} (counting from 0; line 2) begins no valid UTF-8 character; save the file as UTF-8`,
    );
  });

  it('keeps a byte-order mark as part of the text, as before, so checksums do not change', () => {
    const dir = folderWithBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...text('SELECT 1;\n')]));

    expect(readMigrationFiles(dir)['001_notes.sql']).toBe('\uFEFFSELECT 1;\n');
  });
});
