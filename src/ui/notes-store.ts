import type { MigratedDatabase } from '../browser.ts';

/** A note as the list shows it. */
export interface Note {
  id: number;
  slug: string;
  content: string;
  created_at: string;
}

/** Every note, newest first. */
export function listNotes(db: MigratedDatabase): Promise<Note[]> {
  return db.query<Note & Record<string, never>>(
    'SELECT id, slug, content, created_at FROM notes ORDER BY id DESC',
  );
}

/** Adds a note; its slug is made from the text and kept unique with a random suffix. */
export async function addNote(db: MigratedDatabase, content: string): Promise<void> {
  await db.exec('INSERT INTO notes (slug, content) VALUES (?, ?)', [slugFor(content), content]);
}

export async function deleteNote(db: MigratedDatabase, id: number): Promise<void> {
  await db.exec('DELETE FROM notes WHERE id = ?', [id]);
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
