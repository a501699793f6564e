import initSqlJs from 'sql.js';
import { describe, expect, it, vi } from 'vitest';
import { DatabaseError } from '../../../src/browser/database-error.ts';
import { DatabaseHost } from '../../../src/browser/database-host.ts';
import type { ImageStore, SaveRequest, StoredImage } from '../../../src/browser/image-store.ts';
import type { OpenRequest } from '../../../src/browser/worker-protocol.ts';

// In Node sql.js finds its wasm itself; the loader's Vite asset URL means nothing here.
vi.mock('../../../src/browser/sql-loader.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  loadSqlJs: () => initSqlJs(),
}));

const FIRST = {
  name: '001_create_notes.sql',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, slug TEXT);',
};
const SECOND = { name: '002_add_title.sql', sql: 'ALTER TABLE notes ADD COLUMN title TEXT;' };

function request(migrations: OpenRequest['migrations'], schema: string): OpenRequest {
  return { name: 'notes', migrations, schema, runOptions: {}, storage: 'auto' };
}

/** An image store in memory whose saves can be made to fail, recording every save it took. */
function fakeStore() {
  let image: StoredImage = { bytes: undefined, generation: 0 };
  const fake = {
    saves: [] as SaveRequest[],
    failSaves: false,
    /** Another tab's save, landing just before the next save of the host under test. */
    interleave: undefined as StoredImage | undefined,
    reset(to: StoredImage) {
      image = to;
    },
    store: {
      kind: 'indexeddb',
      // A fresh copy on every read, as IndexedDB gives: the host may write into what it read.
      load: async () => ({ bytes: image.bytes?.slice(), generation: image.generation }),
      loadGeneration: async () => image.generation,
      async save(saved) {
        if (fake.failSaves) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
        if (fake.interleave !== undefined) image = fake.interleave;
        fake.interleave = undefined;
        // The compare-and-set IndexedDB's store makes (see writeSave).
        if (saved.generation !== image.generation + 1)
          throw new DatabaseError('CONFLICT', 'Another tab saved first.');
        fake.saves.push(saved);
        image = { bytes: saved.bytes, generation: saved.generation };
      },
      listBackups: async () => [],
      readBackup: async () => undefined,
      replace: async () => {
        throw new Error('not used here');
      },
    } satisfies ImageStore,
  };
  return fake;
}

async function openHost(
  fake: ReturnType<typeof fakeStore>,
  migrations: OpenRequest['migrations'],
  schema: string,
) {
  const host = new DatabaseHost(() => fake.store);
  const opened = await host.open(request(migrations, schema), () => {});
  expect(opened.ok).toBe(true);
  return host;
}

describe('DatabaseHost', () => {
  it('keeps the pre-migration backup for the next save when the save after a migrating load failed', async () => {
    const fake = fakeStore();
    const first = await openHost(fake, [FIRST], FIRST.sql);
    await first.close();
    const beforeMigration = fake.saves[0]?.bytes;

    fake.failSaves = true;
    const second = await openHost(fake, [FIRST, SECOND], `${FIRST.sql}\n${SECOND.sql}`);
    fake.failSaves = false;
    const written = await second.write([
      { sql: "INSERT INTO notes (slug, title) VALUES ('a', 'A')" },
    ]);
    await second.close();

    expect(written.ok).toBe(true);
    const last = fake.saves.at(-1);
    expect(last?.backup?.reason).toBe('pre-migration');
    expect(last?.backup?.bytes).toEqual(beforeMigration);
  });

  it('refuses a write through query and keeps the row', async () => {
    const fake = fakeStore();
    const host = await openHost(fake, [FIRST], FIRST.sql);
    await host.write([{ sql: "INSERT INTO notes (slug) VALUES ('a')" }]);
    const deleted = await host.query('DELETE FROM notes', undefined);
    const rows = await host.query('SELECT slug FROM notes', undefined);
    await host.close();
    expect(deleted).toMatchObject({ ok: false, error: { code: 'SQL_FAILED' } });
    expect(rows).toEqual({ ok: true, value: [{ slug: 'a' }] });
  });

  it("retries a write whose save lost the race on top of the other tab's image", async () => {
    const fake = fakeStore();
    const first = await openHost(fake, [FIRST], FIRST.sql);
    await first.write([{ sql: "INSERT INTO notes (slug) VALUES ('a')" }]);
    await first.close();
    const [created, withA] = fake.saves;
    if (created === undefined || withA === undefined) throw new Error('expected two saves');

    fake.reset({ bytes: created.bytes, generation: created.generation });
    const second = await openHost(fake, [FIRST], FIRST.sql);
    fake.interleave = { bytes: withA.bytes, generation: withA.generation };
    const written = await second.write([{ sql: "INSERT INTO notes (slug) VALUES ('b')" }]);
    const rows = await second.query('SELECT slug FROM notes ORDER BY id', undefined);
    await second.close();

    expect(written).toMatchObject({ ok: true, value: { generation: 3 } });
    expect(rows).toEqual({ ok: true, value: [{ slug: 'a' }, { slug: 'b' }] });
  });
});
