import { describe, expect, it } from 'vitest';
import { indexedDbChunkStore } from '../../../../../src/browser/storage/chunk-store.ts';
import { CHUNK_BYTES } from '../../../../../src/browser/storage/layout.ts';
import type { Migration } from '../../../../../src/index.ts';
import { bigDatabase, countNotes, freshName, NOTES, open, storedFile, TITLE } from './harness.ts';

describe("a tab's writes", () => {
  it('saves a one-row write as the few chunks it changed, not the whole file', async () => {
    const { name } = await bigDatabase(20_000);
    const { host, opened } = await open(name, [NOTES]);
    const written = await host.write([
      { sql: 'INSERT INTO notes (body) VALUES (?)', params: ['one more'] },
    ]);
    await host.close();
    expect(written.saved.wholeFile).toBe(false);
    // The header's chunk and the one the row went to, of the file's several dozen.
    expect(opened.info.sizeBytes).toBeGreaterThan(40 * CHUNK_BYTES);
    expect(written.saved.bytesWritten).toBeLessThanOrEqual(2 * CHUNK_BYTES);
    expect(countNotes(await storedFile(name))).toBe(20_001);
  });

  it('saves a write that grew the file over pages SQLite left unwritten, and loads it again', async () => {
    const { name } = freshName();
    const blobs: Migration = {
      name: '001_blobs.sql',
      sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB); CREATE TABLE f (v BLOB); CREATE TABLE pad (v BLOB);',
    };
    const { host } = await open(name, [blobs]);
    // A freed page near the start of the file, each step a save of its own.
    for (const sql of [
      "INSERT INTO t VALUES (1, 'x')",
      'INSERT INTO f VALUES (zeroblob(9000))',
      'INSERT INTO pad VALUES (zeroblob(70000))',
      'DELETE FROM f',
    ])
      await host.write([{ sql }]);
    // Pages added and freed again in one transaction are never written; the file grows over them.
    await host.write([
      { sql: 'INSERT INTO t VALUES (2000, zeroblob(32000))' },
      { sql: 'INSERT INTO t VALUES (2001, zeroblob(8000))' },
      { sql: 'DELETE FROM t WHERE id = 2000' },
    ]);
    await host.close();

    const { host: again } = await open(name, [blobs]);
    const rows = (
      await again.query('SELECT id, length(v) AS bytes FROM t ORDER BY id', undefined, 'object')
    ).rows;
    await again.close();
    expect(rows).toEqual([
      { id: 1, bytes: 1 },
      { id: 2001, bytes: 8000 },
    ]);
  });

  it('stops saving when a save failed and the stored file cannot be read either', async () => {
    const { name } = freshName();
    // The connection closes while the save is on its way: the save fails, then every read.
    let closing = false;
    let closed = false;
    const gone = () => {
      closed = true;
      return Promise.reject(
        new DOMException('The database connection is closing.', 'InvalidStateError'),
      );
    };
    const { host } = await open(name, [NOTES], (store) => ({
      ...store,
      save: (save) => (closing ? gone() : store.save(save)),
      readManifest: () => (closed ? gone() : store.readManifest()),
      readFile: (options) => (closed ? gone() : store.readFile(options)),
    }));
    closing = true;
    await expect(
      host.write([{ sql: "INSERT INTO notes (body) VALUES ('never stored')" }]),
    ).rejects.toMatchObject({
      name: 'StorageError',
      code: 'SAVE_FAILED',
      message: expect.stringMatching(/^Saving failed/),
    });
    closing = false;
    closed = false;
    // The next write must not store the change the failed one left in the tab's file.
    await expect(
      host.write([{ sql: "INSERT INTO notes (body) VALUES ('second')" }]),
    ).rejects.toMatchObject({ code: 'STALE' });
    await host.close();
    expect(countNotes(await storedFile(name))).toBe(0);
  });

  it("retries a write whose save lost the race, on top of the other tab's file", async () => {
    const { name } = freshName();
    await (await open(name, [NOTES])).host.close();
    const other = await open(name, [NOTES]);
    let interleave = true;
    const racing = await open(name, [NOTES], (store) => ({
      ...store,
      async save(save) {
        // The other tab's save lands between this tab's check and its save, once.
        if (interleave) {
          interleave = false;
          await other.host.write([{ sql: "INSERT INTO notes (body) VALUES ('a')" }]);
        }
        return store.save(save);
      },
    }));
    const written = await racing.host.write([{ sql: "INSERT INTO notes (body) VALUES ('b')" }]);
    const rows = (
      await racing.host.query('SELECT body FROM notes ORDER BY id', undefined, 'object')
    ).rows;
    await racing.host.close();
    await other.host.close();
    expect(written.generation).toBe(3);
    expect(rows).toEqual([{ body: 'a' }, { body: 'b' }]);
  });

  it('keeps the pre-migration backup for the next save when the save after a migrating load failed', async () => {
    const { name } = freshName();
    await (await open(name, [NOTES])).host.close();
    const beforeMigration = await storedFile(name);
    let full = true;
    const { host, opened } = await open(name, [NOTES, TITLE], (store) => ({
      ...store,
      async save(save) {
        if (full) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
        return store.save(save);
      },
    }));
    expect(opened.info.storageProblem).toContain('storage for this site is full');
    full = false;
    await host.write([{ sql: "INSERT INTO notes (body, title) VALUES ('a', 'A')" }]);
    await host.close();

    const store = indexedDbChunkStore(name);
    const [backup] = await store.listBackups();
    expect(backup?.reason).toBe('pre-migration');
    expect(
      Buffer.from((await store.readBackup(backup?.id ?? '')) ?? []).equals(beforeMigration),
    ).toBe(true);
  });

  it('refuses a write through query and keeps the row', async () => {
    const { name } = freshName();
    const { host } = await open(name, [NOTES]);
    await host.write([{ sql: "INSERT INTO notes (body) VALUES ('a')" }]);
    await expect(host.query('DELETE FROM notes', undefined, 'object')).rejects.toMatchObject({
      code: 'SQL_FAILED',
    });
    expect((await host.query('SELECT body FROM notes', undefined, 'object')).rows).toEqual([
      { body: 'a' },
    ]);
    await host.close();
  });
});
