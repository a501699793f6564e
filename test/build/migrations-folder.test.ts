import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { checkMigrationsFolder, resolveMigrationsDir } from '../../vite.config.ts';

const PROJECT = path.resolve(import.meta.dirname, '../..');

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqljs-migrate-folder-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('resolveMigrationsDir', () => {
  it('defaults to the project’s migrations folder', () => {
    expect(resolveMigrationsDir('/app', {})).toBe('/app/migrations');
  });

  it('reads MIGRATIONS_DIR relative to the project', () => {
    expect(resolveMigrationsDir('/app', { MIGRATIONS_DIR: 'db/migrations' })).toBe(
      '/app/db/migrations',
    );
  });

  it('takes an absolute MIGRATIONS_DIR as it is', () => {
    expect(resolveMigrationsDir('/app', { MIGRATIONS_DIR: '/srv/sql' })).toBe('/srv/sql');
  });
});

describe('checkMigrationsFolder', () => {
  it('accepts the demo’s migrations', () => {
    expect(checkMigrationsFolder(path.join(PROJECT, 'migrations'))).toBeNull();
  });

  it('accepts a folder without schema.sql', () => {
    expect(
      checkMigrationsFolder(
        folderWith({ '001_create_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY);' }),
      ),
    ).toBeNull();
  });

  it('names a file whose name is not NNN_description.sql', () => {
    const dir = folderWith({ '001_create_notes.sql': 'SELECT 1;', 'add_tags.sql': 'SELECT 1;' });
    expect(checkMigrationsFolder(dir)).toContain('add_tags.sql');
  });

  it('names a file that is not UTF-8, and the byte, as the command line does', () => {
    const dir = folderWith({ '001_create_notes.sql': 'SELECT 1;' });
    writeFileSync(path.join(dir, '002_accents.sql'), Buffer.from("SELECT 'caf\xe9';", 'latin1'));
    expect(checkMigrationsFolder(dir)).toBe(
      `Migrations in ${dir}: ${path.join(dir, '002_accents.sql')}: not UTF-8 text: the byte 0xe9 at offset 11 (counting from 0; line 1) begins no valid UTF-8 character; save the file as UTF-8`,
    );
  });

  it('says so when the folder does not exist', () => {
    expect(checkMigrationsFolder('/nonexistent/migrations')).toContain(
      'MIGRATIONS_DIR /nonexistent/migrations is not a folder',
    );
  });
});

describe('vite build', () => {
  it('fails with the bad file’s name when MIGRATIONS_DIR holds a badly named migration', async () => {
    const dir = folderWith({ '001_create_notes.sql': 'SELECT 1;', 'add_tags.sql': 'SELECT 1;' });
    const outDir = mkdtempSync(path.join(tmpdir(), 'sqljs-migrate-out-'));
    mkdirSync(outDir, { recursive: true });
    const previous = process.env.MIGRATIONS_DIR;
    process.env.MIGRATIONS_DIR = dir;
    try {
      await expect(
        // No public folder: the demo's samples are not written into the working tree.
        build({
          root: PROJECT,
          logLevel: 'silent',
          publicDir: false,
          build: { outDir, write: false },
        }),
      ).rejects.toThrow(/add_tags\.sql/);
    } finally {
      if (previous === undefined) delete process.env.MIGRATIONS_DIR;
      else process.env.MIGRATIONS_DIR = previous;
    }
  });
});
