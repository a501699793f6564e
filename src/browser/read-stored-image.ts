import { indexedDbImageStore } from './image-store.ts';

/**
 * The database file as IndexedDB holds it, read without opening or migrating it: what a person
 * downloads after a failed migration, to keep or to repair. Undefined when nothing is stored
 * (or IndexedDB is unavailable).
 */
export async function readStoredImage(name: string): Promise<Uint8Array | undefined> {
  try {
    return (await indexedDbImageStore(name).load()).bytes;
  } catch {
    return undefined;
  }
}
