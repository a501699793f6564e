import { describe, expect, test } from 'vitest';
import { runMigrations, verifyMigrations } from '../../../src/index.ts';
import { migration } from '../../helpers/migration-error.ts';
import { databaseFrom, memoryDatabase } from '../../helpers/sqljs.ts';

/** A factory like the CLI's: every database it hands over has foreign keys on. */
const withForeignKeysOn = () => {
  const db = memoryDatabase();
  db.run('PRAGMA foreign_keys = ON');
  return db;
};

/**
 * Tables rebuilt by rename, create, copy, drop. Since SQLite 3.26 the rename rewrites other
 * tables' REFERENCES to the old name, so with foreign keys on the later DROP TABLE looks up a
 * parent that is gone; a real run, with foreign keys off around each migration, does not.
 */
function renameRebuildHistory(tag: string) {
  return [
    migration(
      `001_${tag}.sql`,
      `CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE);
CREATE TABLE post_reader (post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                          author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE);
`,
    ),
    migration(
      '002_author_role.sql',
      `PRAGMA foreign_keys = off;
ALTER TABLE author RENAME TO _author_old;
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'USER');
INSERT INTO author (id, name) SELECT id, name FROM _author_old;
DROP TABLE _author_old;
PRAGMA foreign_keys = on;
`,
    ),
    migration(
      '003_post_title.sql',
      `PRAGMA foreign_keys = off;
ALTER TABLE post RENAME TO _post_old;
CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE, title TEXT);
INSERT INTO post (id, author_id) SELECT id, author_id FROM _post_old;
DROP TABLE _post_old;
PRAGMA foreign_keys = on;
`,
    ),
  ];
}

describe('scratch databases from a factory that hands them over with foreign keys on', () => {
  test('verify passes a rename-and-copy history that a real run applies', () => {
    const report = verifyMigrations(renameRebuildHistory('verify'), {
      createDatabase: withForeignKeysOn,
    });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  test('detection recognises an untracked database built by that history', () => {
    const history = renameRebuildHistory('detect');
    const db = databaseFrom(history.map((m) => m.sql).join('\n'));
    const report = runMigrations(db, history, { createDatabase: withForeignKeysOn });
    expect(report.legacyVersion).toBe('003_post_title.sql');
  });

  test('schema.sql runs as on a fresh database, with foreign keys off until it is done', () => {
    // A child row written before its parent table exists: a fresh run accepts it, since the
    // parent row is there by the time the foreign keys are checked.
    const schema = `CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id));
INSERT INTO post (id, author_id) VALUES (1, 1);
CREATE TABLE author (id INTEGER PRIMARY KEY);
INSERT INTO author (id) VALUES (1);
`;
    const report = verifyMigrations(
      [
        migration(
          '001_post_and_author.sql',
          `CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id));
CREATE TABLE author (id INTEGER PRIMARY KEY);
`,
        ),
      ],
      { schema, createDatabase: withForeignKeysOn },
    );
    expect(report.problems).toEqual([]);
    // …as a fresh run does (asked second: the schema's fingerprint is cached by its text).
    expect(runMigrations(withForeignKeysOn(), [], { schema }).state).toBe('fresh');
  });
});
