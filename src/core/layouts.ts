import { MigrationError, messageOf } from './errors.ts';
import type { Migration, MigrationLayout } from './types.ts';
import {
  compareText,
  compareVersionParts,
  compareVersions,
  refuseSharedVersions,
  versionParts,
} from './versions.ts';

/**
 * Reading a migrations folder laid out by another tool, as that tool reads it: which files are
 * migrations, what part of each runs (the up part only), and in what order. Each reader refuses
 * what its tool would refuse, and what would make the order a guess, naming the files.
 */

/** A file of the folder: its path relative to the migrations folder, and its text. */
export interface FolderFile {
  path: string;
  text: string;
}

/** What a reader makes of the folder's migration files. */
type LayoutReader = (files: readonly FolderFile[], journal: FolderFile | null) => Migration[];

/** Prisma's folder-per-migration: the folder's name is the migration's. */
export const PRISMA_FILE = /^([^/]+)\/migration\.sql$/;
/** golang-migrate's, and sqlx's reversible files. */
export const UP_DOWN_FILE = /^(\d+)_(.+)\.(up|down)\.sql$/;
/** sqlx's simple files: a number sqlx reads as an i64, an underscore, anything, `.sql`. */
const SQLX_SIMPLE_FILE = /^(\d+)_(.+)\.sql$/;
/** The files dbmate reads: a number first, `.sql` last. */
const DBMATE_FILE = /^(\d+).*\.sql$/;
/** Flyway's versioned (`V`) and undo (`U`) migrations; `_` in a version reads as `.`. */
export const FLYWAY_FILE = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const FLYWAY_REPEATABLE = /^R__.+\.sql$/;
/** dbmate's directives, as dbmate finds them: at the start of a line, options may follow. */
const DBMATE_UP = /^--\s*migrate:up(\s*$|\s+\S+)/m;
const DBMATE_DOWN = /^--\s*migrate:down(\s*$|\s+\S+)$/m;
/** This runner's own names. */
export const NATIVE_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$/;

/** drizzle-kit's journal, beside the migrations in `meta/`. */
export const DRIZZLE_JOURNAL = 'meta/_journal.json';

const READERS: Record<Exclude<MigrationLayout, 'sqljs-migrate'>, LayoutReader> = {
  'drizzle-kit': readDrizzleKit,
  'golang-migrate': (files) => readUpDown(files, 'golang-migrate'),
  dbmate: readDbmate,
  prisma: readPrisma,
  sqlx: readSqlx,
  flyway: readFlyway,
};

/** Every folder layout the runner reads, as the `layout` option names it. */
export const MIGRATION_LAYOUTS: readonly MigrationLayout[] = [
  'sqljs-migrate',
  ...(Object.keys(READERS) as Exclude<MigrationLayout, 'sqljs-migrate'>[]),
];

/**
 * The layout of a folder's migration files: the one `asked` for, or the one their names (and a
 * drizzle-kit journal, or dbmate's directives) show. Files of two layouts, or of none, are refused.
 */
export function folderLayout(
  files: readonly FolderFile[],
  journal: FolderFile | null,
  asked: MigrationLayout | undefined,
): MigrationLayout {
  if (asked !== undefined) return asked;
  if (journal !== null) return 'drizzle-kit';
  const byLayout = new Map<MigrationLayout, string[]>();
  for (const file of files) {
    const layout = layoutOfFile(file);
    if (layout === null) throw badName(file.path);
    byLayout.set(layout, [...(byLayout.get(layout) ?? []), file.path]);
  }
  if (byLayout.size > 1) {
    const examples = [...byLayout].map(([layout, paths]) => `${paths[0]} (${layout})`);
    throw new MigrationError(
      'MIXED_LAYOUT',
      `The migrations folder mixes the files of ${byLayout.size} layouts: ${examples.join(', ')}; keep one layout, or say which with the layout option (--layout)`,
      { files: [...byLayout.values()].map((paths) => paths[0] as string) },
    );
  }
  return [...byLayout.keys()][0] ?? 'sqljs-migrate';
}

/** The layout one file's name (and, for dbmate, its directives) belongs to; null for none. */
function layoutOfFile({ path, text }: FolderFile): MigrationLayout | null {
  if (PRISMA_FILE.test(path)) return 'prisma';
  if (path.includes('/')) return null;
  if (FLYWAY_FILE.test(path) || FLYWAY_REPEATABLE.test(path)) return 'flyway';
  if (UP_DOWN_FILE.test(path)) return 'golang-migrate';
  if (DBMATE_FILE.test(path) && DBMATE_UP.test(text)) return 'dbmate';
  if (NATIVE_NAME.test(path)) return 'sqljs-migrate';
  return null;
}

/** The migrations of a folder of another tool's layout, in that tool's order. */
export function readLayout(
  layout: Exclude<MigrationLayout, 'sqljs-migrate'>,
  files: readonly FolderFile[],
  journal: FolderFile | null,
): Migration[] {
  return READERS[layout](files, journal);
}

/**
 * drizzle-kit: the journal lists the migrations in run order, each by its tag (`0000_name`, the
 * file `0000_name.sql`) and the time drizzle records for it. The whole file runs: its
 * `--> statement-breakpoint` lines are SQL comments.
 */
function readDrizzleKit(files: readonly FolderFile[], journal: FolderFile | null): Migration[] {
  if (journal === null)
    throw badLayout(
      [DRIZZLE_JOURNAL],
      `${DRIZZLE_JOURNAL}: missing; drizzle-kit orders its migrations by this journal, so include it (a Vite glob of '**/*.{sql,json}' does)`,
    );
  const entries = journalEntries(journal);
  const byPath = new Map(files.map((file) => [file.path, file]));
  const listed = new Set<string>();
  const migrations = entries.map((entry, position): Migration => {
    const path = `${entry.tag}.sql`;
    const file = byPath.get(path);
    if (file === undefined)
      throw badLayout(
        [DRIZZLE_JOURNAL, path],
        `${DRIZZLE_JOURNAL} lists ${entry.tag}, but there is no ${path}; restore the file, or regenerate the journal with drizzle-kit`,
      );
    listed.add(path);
    return {
      name: path,
      sql: file.text,
      origin: { layout: 'drizzle-kit', version: entry.tag, position, createdAt: entry.when },
    };
  });
  const unlisted = files.filter((file) => !listed.has(file.path)).map((file) => file.path);
  if (unlisted.length > 0)
    throw badLayout(
      unlisted,
      `${unlisted.join(', ')}: not in ${DRIZZLE_JOURNAL}, so drizzle's migrator would never run ${unlisted.length === 1 ? 'it' : 'them'}; add ${unlisted.length === 1 ? 'it' : 'them'} to the journal with drizzle-kit, or remove ${unlisted.length === 1 ? 'it' : 'them'}`,
    );
  return migrations;
}

interface JournalEntry {
  tag: string;
  when: number;
}

/** The journal's entries, in its order; a journal drizzle-kit would not have written is refused. */
function journalEntries(journal: FolderFile): JournalEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(journal.text);
  } catch (error) {
    throw badLayout([DRIZZLE_JOURNAL], `${DRIZZLE_JOURNAL}: not JSON (${messageOf(error)})`);
  }
  const { dialect, entries } = (parsed ?? {}) as { dialect?: unknown; entries?: unknown };
  if (typeof dialect === 'string' && dialect !== 'sqlite' && dialect !== 'turso')
    throw badLayout(
      [DRIZZLE_JOURNAL],
      `${DRIZZLE_JOURNAL}: written for ${dialect}, not SQLite; its SQL is for another database`,
    );
  const valid =
    Array.isArray(entries) &&
    entries.every(
      (entry) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as { tag?: unknown }).tag === 'string' &&
        typeof (entry as { when?: unknown }).when === 'number',
    );
  if (!valid)
    throw badLayout(
      [DRIZZLE_JOURNAL],
      `${DRIZZLE_JOURNAL}: has no list of entries with a tag and a when, as drizzle-kit writes them`,
    );
  return entries as JournalEntry[];
}

/**
 * golang-migrate (and sqlx's reversible files): `<version>_<title>.up.sql` runs, its `.down.sql`
 * does not; versions are numbers, compared as numbers.
 */
function readUpDown(files: readonly FolderFile[], layout: 'golang-migrate' | 'sqlx'): Migration[] {
  return numbered(upFiles(files, layout), layout);
}

/** The up files of up/down pairs; a down file without its up file is refused. */
function upFiles(files: readonly FolderFile[], layout: MigrationLayout): FolderFile[] {
  const ups: FolderFile[] = [];
  const downs: FolderFile[] = [];
  for (const file of files) {
    const match = UP_DOWN_FILE.exec(file.path);
    if (match === null)
      throw layoutName(file.path, layout, '1_create_users.up.sql, with 1_create_users.down.sql');
    (match[3] === 'up' ? ups : downs).push(file);
  }
  const upVersions = new Set(ups.map((file) => BigInt(leadingDigits(file.path))));
  for (const down of downs) {
    const version = leadingDigits(down.path);
    if (!upVersions.has(BigInt(version)))
      throw badLayout(
        [down.path],
        `${down.path}: a down file with no up file for version ${version}; add the up file, or remove it`,
      );
  }
  return ups;
}

/** sqlx: `<version>_<description>.sql`, or reversible `.up.sql`/`.down.sql`; by version. */
function readSqlx(files: readonly FolderFile[]): Migration[] {
  const reversible = files.filter((file) => UP_DOWN_FILE.test(file.path));
  const simple = files.filter((file) => !UP_DOWN_FILE.test(file.path));
  for (const file of simple)
    if (!SQLX_SIMPLE_FILE.test(file.path))
      throw layoutName(file.path, 'sqlx', '20240101120000_create_users.sql');
  return numbered([...simple, ...upFiles(reversible, 'sqlx')], 'sqlx');
}

/**
 * dbmate: `<version>_<name>.sql` holding `-- migrate:up` and then `-- migrate:down`; the up part
 * runs (from its directive to the down one). dbmate takes the files in name order.
 */
function readDbmate(files: readonly FolderFile[]): Migration[] {
  const migrations = files.map((file): Migration => {
    if (!DBMATE_FILE.test(file.path))
      throw layoutName(file.path, 'dbmate', '20240101120000_create_users.sql');
    return { name: file.path, sql: dbmateUpPart(file) };
  });
  const sorted = migrations.sort((a, b) => compareText(a.name, b.name));
  refuseSharedVersions(
    sorted.map((migration) => ({ name: migration.name, version: leadingDigits(migration.name) })),
  );
  return sorted.map((migration, position) => ({
    ...migration,
    origin: { layout: 'dbmate', version: leadingDigits(migration.name), position },
  }));
}

/** The up part of a dbmate file, refused as dbmate refuses it. */
function dbmateUpPart({ path, text }: FolderFile): string {
  const up = DBMATE_UP.exec(text);
  const down = DBMATE_DOWN.exec(text);
  if (up === null)
    throw badLayout([path], `${path}: no "-- migrate:up" line; dbmate needs one before the up SQL`);
  if (down === null)
    throw badLayout(
      [path],
      `${path}: no "-- migrate:down" line; dbmate needs one after the up SQL (it may be followed by nothing)`,
    );
  if (down.index < up.index)
    throw badLayout([path], `${path}: "-- migrate:down" comes before "-- migrate:up"`);
  const before = text.slice(0, up.index).split('\n');
  if (before.some((line) => !/^\s*$/.test(line) && !/^\s*--/.test(line)))
    throw badLayout(
      [path],
      `${path}: SQL before "-- migrate:up", which dbmate does not allow; move it below the directive`,
    );
  return text.slice(up.index, down.index);
}

/** Prisma: a folder per migration, `<timestamp>_<name>/migration.sql`, in folder name order. */
function readPrisma(files: readonly FolderFile[]): Migration[] {
  for (const file of files)
    if (!PRISMA_FILE.test(file.path))
      throw layoutName(file.path, 'prisma', '20240101120000_init/migration.sql');
  return [...files]
    .sort((a, b) => compareText(a.path, b.path))
    .map((file, position) => ({
      name: file.path,
      sql: file.text,
      origin: {
        layout: 'prisma',
        version: (PRISMA_FILE.exec(file.path) as RegExpExecArray)[1] as string,
        position,
      },
    }));
}

/**
 * Flyway: `V<version>__<description>.sql` runs in version order (`1.1` before `1.10`); an undo
 * file (`U…`) is a down part. Repeatable migrations (`R__`) run again whenever they change, which
 * this runner has no way to do, so they are refused.
 */
function readFlyway(files: readonly FolderFile[]): Migration[] {
  const versioned: { file: FolderFile; version: string; parts: bigint[] }[] = [];
  for (const file of files) {
    if (FLYWAY_REPEATABLE.test(file.path))
      throw badLayout(
        [file.path],
        `${file.path}: a Flyway repeatable migration, which runs again whenever it changes; this runner runs each migration once, so make it a versioned one (V…__)`,
      );
    const match = FLYWAY_FILE.exec(file.path);
    if (match === null) throw layoutName(file.path, 'flyway', 'V1__create_users.sql');
    if (match[1] === 'U') continue;
    const version = (match[2] as string).replaceAll('_', '.');
    versioned.push({ file, version, parts: versionParts(version) as bigint[] });
  }
  versioned.sort((a, b) => compareVersionParts(a.parts, b.parts));
  refuseSharedVersions(versioned.map(({ file, version }) => ({ name: file.path, version })));
  return versioned.map(({ file, version }, position) => ({
    name: file.path,
    sql: file.text,
    origin: { layout: 'flyway', version, position },
  }));
}

/** Files whose names start with a version number, in numeric order, each with its origin. */
function numbered(files: readonly FolderFile[], layout: MigrationLayout): Migration[] {
  const sorted = [...files].sort((a, b) =>
    compareVersions(leadingDigits(a.path), leadingDigits(b.path)),
  );
  refuseSharedVersions(
    sorted.map((file) => ({ name: file.path, version: leadingDigits(file.path) })),
  );
  return sorted.map((file, position) => ({
    name: file.path,
    sql: file.text,
    origin: { layout, version: leadingDigits(file.path), position },
  }));
}

function leadingDigits(name: string): string {
  return /^\d+/.exec(name)?.[0] ?? '';
}

/** A file whose name is not a migration's of this runner's layout (nor of another's). */
export function badName(name: string): MigrationError {
  return new MigrationError(
    'BAD_NAME',
    `${name}: a migration's file name must look like 001_add_code_verifier.sql (a number, an underscore, a description, .sql), or follow another tool's layout (drizzle-kit, golang-migrate, dbmate, Prisma, sqlx, Flyway); rename the file`,
    { migrationName: name },
  );
}

function layoutName(name: string, layout: MigrationLayout, example: string): MigrationError {
  return new MigrationError(
    'BAD_NAME',
    `${name}: not a ${layout} migration's name, which looks like ${example}; rename the file, or choose another layout`,
    { migrationName: name },
  );
}

function badLayout(files: readonly string[], reason: string): MigrationError {
  return new MigrationError('BAD_LAYOUT', reason, { files, migrationName: files[0] });
}
