import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_SCHEMA } from '../helpers/demo-migrations.ts';
import { sqlite3, sqlite3Rows } from '../helpers/native-sqlite.ts';
import { expectState } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { buildUrl } from './support/sites.ts';
import { legacyFile } from './support/upload-files.ts';
import { applyUpgrade, downloadUpgraded, pickFile } from './support/upload-page.ts';

/** The schema's objects as the native shell lists them (the ledger and SQLite's own left out). */
const OBJECTS =
  "SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY type, name";

test('the downloaded file opens in the native sqlite3 shell, passes integrity_check and has the current schema', async ({
  page,
}) => {
  await page.goto(buildUrl('base'));
  await expectState(page, 'ready');
  await pickFile(page, legacyFile(1));
  await applyUpgrade(page);
  const download = await downloadUpgraded(page);

  const dir = mkdtempSync(path.join(tmpdir(), 'sqljs-migrate-download-'));
  try {
    const upgraded = path.join(dir, download.name);
    writeFileSync(upgraded, download.bytes);
    expect(sqlite3(upgraded, 'PRAGMA integrity_check;').stdout.trim()).toBe('ok');
    expect(sqlite3(upgraded, 'PRAGMA foreign_key_check;').stdout.trim()).toBe('');

    // The same objects as a database the native shell builds from schema.sql.
    const current = path.join(dir, 'current.db');
    sqlite3(current, DEMO_SCHEMA);
    expect(sqlite3Rows(upgraded, OBJECTS)).toEqual(sqlite3Rows(current, OBJECTS));
    expect(sqlite3Rows(upgraded, 'SELECT slug FROM notes ORDER BY id')).toEqual([
      { slug: 'hello-world' },
      { slug: 'draft' },
      { slug: 'sqlite-notes' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
