import { describe, expect, test } from 'vitest';
import { nextMigrationName } from '../../../src/index.ts';
import { DEMO_MIGRATIONS } from '../../helpers/demo-migrations.ts';
import { catchMigrationError } from '../../helpers/migration-error.ts';

const NOW = new Date('2026-03-04T05:06:07Z');

describe('the next migration name', () => {
  test.each([
    ['the first of a folder, three digits wide', [], 'create notes', '001_create_notes.sql'],
    ['one past the highest, padded as the others', ['001_a.sql', '002_b.sql'], 'c', '003_c.sql'],
    ['past a folder that starts at 000', ['000_init.sql'], 'next', '001_next.sql'],
    ['padded four wide where the folder is', ['0009_a.sql'], 'b', '0010_b.sql'],
    ['wider than the padding once it must be', ['999_a.sql'], 'b', '1000_b.sql'],
    ['unpadded where the folder is', ['1_a.sql', '9_b.sql'], 'c', '10_c.sql'],
    ['by number, not by name order', ['10_a.sql', '9_b.sql'], 'c', '11_c.sql'],
    [
      'with words joined by -, as the folder joins them',
      ['001_add-notes.sql'],
      'add tags',
      '002_add-tags.sql',
    ],
    [
      'with words joined by _ where the folder mixes them',
      ['001_a-b.sql', '002_c_d.sql'],
      'e f',
      '003_e_f.sql',
    ],
    [
      'with its words as written, punctuation and .sql dropped',
      [],
      'Add note, pinned!.sql',
      '001_Add_note_pinned.sql',
    ],
    [
      'as a timestamp where the folder numbers by time',
      ['20240101120000_a.sql'],
      'b',
      '20260304050607_b.sql',
    ],
    ['one past a timestamp from the future', ['20990101120000_a.sql'], 'b', '20990101120001_b.sql'],
  ])('is %s', (_, existing, description, expected) => {
    expect(nextMigrationName(existing, description, NOW)).toBe(expected);
  });

  test("follows the demo's own folder", () => {
    expect(
      nextMigrationName(
        DEMO_MIGRATIONS.map((m) => m.name),
        'add note pinned',
      ),
    ).toBe('009_add_note_pinned.sql');
  });

  test.each([
    [
      'a description with no letter or digit',
      [],
      '--',
      'BAD_NAME',
      '"--": a migration\'s description needs a letter or a digit',
    ],
    [
      'a folder holding a misnamed migration',
      ['001_a.sql', 'notes.sql'],
      'b',
      'BAD_NAME',
      "notes.sql: a migration's file name must look like",
    ],
    [
      'a folder with two files of one number',
      ['001_a.sql', '001_b.sql'],
      'c',
      'DUPLICATE_NUMBER',
      '001_b.sql: shares its number with 001_a.sql',
    ],
  ])('refuses %s', (_, existing, description, code, message) => {
    const error = catchMigrationError(() => nextMigrationName(existing, description, NOW));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});
