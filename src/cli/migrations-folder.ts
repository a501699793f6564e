import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Migration,
  type MigrationLayout,
  type NextMigrationFile,
  splitMigrationFiles,
} from '../index.ts';
import { CliError, describeFsError, unreadable } from './cli-error.ts';
import { replaceAtomically, temporaryBeside, writeSynced } from './database-file.ts';

/** The migrations of a folder and the schema to compare with. */
export interface MigrationSet {
  migrations: Migration[];
  schema: string | undefined;
  /** Where the schema came from (`DIR/schema.sql`, `--schema FILE`); null without one. */
  schemaSource: string | null;
}

/** Where the schema comes from (the folder's `schema.sql`, another file, or nowhere), and the layout. */
export interface SchemaChoice {
  schemaFile: string | null;
  noSchema: boolean;
  /** The folder's layout; null to tell it from the files. */
  layout?: MigrationLayout | null;
}

/**
 * Reads the folder's migrations (sorted in run order by the core, in whichever layout the folder
 * has) and picks the schema. A bad file name or layout surfaces as the core's `BAD_NAME`,
 * `DUPLICATE_NUMBER`, `MIXED_LAYOUT` or `BAD_LAYOUT` error, which names the files.
 */
export function readMigrationFolder(
  dir: string,
  choice: SchemaChoice,
  files: Record<string, string> = readMigrationFiles(dir),
): MigrationSet {
  if (Object.keys(files).length === 0) {
    throw unreadable(dir, 'no .sql files in this folder');
  }
  const { migrations, schema: folderSchema } = splitMigrationFiles(files, {
    layout: choice.layout ?? undefined,
  });

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

/** Options of `readMigrationFiles`. */
export interface ReadOptions {
  /**
   * Also read drizzle-kit's snapshots (`meta/*_snapshot.json`, beside its journal), which a new
   * migration of a drizzle-kit folder carries on from; the runner itself never needs them.
   */
  snapshots?: boolean;
}

/**
 * A folder's migration files by their path in it, as `splitMigrationFiles` takes them (the build
 * reads folders this way too): the `*.sql` files, Prisma's `<folder>/migration.sql` and
 * drizzle-kit's `meta/_journal.json`. Throws `UNREADABLE_INPUT` naming what it could not read.
 */
export function readMigrationFiles(dir: string, options: ReadOptions = {}): Record<string, string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw unreadable(dir, `cannot read the migrations folder: ${describeFsError(error)}`, error);
  }
  const files: Record<string, string> = {};
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // A Prisma migration is a folder; drizzle-kit keeps its journal in meta/.
      const inside = entry.name === 'meta' ? '_journal.json' : 'migration.sql';
      if (existsSync(join(path, inside)))
        files[`${entry.name}/${inside}`] = readTextFile(join(path, inside));
      if (entry.name === 'meta' && options.snapshots && existsSync(join(path, inside)))
        for (const name of readdirSync(path))
          if (name.endsWith('_snapshot.json'))
            files[`meta/${name}`] = readTextFile(join(path, name));
    }
    // Only *.sql files are migrations; a README or an editor's backup file beside them is not.
    else if (entry.name.endsWith('.sql')) files[entry.name] = readTextFile(path);
  }
  return files;
}

/**
 * Writes a new migration file into the folder, never over another file: it is written whole
 * and synced under a temporary name, then linked in under its own, which fails if that name
 * was taken meanwhile. A migration runs as soon as it is in the folder, so none may ever be
 * there half written. Returns its path; `WRITE_FAILED` when it could not be written.
 */
export function writeMigrationFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  const temporary = temporaryBeside(path);
  try {
    writeSynced(temporary, new TextEncoder().encode(text), 0o644);
    linkSync(temporary, path);
  } catch (error) {
    throw writeFailed(path, error);
  } finally {
    rmSync(temporary, { force: true });
  }
  return path;
}

/**
 * Writes the files of a new migration (`nextMigration`'s), all or none: each new file as
 * `writeMigrationFile` writes one (a new folder, as Prisma's migration is, appears whole, renamed
 * in), then each file that is rewritten (drizzle-kit's journal), replaced atomically and only if
 * it is as it was read. Should anything fail, what was written is removed again. The rewritten
 * file comes last because it is what makes the others a migration: until drizzle-kit's journal
 * lists the new file, drizzle's migrator never runs it, and this runner refuses it by name, so
 * even a crash between two files cannot make a half-written migration run. Returns the paths.
 */
export function writeMigrationFiles(dir: string, files: readonly NextMigrationFile[]): string[] {
  const created: string[] = [];
  try {
    for (const file of files.filter((file) => file.replaces === undefined))
      created.push(createFile(dir, file));
    for (const file of files)
      if (file.replaces !== undefined) replaceFile(dir, file.path, file.replaces, file.text);
  } catch (error) {
    for (const path of created.reverse()) rmSync(path, { recursive: true, force: true });
    throw error;
  }
  return files.map((file) => join(dir, file.path));
}

/** Writes a new file; returns what to remove to undo it (the file, or the folder made for it). */
function createFile(dir: string, file: NextMigrationFile): string {
  const [folder, ...inside] = file.path.split('/');
  if (inside.length === 0 || existsSync(join(dir, folder as string)))
    return writeMigrationFile(dir, file.path, file.text);
  // A new folder is filled under a temporary name and renamed in, so it is never seen empty.
  const path = join(dir, folder as string);
  const temporary = temporaryBeside(path);
  try {
    const inner = join(temporary, ...inside);
    mkdirSync(dirname(inner), { recursive: true });
    writeSynced(inner, new TextEncoder().encode(file.text), 0o644);
    renameSync(temporary, path);
  } catch (error) {
    throw writeFailed(path, error);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return path;
}

/** Replaces a file that must still hold `expected`, atomically (temporary file, rename). */
function replaceFile(dir: string, name: string, expected: string, text: string): void {
  const path = join(dir, name);
  if (readTextFile(path) !== expected)
    throw new CliError(
      'WRITE_FAILED',
      `${path}: changed since it was read, by another program writing the folder; run the command again (nothing was written)`,
      { file: path },
    );
  try {
    replaceAtomically(path, new TextEncoder().encode(text), statSync(path).mode & 0o777);
  } catch (error) {
    throw writeFailed(path, error);
  }
}

function writeFailed(path: string, error: unknown): CliError {
  return new CliError(
    'WRITE_FAILED',
    `${path}: could not write: ${describeFsError(error)} (nothing was written)`,
    { file: path, cause: error },
  );
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
