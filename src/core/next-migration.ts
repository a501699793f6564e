import { MigrationError } from './errors.ts';
import { DRIZZLE_JOURNAL, FLYWAY_FILE, PRISMA_FILE, UP_DOWN_FILE } from './layouts.ts';
import { folderPath, splitMigrationFiles } from './names.ts';
import {
  descriptionWords,
  type FirstNumber,
  joinWords,
  nextMigrationName,
  nextNumber,
} from './next-name.ts';
import type { Migration, MigrationLayout } from './types.ts';
import { compareVersions } from './versions.ts';

/**
 * The next migration of a folder in any layout this runner reads, named and laid out the way
 * that layout's own tool writes a new one, so the tool (and this runner) reads it back last.
 */

/** One file of the next migration: its path in the migrations folder, and its text. */
export interface NextMigrationFile {
  path: string;
  text: string;
  /**
   * What the file is: the migration (the part that runs), its empty down part (golang-migrate,
   * sqlx's reversible files), or drizzle-kit's snapshot and journal.
   */
  role: 'migration' | 'down' | 'snapshot' | 'journal';
  /**
   * For a file that exists and is rewritten (drizzle-kit's journal): the text it had when the
   * folder was read. A writer replaces it only while it still has this text. Absent for a new file.
   */
  replaces?: string;
}

/** The next migration of a folder: its layout, its name, and the files that make it. */
export interface NextMigration {
  layout: MigrationLayout;
  /** Its name, as the runner reads and records it: its path in the folder. */
  name: string;
  /**
   * drizzle-kit, where its journal's entries have `breakpoints`: the statements are to be
   * separated by `--> statement-breakpoint` lines (`generateMigration`'s `breakpoints`).
   */
  breakpoints: boolean;
  /**
   * The files to write for a migration whose SQL is `sql`, the migration's own file first and a
   * file that is rewritten (drizzle-kit's journal) last: once it is written, the migration exists.
   */
  files(sql: string): NextMigrationFile[];
}

/** Options of `nextMigration`. */
export interface NextMigrationOptions {
  /** The folder's layout; by default it is told from the files, as `splitMigrationFiles` does. */
  layout?: MigrationLayout | undefined;
  /** The time that timestamps are taken from; now by default. */
  now?: Date | undefined;
  /** drizzle-kit: the id of the snapshot written beside the migration; a random UUID by default. */
  snapshotId?: string | undefined;
}

/**
 * The next migration of a folder (path → text, as `splitMigrationFiles` takes it, with drizzle-kit's
 * snapshots when there are any), for a change described in words (`add note pinned`), named as the
 * folder's tool names a new one:
 *
 * - this runner's: `009_add_note_pinned.sql` (`nextMigrationName`);
 * - golang-migrate: `10_add_note_pinned.up.sql` and an empty `.down.sql`;
 * - sqlx: `<version>_add_note_pinned.sql`, or an `.up.sql` and an empty `.down.sql` where the
 *   folder's migrations are reversible;
 * - dbmate: `<version>_add_note_pinned.sql` with `-- migrate:up` and `-- migrate:down`;
 * - Flyway: `V4__add_note_pinned.sql`, the next whole version after the highest (`V1.2` → `V2`);
 * - Prisma: `<timestamp>_add_note_pinned/migration.sql`;
 * - drizzle-kit: `0004_add_note_pinned.sql`, a snapshot and a journal entry, as
 *   `drizzle-kit generate --custom` writes them.
 *
 * Numbers follow the folder's (one past the highest, as wide; or the time, where they are
 * timestamps); an empty folder starts where its tool starts. The folder is checked as the runner
 * checks it, and a name its tool would not run last is refused.
 */
export function nextMigration(
  folder: Record<string, string>,
  description: string,
  options: NextMigrationOptions = {},
): NextMigration {
  const split = splitMigrationFiles(folder, { layout: options.layout });
  const layout = split.layout ?? options.layout ?? 'sqljs-migrate';
  const context: FolderContext = {
    folder: byFolderPath(folder),
    migrations: split.migrations,
    description,
    words: descriptionWords(description),
    now: options.now ?? new Date(),
    snapshotId: options.snapshotId,
  };
  const next = { layout, breakpoints: false, ...NAMERS[layout](context) };
  assertRunsLast(context.folder, next);
  return next;
}

/** What each layout's namer knows of the folder. */
interface FolderContext {
  /** The folder's files by their path in it. */
  folder: Record<string, string>;
  /** Its migrations, checked and in run order. */
  migrations: Migration[];
  description: string;
  words: string[];
  now: Date;
  snapshotId: string | undefined;
}

/** A migration named, before the layout is added. */
type Named = Omit<NextMigration, 'layout' | 'breakpoints'> & { breakpoints?: boolean };

type Namer = (context: FolderContext) => Named;

const NAMERS: Record<MigrationLayout, Namer> = {
  'sqljs-migrate': ({ migrations, description, now }) => {
    const name = nextMigrationName(
      migrations.map((migration) => migration.name),
      description,
      now,
    );
    return { name, files: (sql) => [{ path: name, text: sql, role: 'migration' }] };
  },
  'golang-migrate': (context) => upAndDown(numberedStem(context, UP_DOWN_FILE, 'timestamp')),
  sqlx: (context) => {
    // A simple file's description, or a reversible one's without its `.up`.
    const stem = numberedStem(context, /^(\d+)_(.+?)(?:\.up)?\.sql$/, 'timestamp');
    // sqlx's own `migrate add` makes a new migration reversible when the folder's are.
    if (context.migrations.some((migration) => UP_DOWN_FILE.test(migration.name)))
      return upAndDown(stem);
    return single(`${stem}.sql`);
  },
  dbmate: (context) => {
    const name = `${numberedStem(context, /^(\d+)_?(.*)\.sql$/, 'timestamp')}.sql`;
    return {
      name,
      files: (sql) => [
        {
          path: name,
          text: `-- migrate:up\n${endLine(sql)}\n-- migrate:down\n`,
          role: 'migration',
        },
      ],
    };
  },
  prisma: ({ migrations, words, now }) => {
    const folders = migrations.map(
      (m) => (PRISMA_FILE.exec(m.name) as RegExpExecArray)[1] as string,
    );
    const number = nextNumber(
      ascending(folders.flatMap((name) => /^\d+/.exec(name)?.[0] ?? [])),
      now,
      'timestamp',
    );
    // Prisma writes the name it is given as a lower-case slug.
    return single(`${number}_${words.join('_').toLowerCase()}/migration.sql`);
  },
  flyway: ({ migrations, words, now }) => {
    // The next whole version after the highest: it comes after every dotted version too.
    const majors = migrations.map((m) => (m.origin?.version ?? '').split('.')[0] as string);
    const descriptions = migrations.map((m) => (FLYWAY_FILE.exec(m.name)?.[3] ?? '') as string);
    const number = nextNumber(ascending(majors), now, '1');
    return single(`V${number}__${joinWords(words, descriptions)}.sql`);
  },
  'drizzle-kit': nextDrizzleKit,
};

/** `<next number>_<words>` after names matched by `pattern` (number, description). */
function numberedStem(
  { migrations, words, now }: FolderContext,
  pattern: RegExp,
  first: FirstNumber,
): string {
  const matches = migrations.map((migration) => pattern.exec(migration.name) as RegExpExecArray);
  const number = nextNumber(ascending(matches.map((match) => match[1] as string)), now, first);
  return `${number}_${joinWords(
    words,
    matches.map((match) => match[2] as string),
  )}`;
}

/** An `.up.sql` that runs and an empty `.down.sql` beside it. */
function upAndDown(stem: string): Named {
  const name = `${stem}.up.sql`;
  return {
    name,
    files: (sql) => [
      { path: name, text: sql, role: 'migration' },
      { path: `${stem}.down.sql`, text: '', role: 'down' },
    ],
  };
}

function single(name: string): Named {
  return { name, files: (sql) => [{ path: name, text: sql, role: 'migration' }] };
}

/** Numbers as written, in ascending order of value. */
function ascending(digits: readonly string[]): string[] {
  return [...digits].sort(compareVersions);
}

function endLine(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** One entry of drizzle-kit's journal, as `drizzle-kit generate` writes it. */
interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

/** The `_meta` drizzle-kit gives a snapshot of a custom migration: nothing renamed. */
const EMPTY_SNAPSHOT_META = { columns: {}, schemas: {}, tables: {} };

/**
 * drizzle-kit: what `drizzle-kit generate --custom` writes. Its migrator runs what the journal
 * lists, so the migration gets an entry there (`idx` one past the last, the snapshot's `version`,
 * `when`, `tag`, the last entry's `breakpoints`); drizzle-kit keeps a snapshot of the schema per
 * migration, which for a custom one is the latest snapshot under a new id, pointing back at it.
 */
function nextDrizzleKit({ folder, words, now, snapshotId }: FolderContext): Named {
  const journalText = folder[DRIZZLE_JOURNAL];
  if (journalText === undefined)
    throw drizzleRefusal(
      [DRIZZLE_JOURNAL],
      `${DRIZZLE_JOURNAL}: missing, so there is no journal to add the migration to`,
      words,
    );
  const journal = JSON.parse(journalText) as { entries: Partial<JournalEntry>[] };
  const last = journal.entries.at(-1);
  const snapshotPath = Object.keys(folder)
    .filter((path) => /^meta\/[^/]*_snapshot\.json$/.test(path))
    // drizzle-kit carries on from the last snapshot in this order.
    .sort()
    .at(-1);
  const previous = snapshotPath === undefined ? null : snapshotOf(folder[snapshotPath] as string);
  if (snapshotPath === undefined || previous === null)
    throw drizzleRefusal(
      [snapshotPath ?? 'meta/'],
      `${snapshotPath ?? 'meta/'}: ${snapshotPath === undefined ? 'no snapshot' : 'not a snapshot drizzle-kit wrote'}, and drizzle-kit writes each migration's from the one before`,
      words,
    );

  const idx = typeof last?.idx === 'number' ? last.idx + 1 : journal.entries.length;
  const prefix = drizzlePrefix(last?.tag, idx, now, words);
  const tag = `${prefix}_${joinWords(
    words,
    journal.entries.map((entry) => (entry.tag ?? '').replace(/^\d*_/, '')),
  )}`;
  const name = `${tag}.sql`;
  const { id, prevId: _, ...rest } = previous;
  const snapshot: Record<string, unknown> = { id: snapshotId ?? randomId(), prevId: id, ...rest };
  snapshot._meta = EMPTY_SNAPSHOT_META;
  const entry: JournalEntry = {
    idx,
    version: typeof previous.version === 'string' ? previous.version : (last?.version ?? '6'),
    // drizzle's migrator runs only entries whose `when` is past the last one it recorded.
    when: Math.max(now.getTime(), ...journal.entries.map((e) => (e.when ?? 0) + 1)),
    tag,
    breakpoints: last?.breakpoints ?? true,
  };
  const journalAfter = { ...journal, entries: [...journal.entries, entry] };
  return {
    name,
    breakpoints: entry.breakpoints,
    files: (sql) => [
      { path: name, text: sql, role: 'migration' },
      {
        path: `meta/${prefix}_snapshot.json`,
        text: JSON.stringify(snapshot, null, 2),
        role: 'snapshot',
      },
      {
        path: DRIZZLE_JOURNAL,
        text: JSON.stringify(journalAfter, null, 2),
        role: 'journal',
        replaces: journalText,
      },
    ],
  };
}

/** A snapshot's fields; null for text that is not a JSON object with a string `id`. */
function snapshotOf(text: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { id?: unknown }).id === 'string'
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * The tag's prefix in the mode the last tag shows (drizzle-kit's `migrations.prefix`): `index`
 * (`0004`, the default), `timestamp` (UTC, to the second), `unix` (seconds) or `none`.
 */
function drizzlePrefix(
  lastTag: string | undefined,
  idx: number,
  now: Date,
  words: string[],
): string {
  const digits = lastTag === undefined ? '' : (/^(\d*)_/.exec(lastTag)?.[1] ?? null);
  if (digits === null)
    throw drizzleRefusal(
      [DRIZZLE_JOURNAL],
      `${DRIZZLE_JOURNAL}: its last tag, ${lastTag}, has no prefix drizzle-kit writes`,
      words,
    );
  if (lastTag === undefined || (digits.length > 0 && digits.length < 10))
    return String(idx).padStart(4, '0');
  if (digits === '') return '';
  if (digits.length === 10)
    return String(Math.max(Math.floor(now.getTime() / 1000), Number(digits) + 1));
  return nextNumber([digits], now, 'timestamp');
}

/** A new migration drizzle-kit's files cannot be given here: drizzle-kit itself must write it. */
function drizzleRefusal(files: string[], reason: string, words: string[]): MigrationError {
  return new MigrationError(
    'CANNOT_GENERATE',
    `${reason}; run \`drizzle-kit generate --custom --name ${words.join('_')}\` instead, which writes the migration, its snapshot and its journal entry`,
    { files, migrationName: files[0], tool: 'drizzle-kit' },
  );
}

/** A version 4 UUID, as drizzle-kit gives its snapshots, from the platform's random source. */
function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID === undefined)
    throw new Error('No crypto.randomUUID here: give nextMigration a snapshotId');
  return crypto.randomUUID();
}

/** The folder's files by their path in it (`meta/_journal.json`, not a glob's `/drizzle/meta/…`). */
function byFolderPath(folder: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(folder).map(([path, text]) => [folderPath(path), text]));
}

/**
 * Refuses a name the folder's tool would not run last: dbmate and Prisma run files in name order,
 * so `10_x.sql` after an unpadded `9_y.sql` would run before `2_z.sql`.
 */
function assertRunsLast(folder: Record<string, string>, next: NextMigration): void {
  const after = { ...folder };
  for (const file of next.files('')) after[file.path] = file.text;
  const order = splitMigrationFiles(after, { layout: next.layout }).migrations;
  const position = order.findIndex((migration) => migration.name === next.name);
  if (position === order.length - 1) return;
  const following = order[position + 1]?.name;
  throw new MigrationError(
    'CANNOT_GENERATE',
    `${next.name}: ${next.layout} would run it before ${following}, not last, since it runs its files in name order; zero-pad the folder's numbers so names sort as they run, or name this migration by hand`,
    { migrationName: next.name, files: [next.name] },
  );
}
