import { clear } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { indexedDbChunkStore } from '../../../../../src/browser/storage/chunk-store.ts';
import { Coordinator } from '../../../../../src/browser/tabs/coordinator.ts';
import type { DatabaseHost } from '../../../../../src/browser/worker/database-host.ts';
import {
  bigDatabase,
  countNotes,
  freshName,
  imageWithNote,
  NOTES,
  open,
  storedFile,
  storedKeys,
  TITLE,
} from './harness.ts';

/** Another tab adopts `file` as database `name`'s stored file. */
function adopt(name: string, file: Uint8Array) {
  return new Coordinator(name, indexedDbChunkStore(name)).replace(
    { file, fileSize: file.byteLength },
    'pre-adopt',
  );
}

describe('a tab beside other tabs', () => {
  it('refuses a write once another tab replaced the file, though it has not heard so yet', async () => {
    const { name } = freshName();
    // This tab hears the other tabs' announcements only once its write was refused: its lock
    // came first.
    let hear!: () => void;
    const heard = new Promise<void>((resolve) => {
      hear = resolve;
    });
    const Heard = globalThis.BroadcastChannel;
    globalThis.BroadcastChannel = class extends Heard {
      override set onmessage(handler: ((event: MessageEvent) => void) | null) {
        super.onmessage = handler && ((event) => void heard.then(() => handler.call(this, event)));
      }
    };
    let tab: DatabaseHost;
    try {
      tab = (await open(name, [NOTES])).host;
    } finally {
      globalThis.BroadcastChannel = Heard;
    }
    await tab.write([{ sql: "INSERT INTO notes (body) VALUES ('shopping list')" }]);
    // Another tab adopts an upload whose note 1 is another note.
    const upload = await imageWithNote(`${name}-upload`, 'tax records');
    await adopt(name, upload);

    await expect(tab.write([{ sql: 'DELETE FROM notes WHERE id = 1' }])).rejects.toMatchObject({
      code: 'STALE',
      staleBecause: 'replaced',
    });
    hear();
    await tab.close();
    expect(countNotes(await storedFile(name))).toBe(1);
  });

  it('catches up with a save made while it was catching up with an earlier one', async () => {
    const { name } = freshName();
    const { host: a } = await open(name, [NOTES]);
    // Without Web Locks (as in Node) tab A can save again after tab B read the manifest of A's
    // first save and before B read its chunks: that save frees chunks the manifest named.
    let between: (() => Promise<unknown>) | undefined;
    const { host: b } = await open(name, [NOTES], (store) => {
      const interleaved =
        <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
        async (...args: A) => {
          const run = between;
          between = undefined;
          await run?.();
          return read(...args);
        };
      return {
        ...store,
        readFile: interleaved(store.readFile),
      };
    });
    await a.write([{ sql: "INSERT INTO notes (body) VALUES ('one')" }]);
    between = () => a.write([{ sql: "INSERT INTO notes (body) VALUES ('two')" }]);
    await b.write([{ sql: "INSERT INTO notes (body) VALUES ('from b')" }]);
    await a.close();
    await b.close();
    expect(countNotes(await storedFile(name))).toBe(3);
  });

  it("takes in another tab's save before its own write, reading only what changed", async () => {
    const { name } = await bigDatabase(5_000);
    const first = await open(name, [NOTES]);
    const second = await open(name, [NOTES]);
    await first.host.write([{ sql: "INSERT INTO notes (body) VALUES ('from the first tab')" }]);
    const written = await second.host.write([
      { sql: "INSERT INTO notes (body) VALUES ('from the second tab')" },
    ]);
    const rows = (
      await second.host.query(
        'SELECT body FROM notes WHERE id > 5000 ORDER BY id',
        undefined,
        'object',
      )
    ).rows;
    await first.host.close();
    await second.host.close();
    expect(written.generation).toBe(4);
    expect(rows).toEqual([{ body: 'from the first tab' }, { body: 'from the second tab' }]);
  });

  it('turns stale, saying a newer version changed the database, when another tab migrated past it', async () => {
    const { name } = freshName();
    const older = await open(name, [NOTES]);
    const newer = await open(name, [NOTES, TITLE]);
    await newer.host.close();

    await expect(
      older.host.write([{ sql: "INSERT INTO notes (body) VALUES ('x')" }]),
    ).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'STALE',
      staleBecause: 'newer-version',
      message: expect.stringContaining('A newer version of this app has changed the database'),
    });
    await older.host.close();
  });

  it('says what really failed when it cannot take in another tab’s save for another reason', async () => {
    const { name } = freshName();
    const tab = await open(name, [NOTES]);
    // Another tab's save whose one chunk was cut short: no announcement, found before the write.
    const manifest = await indexedDbChunkStore(name).readManifest();
    await indexedDbChunkStore(name).save({
      follows: manifest?.generation ?? 0,
      fileSize: manifest?.fileSize ?? 0,
      chunks: new Map([[0, new Uint8Array(10)]]),
    });

    const failed = tab.host.write([{ sql: "INSERT INTO notes (body) VALUES ('y')" }]);
    await expect(failed).rejects.toMatchObject({
      code: 'STALE',
      staleBecause: 'unreadable',
      message: expect.stringMatching(
        /^This tab could not take in another tab's save \(.*chunk 0.* is damaged/,
      ),
    });
    await tab.host.close();
  });

  it('keeps its copy, and saves nothing, when the stored database is gone from under it', async () => {
    const { name, raw } = freshName();
    const { host } = await open(name, [NOTES]);
    await host.write([{ sql: "INSERT INTO notes (body) VALUES ('only here now')" }]);
    await clear(raw);

    await expect(
      host.write([{ sql: "INSERT INTO notes (body) VALUES ('another')" }]),
    ).rejects.toMatchObject({
      code: 'STALE',
      staleBecause: 'gone',
      message: expect.stringContaining('the stored database is gone'),
    });
    // The copy is the only one left: it keeps every row, the write it could not save included.
    expect((await host.query('SELECT body FROM notes', undefined, 'object')).rows).toEqual([
      { body: 'only here now' },
      { body: 'another' },
    ]);
    expect(await storedKeys(raw)).toEqual([]);
    await host.close();
  });

  it('writes nothing once told its database was replaced, not even a catch-up', async () => {
    const { name, raw } = freshName();
    const tab = await open(name, [NOTES, TITLE]);
    // Another tab adopts a file of an older version: catching up would migrate and save it.
    const older = await open(`${name}-older`, [NOTES]);
    const file = await older.host.exportImage();
    await older.host.close();
    await adopt(name, file);
    await tab.told('replaced');
    const before = await storedKeys(raw);

    await expect(
      tab.host.write([{ sql: "INSERT INTO notes (body) VALUES ('x')" }]),
    ).rejects.toMatchObject({ code: 'STALE', message: expect.stringContaining('replaced') });
    expect(await storedKeys(raw)).toEqual(before);
    await tab.host.close();
  });
});

describe('a write that takes in another tab’s save first', () => {
  it('tells the page of the other tab’s change, and not only of its own', async () => {
    const { name } = freshName();
    await (await open(name, [NOTES])).host.close();
    const other = await open(name, [NOTES]);
    // Told late, so this tab's write finds the other tab's save first.
    const Heard = globalThis.BroadcastChannel;
    globalThis.BroadcastChannel = class extends Heard {
      override set onmessage(_handler: ((event: MessageEvent) => void) | null) {}
    };
    let tab: Awaited<ReturnType<typeof open>>;
    try {
      tab = await open(name, [NOTES]);
    } finally {
      globalThis.BroadcastChannel = Heard;
    }
    await other.host.write([{ sql: "INSERT INTO notes (body) VALUES ('theirs')" }]);
    await tab.host.write([{ sql: "INSERT INTO notes (body) VALUES ('mine')" }]);
    await tab.told('changed');
    await tab.host.close();
    await other.host.close();
    expect(tab.heard.map((event) => `${event.kind}/${event.origin}`)).toEqual([
      'changed/remote',
      'changed/local',
    ]);
  });

  it('runs the live reads again when its save lost the race and it took the other tab’s in', async () => {
    const { name } = freshName();
    const TAGS = { name: '002_tags.sql', sql: 'CREATE TABLE tags (name TEXT);' };
    await (await open(name, [NOTES, TAGS])).host.close();
    const other = await open(name, [NOTES, TAGS]);
    let interleave = false;
    const here = await open(name, [NOTES, TAGS], (store) => ({
      ...store,
      async save(save) {
        // The other tab's save lands between this tab's catch-up and its save, once.
        if (interleave) {
          interleave = false;
          await other.host.write([
            { sql: "INSERT INTO tags (name) VALUES ('from the other tab')" },
          ]);
        }
        return store.save(save);
      },
    }));
    const heard: unknown[] = [];
    let wake: () => void = () => {};
    const twice = new Promise<void>((resolve) => {
      wake = () => heard.length >= 2 && resolve();
    });
    await here.host.live({ sql: 'SELECT name FROM tags' }, 'object', {
      rows: (rows: unknown) => {
        heard.push(rows);
        wake();
      },
      failed: () => {},
    });
    interleave = true;
    await here.host.write([{ sql: "INSERT INTO notes (body) VALUES ('mine')" }]);
    await twice;
    await here.host.close();
    await other.host.close();
    expect(heard).toEqual([[], [{ name: 'from the other tab' }]]);
  });
});
