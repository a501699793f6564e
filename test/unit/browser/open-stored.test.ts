import { describe, expect, it } from 'vitest';
import { openAndMigrate } from '../../../src/browser/open-stored.ts';
import { runMigrations } from '../../../src/index.ts';
import { openDatabase, SQL } from '../../helpers/sqljs.ts';

const first = {
  name: '001_notes.sql',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);',
};
const second = { name: '002_title.sql', sql: 'ALTER TABLE notes ADD COLUMN title TEXT;' };
const failing = { name: '002_broken.sql', sql: 'ALTER TABLE missing ADD COLUMN x TEXT;' };

/** The stored image of a database migrated with `migrations`, holding one note. */
function imageAt(migrations: { name: string; sql: string }[]): Uint8Array {
  const db = openDatabase();
  runMigrations(db, migrations);
  db.run("INSERT INTO notes (body) VALUES ('kept')");
  const bytes = db.export();
  db.close();
  return bytes;
}

function value(db: { exec(sql: string): { values: unknown[][] }[] }, sql: string): unknown {
  return db.exec(sql)[0]?.values[0]?.[0];
}

describe('openAndMigrate', () => {
  it('opens an up-to-date image on its own bytes, and writes land in them', () => {
    const bytes = imageAt([first]);
    const opened = openAndMigrate(SQL, bytes, [first], {});
    expect(opened.inPlace).toBe(true);
    expect(opened.report.changed).toBe(false);
    expect(opened.report.upToDate).toBe(true);
    expect(value(opened.db, 'PRAGMA query_only')).toBe(0);
    expect(value(opened.db, 'PRAGMA foreign_keys')).toBe(1);

    const before = bytes.slice();
    opened.db.run("UPDATE notes SET body = 'changed in place'");
    expect(Buffer.from(bytes).equals(Buffer.from(before))).toBe(false);
    const reopened = openDatabase(bytes);
    expect(value(reopened, 'SELECT body FROM notes')).toBe('changed in place');
    reopened.close();
    opened.db.close();
  });

  it('migrates a copy when a migration is pending, leaving the stored bytes as they were', () => {
    const bytes = imageAt([first]);
    const original = bytes.slice();
    const opened = openAndMigrate(SQL, bytes, [first, second], {});
    expect(opened.inPlace).toBe(false);
    expect(opened.report.executed).toEqual(['002_title.sql']);
    expect(
      value(opened.db, "SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'title'"),
    ).toBe(1);
    expect(value(opened.db, 'SELECT body FROM notes')).toBe('kept');
    expect(value(opened.db, 'PRAGMA foreign_keys')).toBe(1);
    expect(Buffer.from(bytes).equals(Buffer.from(original))).toBe(true);
    opened.db.close();
  });

  it('throws the run’s own error for a failing migration, the stored bytes untouched', () => {
    const bytes = imageAt([first]);
    const original = bytes.slice();
    expect(() => openAndMigrate(SQL, bytes, [first, failing], {})).toThrow(
      expect.objectContaining({ code: 'SQL_FAILED', migrationName: '002_broken.sql' }),
    );
    expect(Buffer.from(bytes).equals(Buffer.from(original))).toBe(true);
  });

  it('throws what a read-only run refuses, as the run on a copy does', () => {
    const bytes = imageAt([first, second]);
    expect(() => openAndMigrate(SQL, bytes, [first], {})).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_APPLIED' }),
    );
  });

  it('creates a fresh database when nothing is stored', () => {
    const opened = openAndMigrate(SQL, undefined, [first, second], {});
    expect(opened.inPlace).toBe(false);
    expect(opened.report.state).toBe('fresh');
    expect(opened.report.executed).toEqual(['001_notes.sql', '002_title.sql']);
    opened.db.close();
  });

  it('baselines an untracked legacy image on a copy', () => {
    const legacy = openDatabase();
    legacy.exec(first.sql);
    const bytes = legacy.export();
    legacy.close();
    const original = bytes.slice();
    const opened = openAndMigrate(SQL, bytes, [first, second], {});
    expect(opened.inPlace).toBe(false);
    expect(opened.report.state).toBe('legacy');
    expect(opened.report.executed).toEqual(['002_title.sql']);
    expect(Buffer.from(bytes).equals(Buffer.from(original))).toBe(true);
    opened.db.close();
  });
});
