import { randomBytes } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Migration, SCHEMA_FILE_NAME, splitMigrationFiles } from '../index.ts';
import { CliError, describeFsError, unreadable } from './cli-error.ts';
import { writeSynced } from './database-file.ts';

/** The migrations of a folder and the schema to compare with. */
export interface MigrationSet {
  migrations: Migration[];
  schema: string | undefined;
  /** Where the schema came from (`DIR/schema.sql`, `--schema FILE`); null without one. */
  schemaSource: string | null;
}

/** Where the schema comes from: the folder's `schema.sql`, another file, or nowhere. */
export interface SchemaChoice {
  schemaFile: string | null;
  noSchema: boolean;
}

/**
 * Reads `DIR/*.sql` into migrations (sorted in run order by the core) and picks the schema.
 * A bad file name surfaces as the core's `BAD_NAME` / `DUPLICATE_NUMBER` error, which names it.
 */
export function readMigrationFolder(dir: string, choice: SchemaChoice): MigrationSet {
  const files = readSqlFiles(dir);
  if (Object.keys(files).length === 0) {
    throw unreadable(dir, 'no .sql files in this folder');
  }
  const { migrations, schema: folderSchema } = splitMigrationFiles(files);

  if (choice.schemaFile !== null) {
    return {
      migrations,
      schema: readTextFile(choice.schemaFile),
      schemaSource: choice.schemaFile,
    };
  }
  if (choice.noSchema || folderSchema === undefined) {
    return { migrations, schema: undefined, schemaSource: null };
  }
  return { migrations, schema: folderSchema, schemaSource: join(dir, 'schema.sql') };
}

/**
 * The `*.sql` files of a folder by name, as `splitMigrationFiles` takes them (the build and the
 * sample builder read folders this way too). Throws `UNREADABLE_INPUT` naming what it could not read.
 */
export function readSqlFiles(dir: string): Record<string, string> {
  return Object.fromEntries(sqlFileNames(dir).map((name) => [name, readTextFile(join(dir, name))]));
}

/** The names of the folder's migrations: its `*.sql` files but `schema.sql`. */
export function migrationFileNames(dir: string): string[] {
  return sqlFileNames(dir).filter((name) => name !== SCHEMA_FILE_NAME);
}

/** The names of a folder's `*.sql` files; `UNREADABLE_INPUT` for a folder that cannot be read. */
function sqlFileNames(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw unreadable(dir, `cannot read the migrations folder: ${describeFsError(error)}`, error);
  }
  // Only *.sql files are migrations; a README or an editor's backup file beside them is not.
  return entries
    .filter((entry) => entry.name.endsWith('.sql') && !entry.isDirectory())
    .map((entry) => entry.name);
}

/**
 * Writes a new migration file into the folder, never over another file: it is written whole
 * and synced under a temporary name, then linked in under its own, which fails if that name
 * was taken meanwhile. A migration runs as soon as it is in the folder, so none may ever be
 * there half written. Returns its path; `WRITE_FAILED` when it could not be written.
 */
export function writeMigrationFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeSynced(temporary, new TextEncoder().encode(text), 0o644);
    linkSync(temporary, path);
  } catch (error) {
    throw new CliError(
      'WRITE_FAILED',
      `${path}: could not write: ${describeFsError(error)} (nothing was written)`,
      { file: path, cause: error },
    );
  } finally {
    rmSync(temporary, { force: true });
  }
  return path;
}

/**
 * Decodes strictly: a byte that is not UTF-8 would otherwise become U+FFFD, silently, in the SQL
 * that runs and in the checksum the ledger keeps. A byte-order mark stays part of the text, as
 * it always has, so checksums recorded before are unchanged.
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A SQL file's text; refuses, naming the byte, a file that is not UTF-8. */
function readTextFile(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(path, `cannot read: ${describeFsError(error)}`, error);
  }
  try {
    return STRICT_UTF8.decode(bytes);
  } catch (error) {
    const offset = invalidUtf8Offset(bytes);
    const line = bytes.subarray(0, offset).filter((byte) => byte === 0x0a).length + 1;
    const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    throw unreadable(
      path,
      `not UTF-8 text: the byte 0x${byte} at offset ${offset} (counting from 0; line ${line}) begins no valid UTF-8 character; save the file as UTF-8`,
      error,
    );
  }
}

/**
 * Where the first ill-formed UTF-8 sequence starts (the decoder says only that there is one):
 * a byte that cannot lead, a lead without its continuation bytes, or an overlong form, a
 * surrogate or a code point past U+10FFFF, which the second byte's range rules out.
 */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const length =
      lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf))
        return i;
    }
    i += length;
  }
  return bytes.length;
}
