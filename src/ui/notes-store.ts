import { type Generated, Kysely } from 'kysely';
import type { MigratedDatabase } from '../browser.ts';
import { liveQuery, MigratedDatabaseDialect } from '../kysely.ts';

/** The demo's notes table, as the notes list reads and writes it through Kysely. */
interface NotesSchema {
  notes: {
    id: Generated<number>;
    slug: string;
    content: string;
    created_at: Generated<string>;
  };
}

/** A note as the list shows it. */
export interface Note {
  id: number;
  slug: string;
  content: string;
  created_at: string;
}

/** The notes list's queries, typed by Kysely and run on the migrated database. */
export interface NotesStore {
  /** Hears every note, newest first, now and whenever they change in this tab or another. */
  watch(onNotes: (notes: Note[]) => void, onError: (error: Error) => void): () => void;
  /** Adds a note; its slug is made from the text and kept unique with a random suffix. */
  add(content: string): Promise<void>;
  remove(id: number): Promise<void>;
}

export function notesStore(database: MigratedDatabase): NotesStore {
  const db = new Kysely<NotesSchema>({ dialect: new MigratedDatabaseDialect(database) });
  return {
    watch: (onNotes, onError) =>
      liveQuery(
        database,
        db
          .selectFrom('notes')
          .select(['id', 'slug', 'content', 'created_at'])
          .orderBy('id', 'desc'),
        onNotes,
        onError,
      ),
    async add(content) {
      await db
        .insertInto('notes')
        .values({ slug: slugFor(content), content })
        .execute();
    },
    async remove(id) {
      await db.deleteFrom('notes').where('id', '=', id).execute();
    },
  };
}

function slugFor(content: string): string {
  const words = content
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0]?.toString(36) ?? '0';
  return `${words || 'note'}-${suffix}`;
}
