import { describe, expect, it, vi } from 'vitest';
import type { ArrivingFile } from '../../../../src/browser/storage/chunk-store.ts';
import { CHUNK_BYTES, type Manifest } from '../../../../src/browser/storage/layout.ts';
import { checkWhileReading, type Migrator } from '../../../../src/browser/worker/local-copy.ts';
import { type Migration, runMigrations } from '../../../../src/index.ts';
import { byteDifference, memoryDatabase, SQL } from '../../../helpers/sqljs.ts';

const NOTES: Migration = {
  name: '001_create_notes.sql',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);',
};
const TITLE: Migration = {
  name: '002_add_title.sql',
  sql: "ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';",
};

/** A first migration that fills a megabyte, so what later migrations add lies after it. */
const MEGABYTE_FIRST: Migration = {
  name: '000_attachments.sql',
  sql: `CREATE TABLE attachments (data BLOB);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    INSERT INTO attachments SELECT randomblob(1000) FROM n;`,
};

/** A migration whose schema outgrows the first page: its definitions lie after the megabyte. */
const WIDE_SCHEMA: Migration = {
  name: '002_wide.sql',
  sql: Array.from(
    { length: 200 },
    (_, table) =>
      `CREATE TABLE wide_${table} (${Array.from({ length: 20 }, (_, column) => `column_${column} TEXT`).join(', ')});`,
  ).join('\n'),
};

const migrator = (migrations: Migration[]): Migrator => ({ sql: SQL, migrations, options: {} });

/** A file migrated with `migrations`, with 2 MB of notes after. */
function migratedFile(migrations: Migration[]): Uint8Array {
  const db = memoryDatabase();
  runMigrations(db, migrations);
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
    INSERT INTO notes (body) SELECT printf('%0100d', i) FROM n;`);
  const bytes = db.export();
  db.close();
  return bytes;
}

/**
 * `bytes` as a read hands it over while it is under way: no chunk is in until `deliver(index)`
 * puts chunks `0 … index` in, as IndexedDB hands them back, in order.
 */
function arriving(bytes: Uint8Array) {
  const count = Math.ceil(bytes.byteLength / CHUNK_BYTES);
  const manifest: Manifest = {
    generation: 1,
    fileSize: bytes.byteLength,
    chunkSize: CHUNK_BYTES,
    chunks: new Array(count).fill(1),
  };
  const chunks = new Array<Uint8Array | undefined>(count);
  const waiting = Array.from({ length: count }, () => {
    let resolve: () => void = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    return { promise, resolve };
  });
  let delivered = -1;
  const asked = new Set<number>();
  const file: ArrivingFile = {
    manifest,
    file: { size: bytes.byteLength, chunkSize: CHUNK_BYTES, chunks },
    // Which chunks the check waited for.
    arrival: (index) => {
      asked.add(index);
      return waiting[index]?.promise ?? Promise.resolve();
    },
  };
  const deliver = (upTo: number) => {
    for (let index = delivered + 1; index <= Math.min(upTo, count - 1); index++) {
      chunks[index] = bytes.slice(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
      waiting[index]?.resolve();
    }
    delivered = Math.max(delivered, upTo);
  };
  return { file, count, deliver, asked };
}

describe('checkWhileReading', () => {
  it('settles an up-to-date file on its first chunk, before the rest has arrived', async () => {
    const bytes = migratedFile([NOTES]);
    const read = arriving(bytes);
    read.deliver(0);
    // Settles with nothing but the first chunk in: the rest never arrives before it does.
    const result = await checkWhileReading(migrator([NOTES]), read.file);
    expect([...read.asked]).toEqual([0]);
    expect(result?.report.upToDate).toBe(true);
    expect(result?.report.changed).toBe(false);
    // The rest arrives; the file the check opened is the whole file, and writable.
    read.deliver(read.count - 1);
    result?.file.db.exec("INSERT INTO notes (body) VALUES ('after')");
    expect(result?.file.db.exec('SELECT count(*) FROM notes')[0]?.values[0]?.[0]).toBe(20_001);
    result?.file.close();
  });

  it('starts again once the chunk it could not read is in, when the schema lies further on', async () => {
    const history = [MEGABYTE_FIRST, NOTES, WIDE_SCHEMA];
    const bytes = migratedFile(history);
    const read = arriving(bytes);
    const checked = checkWhileReading(migrator(history), read.file);
    read.deliver(0);
    // It waits for a chunk beyond the first, and settles only once that one is in.
    await vi.waitFor(() => expect([...read.asked].some((index) => index > 0)).toBe(true));
    read.deliver(read.count - 1);
    const result = await checked;
    expect(result?.report.upToDate).toBe(true);
    result?.file.close();
  });

  it('leaves a file with a migration to run to the run after the read, and writes nothing to it', async () => {
    const bytes = migratedFile([NOTES]);
    const read = arriving(bytes);
    const checked = checkWhileReading(migrator([NOTES, TITLE]), read.file);
    read.deliver(read.count - 1);
    expect(await checked).toBeUndefined();
    const chunks = read.file.file.chunks as Uint8Array[];
    const after = new Uint8Array(bytes.byteLength);
    for (const [index, chunk] of chunks.entries()) after.set(chunk, index * CHUNK_BYTES);
    expect(byteDifference(after, bytes)).toBeNull();
  });

  it('leaves a file whose ledger names a migration this app lacks to the run after the read', async () => {
    const bytes = migratedFile([NOTES, TITLE]);
    const read = arriving(bytes);
    read.deliver(read.count - 1);
    expect(await checkWhileReading(migrator([NOTES]), read.file)).toBeUndefined();
  });
});
