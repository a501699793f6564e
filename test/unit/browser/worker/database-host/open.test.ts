import { createHash } from 'node:crypto';
import { setMany } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../../../src/browser/errors.ts';
import {
  type ChunkStore,
  indexedDbChunkStore,
} from '../../../../../src/browser/storage/chunk-store.ts';
import { chunkKey, MANIFEST_KEY } from '../../../../../src/browser/storage/layout.ts';
import { DatabaseHost } from '../../../../../src/browser/worker/database-host.ts';
import { checksumInput } from '../../../../../src/index.ts';
import { memoryDatabase, WASM_PATH } from '../../../../helpers/sqljs.ts';
import {
  BROKEN,
  bigDatabase,
  countNotes,
  freshName,
  imageWithNote,
  NOTES,
  open,
  openRequest,
  storedFile,
  storedKeys,
  TITLE,
} from './harness.ts';

describe('opening a database', () => {
  it('begins reading the stored database as the worker starts, before the open request', async () => {
    const { name } = await bigDatabase(20_000);
    const reads: string[] = [];
    const store = (n: string): ChunkStore => {
      const real = indexedDbChunkStore(n);
      return {
        ...real,
        readFile: (options) => {
          reads.push(n);
          return real.readFile(options);
        },
      };
    };
    const host = new DatabaseHost(store, { name, storage: 'auto', wasmUrl: WASM_PATH });
    // The worker's name said what to open: the read began before any request.
    expect(reads).toEqual([name]);
    const opened = await host.open(openRequest(name, [NOTES]), () => {});
    expect(reads).toEqual([name]);
    expect(opened.report.upToDate).toBe(true);
    await host.write([{ sql: 'INSERT INTO notes (body) VALUES (?)', params: ['one more'] }]);
    await host.close();
    expect(countNotes(await storedFile(name))).toBe(20_001);
  });

  it('opens what the request asks when the worker was started for another database', async () => {
    const { name } = await bigDatabase(100);
    const other = freshName().name;
    const host = new DatabaseHost(indexedDbChunkStore, {
      name: other,
      storage: 'auto',
      wasmUrl: WASM_PATH,
    });
    const opened = await host.open(openRequest(name, [NOTES]), () => {});
    expect(opened.report.upToDate).toBe(true);
    expect(opened.info.sizeBytes).toBeGreaterThan(0);
    await host.close();
  });

  it('creates, migrates and saves a new database, then opens it again writing nothing', async () => {
    const { name, raw } = freshName();
    const first = await open(name, [NOTES]);
    expect(first.opened.report.state).toBe('fresh');
    expect(first.opened.saved?.wholeFile).toBe(true);
    await first.host.close();
    const before = await storedKeys(raw);

    const second = await open(name, [NOTES]);
    expect(second.opened.report.upToDate).toBe(true);
    expect(second.opened.saved).toBeNull();
    expect(second.opened.info.generation).toBe(1);
    await second.host.close();
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('fails the open, not falling back to memory, when the stored file cannot be read', async () => {
    const { name } = await bigDatabase(2_000);
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (key: IDBValidKey | IDBKeyRange) {
      if (Array.isArray(key) && key[0] === 'chunk')
        throw new DOMException('The file backing this value is gone.', 'NotReadableError');
      return get.call(this, key);
    };
    try {
      await expect(open(name, [NOTES])).rejects.toMatchObject({
        name: 'StorageError',
        code: 'READ_FAILED',
        message: expect.stringContaining('The stored database could not be read'),
      });
    } finally {
      IDBObjectStore.prototype.get = get;
    }
    expect(countNotes(await storedFile(name))).toBe(2_000);
  });

  it('goes on with the chunk size a store was written with', async () => {
    const { name: source } = await bigDatabase(20_000);
    const file = await storedFile(source);
    const { name, raw } = freshName();
    const olderSize = 64 * 1024;
    const count = Math.ceil(file.byteLength / olderSize);
    await setMany(
      [
        ...Array.from({ length: count }, (_, index): [IDBValidKey, Uint8Array] => [
          chunkKey(index, 1),
          file.slice(index * olderSize, (index + 1) * olderSize),
        ]),
        [
          MANIFEST_KEY,
          {
            generation: 1,
            fileSize: file.byteLength,
            chunkSize: olderSize,
            chunks: Array(count).fill(1),
          },
        ],
      ],
      raw,
    );

    const { host, opened } = await open(name, [NOTES]);
    expect(opened.report.upToDate).toBe(true);
    const written = await host.write([
      { sql: 'INSERT INTO notes (body) VALUES (?)', params: ['one more'] },
    ]);
    await host.close();
    expect(written.saved.wholeFile).toBe(false);
    expect(written.saved.bytesWritten).toBeLessThanOrEqual(2 * olderSize);
    expect((await indexedDbChunkStore(name).readManifest())?.chunkSize).toBe(olderSize);
    // The read checks every chunk's length against the manifest's size: a chunk saved at
    // another size fails it.
    expect(countNotes(await storedFile(name))).toBe(20_001);
  });

  it('keeps the file a migration changed as a backup that costs only the chunks it changed', async () => {
    const { name } = await bigDatabase(20_000);
    const before = await storedFile(name);
    const { host, opened } = await open(name, [NOTES, TITLE]);
    await host.close();

    expect(opened.report.executed).toEqual([TITLE.name]);
    expect(opened.saved?.bytesWritten).toBeLessThan(before.byteLength / 20);
    const store = indexedDbChunkStore(name);
    const [backup] = await store.listBackups();
    expect(backup?.reason).toBe('pre-migration');
    expect(Buffer.from((await store.readBackup(backup?.id ?? '')) ?? []).equals(before)).toBe(true);
  });

  it('rejects a failing migration, saying the stored database is unchanged, and writes nothing', async () => {
    const { name, raw } = freshName();
    await (await open(name, [NOTES])).host.close();
    const before = await storedKeys(raw);

    await expect(open(name, [NOTES, BROKEN])).rejects.toMatchObject({
      name: 'MigrationError',
      code: 'SQL_FAILED',
      message: '002_broken.sql line 1: no such table: nowhere (the stored database is unchanged)',
    });
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('refuses to open a stored file with a damaged chunk, rather than start empty in memory', async () => {
    const { name, raw } = freshName();
    await (await open(name, [NOTES])).host.close();
    const manifest = await indexedDbChunkStore(name).readManifest();
    await setMany([[['chunk', 0, manifest?.chunks[0] ?? 0], new Uint8Array(10)]], raw);
    const before = await storedKeys(raw);

    await expect(open(name, [NOTES])).rejects.toMatchObject({
      name: 'StorageError',
      code: 'DAMAGED',
      chunkIndex: 0,
      chunkVersion: manifest?.chunks[0],
      message: expect.stringContaining('chunk 0'),
    });
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('hands the runner checksums that are exactly the SHA-256 the ledger records', async () => {
    const { name } = freshName();
    const { host, opened } = await open(name, [NOTES, TITLE]);
    await host.close();
    for (const migration of [NOTES, TITLE]) {
      const expected = createHash('sha256').update(checksumInput(migration.sql)).digest('hex');
      expect(opened.report.migrations.find((m) => m.name === migration.name)?.checksum).toBe(
        expected,
      );
    }
  });

  it('fails the open, and writes nothing over it, when a store of 0.1.0 cannot be converted', async () => {
    const { name, raw } = freshName();
    const oldImage = memoryDatabase();
    oldImage.exec(`${NOTES.sql} INSERT INTO notes (body) VALUES ('kept');`);
    await setMany(
      [
        ['image', oldImage.export()],
        ['generation', 3],
      ],
      raw,
    );
    oldImage.close();
    const before = await storedKeys(raw);

    await expect(
      open(name, [NOTES], (store) => ({
        ...store,
        // As a conversion refused for want of space would: nothing of it lands.
        convertWholeImage: async () => {
          throw new StorageError(
            'CONVERSION_FAILED',
            'The database stored by version 0.1.0 could not be converted',
          );
        },
      })),
    ).rejects.toMatchObject({ name: 'StorageError', code: 'CONVERSION_FAILED' });
    await expect(
      indexedDbChunkStore(name).save({ follows: 0, fileSize: 0, chunks: new Map() }),
    ).rejects.toMatchObject({ code: 'SAVE_FAILED' });
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('opens the converted file when another tab converted the store of 0.1.0 first', async () => {
    const { name, raw } = freshName();
    const image = await imageWithNote(`${name}-source`, 'converted elsewhere');
    await setMany(
      [
        ['image', image],
        ['generation', 5],
      ],
      raw,
    );

    // Without Web Locks (as in Node), the other tab's conversion lands after this tab read the
    // store and its generation, just before this tab would convert it itself.
    const { host: late, opened } = await open(name, [NOTES], (store) => ({
      ...store,
      async convertWholeImage() {
        await indexedDbChunkStore(name).convertWholeImage();
        return store.convertWholeImage();
      },
    }));
    const rows = (await late.query('SELECT body FROM notes', undefined, 'object')).rows;
    await late.close();

    expect(opened.report.state).not.toBe('fresh');
    expect(opened.info.generation).toBe(6);
    expect(rows).toEqual([{ body: 'converted elsewhere' }]);
  });

  it('converts a store of 0.1.0 on its first open, keeping every row and backup', async () => {
    const { name, raw } = freshName();
    const image = await imageWithNote(`${name}-source`, 'kept across the upgrade');
    const olderImage = memoryDatabase();
    olderImage.exec(NOTES.sql);
    await setMany(
      [
        ['image', image],
        ['generation', 5],
        [
          'backups',
          [
            {
              id: '4-x',
              reason: 'pre-migration',
              createdAt: '2026-11-01T00:00:00.000Z',
              sizeBytes: 1,
              generation: 4,
            },
          ],
        ],
        ['backup:4-x', olderImage.export()],
      ],
      raw,
    );
    olderImage.close();

    const { host: upgraded, opened } = await open(name, [NOTES]);
    const rows = (await upgraded.query('SELECT body FROM notes', undefined, 'object')).rows;
    await upgraded.close();

    expect(opened.report.upToDate).toBe(true);
    expect(opened.info.generation).toBe(6);
    expect(rows).toEqual([{ body: 'kept across the upgrade' }]);
    const backups = await indexedDbChunkStore(name).listBackups();
    expect(backups.map((backup) => backup.id)).toEqual(['4-x']);
    // 0.1.0's backups are gone; its image is only the tombstone a tab of 0.1.0 cannot open.
    expect(await storedKeys(raw)).not.toContain('"backup:4-x"');
    expect(await storedKeys(raw)).not.toContain('"backups"');
  });
});
