import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/browser/page/open-database.ts';
import {
  type DatabaseEvent,
  type OpenProgress,
  openingOf,
} from '../../../../src/browser/protocol.ts';
import { type ChunkStore, memoryChunkStore } from '../../../../src/browser/storage/chunk-store.ts';
import { MigrationError } from '../../../../src/index.ts';
import { fakeDatabaseWorker } from './fake-worker.ts';

const NOTES = {
  '/migrations/001_create_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);',
};

let databases = 0;
const freshName = () => `page-${++databases}`;

describe('openDatabase', () => {
  it('starts its worker under a name that says what to open, so the worker need not wait to be asked', async () => {
    const { worker } = fakeDatabaseWorker();
    const name = freshName();
    let started: WorkerOptions | undefined;
    const db = await openDatabase({
      name,
      migrations: NOTES,
      storage: 'memory',
      createWorker: (options) => {
        started = options;
        return worker;
      },
    });
    expect(started?.type).toBe('module');
    expect(openingOf(started?.name ?? '')).toEqual({ name, storage: 'memory', wasmUrl: undefined });
    await db.close();
  });

  it('opens and migrates the database in its worker, then reads and writes through the handle', async () => {
    const { worker } = fakeDatabaseWorker();
    const db = await openDatabase({
      name: freshName(),
      migrations: NOTES,
      createWorker: () => worker,
    });
    expect(db.report.state).toBe('fresh');
    const written = await db.exec('INSERT INTO notes (body) VALUES (?)', ['hello']);
    expect(written.changes).toBe(1);
    expect(await db.query('SELECT body FROM notes')).toEqual([{ body: 'hello' }]);
    expect(db.info().generation).toBe(written.generation);
    await db.close();
  });

  it('tells a subscriber of its own writes as local changes', async () => {
    const { worker } = fakeDatabaseWorker();
    const db = await openDatabase({
      name: freshName(),
      migrations: NOTES,
      createWorker: () => worker,
    });
    const heard: DatabaseEvent[] = [];
    const changed = new Promise<void>((resolve) =>
      db.subscribe((event) => {
        heard.push(event);
        if (event.kind === 'changed') resolve();
      }),
    );
    await db.exec("INSERT INTO notes (body) VALUES ('a')");
    await changed;
    expect(heard.map(({ kind, origin }) => ({ kind, origin }))).toContainEqual({
      kind: 'changed',
      origin: 'local',
    });
    await db.close();
  });

  it('refuses every call once closed, and ends its worker', async () => {
    const fake = fakeDatabaseWorker();
    const db = await openDatabase({
      name: freshName(),
      migrations: NOTES,
      createWorker: () => fake.worker,
    });
    await db.close();
    expect(fake.terminated()).toBe(true);
    await expect(db.query('SELECT 1')).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'CLOSED',
    });
    await expect(db.exec('DELETE FROM notes')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('rejects with the MigrationError of a failing migration, told of the stored database', async () => {
    const name = freshName();
    const first = fakeDatabaseWorker();
    await (
      await openDatabase({ name, migrations: NOTES, createWorker: () => first.worker })
    ).close();
    const failing = fakeDatabaseWorker();
    const thrown = await openDatabase({
      name,
      migrations: { ...NOTES, '/migrations/002_broken.sql': 'INSERT INTO nowhere VALUES (1);' },
      createWorker: () => failing.worker,
    }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(MigrationError);
    expect((thrown as MigrationError).message).toBe(
      '002_broken.sql line 1: no such table: nowhere (the stored database is unchanged)',
    );
    expect(failing.terminated()).toBe(true);
  });

  it('rejects with OPEN_FAILED, naming what went wrong, when the worker cannot be created', async () => {
    await expect(
      openDatabase({
        name: freshName(),
        migrations: NOTES,
        createWorker: () => {
          throw new TypeError("This document requires 'TrustedScriptURL' assignment.");
        },
      }),
    ).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'OPEN_FAILED',
      message: expect.stringContaining("requires 'TrustedScriptURL' assignment"),
    });
  });

  it('stops an open that outlives its time budget: its worker ended, OPEN_TIMED_OUT saying where', async () => {
    const fake = fakeDatabaseWorker(neverReads);
    await expect(
      openDatabase({
        name: 'slow',
        migrations: NOTES,
        timeoutMs: 50,
        createWorker: () => fake.worker,
      }),
    ).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'OPEN_TIMED_OUT',
      timeoutMs: 50,
      step: 'reading',
      message:
        'Opening slow took longer than 50 ms, so it was stopped while it read the stored database and loaded SQLite; the stored database is unchanged.',
    });
    expect(fake.terminated()).toBe(true);
  });

  it('stops an open when its signal aborts: its worker ended, OPEN_CANCELLED', async () => {
    const fake = fakeDatabaseWorker(neverReads);
    const stop = new AbortController();
    const opening = openDatabase({
      name: freshName(),
      migrations: NOTES,
      signal: stop.signal,
      createWorker: () => fake.worker,
    });
    stop.abort();
    await expect(opening).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'OPEN_CANCELLED',
      step: 'reading',
    });
    expect(fake.terminated()).toBe(true);
  });

  it('sets no time limit at all for a budget of Infinity', async () => {
    const { worker } = fakeDatabaseWorker();
    const db = await openDatabase({
      name: freshName(),
      migrations: NOTES,
      timeoutMs: Number.POSITIVE_INFINITY,
      createWorker: () => worker,
    });
    expect(db.report.executed).toEqual(['001_create_notes.sql']);
    await db.close();
  });

  it('tells onProgress of the migration it runs and of the save after it, before it resolves', async () => {
    const { worker } = fakeDatabaseWorker();
    const heard: OpenProgress[] = [];
    const db = await openDatabase({
      name: freshName(),
      migrations: NOTES,
      onProgress: (progress) => heard.push(progress),
      createWorker: () => worker,
    });
    expect(heard.at(-1)?.step).toBe('saving');
    expect(heard).toContainEqual({
      step: 'migrating',
      migration: expect.objectContaining({
        phase: 'migration',
        event: 'start',
        name: '001_create_notes.sql',
      }),
    });
    await db.close();
  });
});

/** A store whose read never answers: an open that waits on it outlives any budget. */
function neverReads(): ChunkStore {
  return {
    ...memoryChunkStore(),
    kind: 'indexeddb',
    readFile: () => new Promise(() => {}),
  };
}
