import { describe, expect, it } from 'vitest';
import { tablesRead } from '../../../../src/browser/worker/live-queries.ts';
import { databaseFrom } from '../../../helpers/sqljs.ts';

const db = databaseFrom(`
  CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, author INTEGER);
  CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
  CREATE TABLE tags (note INTEGER, name TEXT);
  CREATE INDEX tags_by_name ON tags (name);
  CREATE VIEW signed AS SELECT notes.body, authors.name FROM notes JOIN authors ON authors.id = notes.author;
  CREATE VIRTUAL TABLE search USING fts4(body);
`);

const read = (sql: string) => {
  const tables = tablesRead(db, sql);
  return tables === 'all' ? 'all' : [...tables].sort();
};

describe('tablesRead', () => {
  it.each([
    ['SELECT body FROM notes', ['notes']],
    ['SELECT * FROM notes JOIN authors ON authors.id = notes.author', ['authors', 'notes']],
    ['SELECT * FROM signed', ['authors', 'notes']],
    ["SELECT note FROM tags WHERE name = 'x'", ['tags']],
    ['SELECT (SELECT count(*) FROM tags) AS n, body FROM notes', ['notes', 'tags']],
    ['SELECT 1', []],
  ])('names the tables %s reads', (sql, tables) => {
    expect(read(sql)).toEqual(tables);
  });

  it('says a read of a virtual table can be touched by anything', () => {
    expect(read("SELECT body FROM search WHERE search MATCH 'x'")).toBe('all');
  });
});
