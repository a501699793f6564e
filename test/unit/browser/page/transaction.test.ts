import { describe, expect, it } from 'vitest';
import type { MigratedDatabase } from '../../../../src/browser/page/open-database.ts';
import {
  freshName,
  installWebLocks,
  openTab,
  storedGeneration,
  storedKeys,
  tabsClosedAfterEach,
} from './handles.ts';

const tab = tabsClosedAfterEach();

const bodies = async (db: MigratedDatabase) =>
  (await db.query<{ body: string }>('SELECT body FROM notes ORDER BY id')).map((row) => row.body);

describe('an interactive transaction', () => {
  it('sees its own writes, returns what its callback returns, and commits in one save', async () => {
    const name = freshName();
    const db = await tab(name);
    const before = await storedGeneration(name);
    const seen = await db.transaction(async (tx) => {
      await tx.exec("INSERT INTO notes (body) VALUES ('a')");
      await tx.exec("INSERT INTO notes (body) VALUES ('b')");
      return tx.query<{ n: number }>('SELECT count(*) AS n FROM notes');
    });
    expect(seen).toEqual([{ n: 2 }]);
    expect(await bodies(db)).toEqual(['a', 'b']);
    // Every save writes the next generation: one save, however many statements.
    expect(await storedGeneration(name)).toBe(before + 1);
  });

  it('reads, decides and writes as one step: another tab’s write cannot come between', async () => {
    const restore = installWebLocks();
    try {
      const name = freshName();
      const [first, second] = [await tab(name), await tab(name)];
      const increment = (db: MigratedDatabase) =>
        db.transaction(async (tx) => {
          const [row] = await tx.query<{ value: number }>('SELECT value FROM counter WHERE id = 1');
          await tx.exec('UPDATE counter SET value = ? WHERE id = 1', [(row?.value ?? 0) + 1]);
        });
      const runs = (db: MigratedDatabase) => Array.from({ length: 50 }, () => increment(db));
      await Promise.all([...runs(first), ...runs(second)]);
      const third = await tab(name);
      expect(await third.query('SELECT value FROM counter')).toEqual([{ value: 100 }]);
    } finally {
      restore();
    }
  });

  it('rolls back when its callback throws: the tab’s database is as before and nothing is stored', async () => {
    const name = freshName();
    const db = await tab(name);
    await db.exec("INSERT INTO notes (body) VALUES ('kept')");
    const keysBefore = await storedKeys(name);
    await expect(
      db.transaction(async (tx) => {
        await tx.exec("INSERT INTO notes (body) VALUES ('undone')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await bodies(db)).toEqual(['kept']);
    expect(await storedKeys(name)).toEqual(keysBefore);
  });

  it('carries SQLite’s message when a statement fails, and may go on after catching it', async () => {
    const db = await tab(freshName());
    await db.transaction(async (tx) => {
      await tx.exec("INSERT INTO notes (body) VALUES ('one')");
      await expect(tx.exec("INSERT INTO notes (body) VALUES ('one')")).rejects.toMatchObject({
        name: 'DatabaseError',
        code: 'SQL_FAILED',
        message: expect.stringContaining('UNIQUE constraint failed: notes.body'),
      });
      await tx.exec("INSERT INTO notes (body) VALUES ('two')");
    });
    expect(await bodies(db)).toEqual(['one', 'two']);
  });

  it('undoes a nested transaction that throws, and keeps the rest of the outer one', async () => {
    const db = await tab(freshName());
    await db.transaction(async (tx) => {
      await tx.exec("INSERT INTO notes (body) VALUES ('outer')");
      await expect(
        tx.transaction(async (inner) => {
          await inner.exec("INSERT INTO notes (body) VALUES ('inner')");
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      await tx.transaction(async (inner) => inner.exec("INSERT INTO notes (body) VALUES ('kept')"));
    });
    expect(await bodies(db)).toEqual(['outer', 'kept']);
  });

  it('makes a read outside it wait for its end, so the read never sees uncommitted rows', async () => {
    const db = await tab(freshName());
    const order: string[] = [];
    let outside: Promise<string[]> | undefined;
    await db.transaction(async (tx) => {
      await tx.exec("INSERT INTO notes (body) VALUES ('inside')");
      outside = bodies(db).then((rows) => {
        order.push('read');
        return rows;
      });
      await tx.query('SELECT 1');
      order.push('commit');
    });
    expect(await outside).toEqual(['inside']);
    expect(order).toEqual(['commit', 'read']);
  });

  it('is rolled back past its time budget, letting the lock go, and says so', async () => {
    const name = freshName();
    const db = await tab(name);
    const keysBefore = await storedKeys(name);
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let late!: Promise<unknown>;
    let failure: unknown;
    const lateCalled = new Promise<void>((called) => {
      void db
        .transaction(
          async (tx) => {
            await tx.exec("INSERT INTO notes (body) VALUES ('never stored')");
            // A forgotten `await` somewhere: the callback does not end in time.
            await resumed;
            late = tx.exec("INSERT INTO notes (body) VALUES ('too late')");
            late.catch(() => {});
            called();
          },
          { timeoutMs: 150 },
        )
        .catch((error: unknown) => {
          // Asserted below: a failed expect here would leave the callback waiting for ever.
          failure = error;
          resume();
        });
    });
    await lateCalled;
    expect(failure).toMatchObject({ code: 'TRANSACTION_TIMED_OUT' });
    await expect(late).rejects.toMatchObject({ code: 'TRANSACTION_TIMED_OUT' });
    expect(await storedKeys(name)).toEqual(keysBefore);
    // The turn and the lock are free again: the next write goes through.
    await db.exec("INSERT INTO notes (body) VALUES ('after')");
    expect(await bodies(db)).toEqual(['after']);
  });

  it.each([
    ['BEGIN'],
    ['COMMIT'],
    ['SAVEPOINT s'],
    ["ROLLBACK; INSERT INTO notes (body) VALUES ('x')"],
  ])('refuses transaction control passed through exec: %s', async (sql) => {
    const db = await tab(freshName());
    await db.transaction(async (tx) => {
      await expect(tx.exec(sql)).rejects.toMatchObject({ code: 'SQL_FAILED' });
      await tx.exec("INSERT INTO notes (body) VALUES ('still in the transaction')");
    });
    expect(await bodies(db)).toEqual(['still in the transaction']);
  });

  it('is rolled back by close(), and its promise rejects', async () => {
    const name = freshName();
    const db = await openTab(name);
    const keysBefore = await storedKeys(name);
    let inside!: () => void;
    const reached = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let release!: () => void;
    const closed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const open = db.transaction(async (tx) => {
      await tx.exec("INSERT INTO notes (body) VALUES ('unsaved')");
      inside();
      await tx.query('SELECT 1');
      // Held open until close() has run, however slow the machine.
      await closed;
      await tx.exec("INSERT INTO notes (body) VALUES ('after close')");
    });
    await reached;
    await db.close();
    release();
    await expect(open).rejects.toMatchObject({ name: 'DatabaseError', code: 'CLOSED' });
    expect(await storedKeys(name)).toEqual(keysBefore);
  });

  it('refuses its commit when another tab replaced the file meanwhile, storing nothing and saying to reload', async () => {
    const name = freshName();
    const db = await tab(name);
    const other = await tab(`${name}-other`);
    await other.exec("INSERT INTO notes (body) VALUES ('another file')");
    const file = await other.exportImage();
    const { Coordinator } = await import('../../../../src/browser/tabs/coordinator.ts');
    const { indexedDbChunkStore } = await import('../../../../src/browser/storage/chunk-store.ts');
    await expect(
      db.transaction(async (tx) => {
        await tx.exec("INSERT INTO notes (body) VALUES ('meant for the old file')");
        // Without Web Locks (as in Node) another tab's adoption can land while this one is open.
        await new Coordinator(name, indexedDbChunkStore(name)).replace(
          { file, fileSize: file.byteLength },
          'pre-adopt',
        );
        const keys = await storedKeys(name);
        return keys;
      }),
    ).rejects.toMatchObject({
      code: 'STALE',
      staleBecause: 'replaced',
      message: expect.stringContaining('reload'),
    });
    const fresh = await tab(name);
    expect(await bodies(fresh)).toEqual(['another file']);
  });

  it('keeps the statements-array form: several writes as one transaction', async () => {
    const db = await tab(freshName());
    const written = await db.transaction([
      { sql: "INSERT INTO notes (body) VALUES ('x')" },
      { sql: 'INSERT INTO notes (body) VALUES (?) RETURNING id, body', params: ['y'] },
    ]);
    expect(written.changes).toBe(2);
    expect(written.rows).toEqual([{ id: 2, body: 'y' }]);
    expect(written.results.map((result) => result.changes)).toEqual([1, 1]);
  });
});

describe('writes that return rows', () => {
  it('hands back an INSERT … RETURNING’s rows from exec, and saves', async () => {
    const db = await tab(freshName());
    const written = await db.exec('INSERT INTO notes (body) VALUES (?), (?) RETURNING id', [
      'a',
      'b',
    ]);
    expect(written.rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(written.saved.bytesWritten).toBeGreaterThan(0);
  });

  it('runs a read at once and a write as a write through execute, as SQLite tells them apart', async () => {
    const name = freshName();
    const db = await tab(name);
    const generation = await storedGeneration(name);
    const read = await db.execute('SELECT count(*) AS n FROM notes', [], 'array');
    expect(read).toMatchObject({ columns: ['n'], rows: [[0]], saved: null });
    expect(await storedGeneration(name)).toBe(generation);
    const written = await db.execute('INSERT INTO notes (body) VALUES (?) RETURNING id', ['a']);
    expect(written.rows).toEqual([{ id: 1 }]);
    expect(written.saved).not.toBeNull();
    expect(await storedGeneration(name)).toBe(generation + 1);
  });
});

describe('an interactive transaction at its edges', () => {
  it('refuses a statement that arrives after its callback returned, instead of running it unsaved', async () => {
    const name = freshName();
    const db = await tab(name);
    let late!: Promise<unknown>;
    await db.transaction(async (tx) => {
      await tx.exec("INSERT INTO notes (body) VALUES ('in the transaction')");
      // A forgotten await: this statement is sent after the commit.
      late = tx.query('SELECT 1').then(() => tx.exec("INSERT INTO notes (body) VALUES ('late')"));
      late.catch(() => {});
    });
    await expect(late).rejects.toMatchObject({ name: 'DatabaseError', code: 'CLOSED' });
    expect(await bodies(db)).toEqual(['in the transaction']);
    const fresh = await tab(name);
    expect(await bodies(fresh)).toEqual(['in the transaction']);
  });

  it('keeps nothing of a statement text it refused, though the transaction goes on', async () => {
    const db = await tab(freshName());
    await db.exec("INSERT INTO notes (body) VALUES ('dup')");
    await db.transaction(async (tx) => {
      await expect(
        tx.exec("INSERT INTO notes (body) VALUES (?); INSERT INTO notes (body) VALUES ('b')", [
          'a',
        ]),
      ).rejects.toMatchObject({ code: 'SQL_FAILED' });
      await expect(
        tx.exec(
          "INSERT INTO notes (body) VALUES ('half'); INSERT INTO notes (body) VALUES ('dup')",
        ),
      ).rejects.toMatchObject({ code: 'SQL_FAILED' });
      await tx.exec("INSERT INTO notes (body) VALUES ('c')");
    });
    expect(await bodies(db)).toEqual(['dup', 'c']);
  });

  it('tells SQLite’s own error when a nested transaction’s statement rolled everything back', async () => {
    const db = await tab(freshName());
    await db.exec("INSERT INTO notes (body) VALUES ('dup')");
    await expect(
      db.transaction(async (tx) => {
        await tx.exec("INSERT INTO notes (body) VALUES ('outer')");
        await tx.transaction((inner) =>
          inner.exec("INSERT OR ROLLBACK INTO notes (body) VALUES ('dup')"),
        );
      }),
    ).rejects.toMatchObject({
      code: 'SQL_FAILED',
      message: expect.stringContaining('UNIQUE constraint failed'),
    });
    expect(await bodies(db)).toEqual(['dup']);
  });

  it('refuses nested transactions run side by side with one of this package’s errors', async () => {
    const db = await tab(freshName());
    await expect(
      db.transaction(async (tx) => {
        await Promise.all([
          tx.transaction((a) => a.exec("INSERT INTO notes (body) VALUES ('a')")),
          tx.transaction(async (b) => {
            await b.query('SELECT 1');
            await b.query('SELECT 1');
            await b.exec("INSERT INTO notes (body) VALUES ('b')");
          }),
        ]);
      }),
    ).rejects.toMatchObject({ name: 'DatabaseError', code: 'SQL_FAILED' });
  });

  it.each([
    [Number.POSITIVE_INFINITY, 'resolves'],
    [2 ** 40, 'resolves'],
    [0, 'refuses'],
    [-5, 'refuses'],
    [Number.NaN, 'refuses'],
  ] as const)(
    'takes a time budget of %s as a timer can keep it, or refuses it',
    async (timeoutMs, outcome) => {
      const db = await tab(freshName());
      const run = db.transaction((tx) => tx.exec("INSERT INTO notes (body) VALUES ('x')"), {
        timeoutMs,
      });
      if (outcome === 'resolves') await expect(run).resolves.toBeDefined();
      else await expect(run).rejects.toThrow(/timeoutMs must be a positive number/);
    },
  );

  it('is refused at once, not after the close budget, when close() comes before its turn', async () => {
    const db = await openTab(freshName());
    const transaction = db.transaction((tx) => tx.exec("INSERT INTO notes (body) VALUES ('x')"));
    transaction.catch(() => {});
    const started = performance.now();
    await db.close();
    await expect(transaction).rejects.toMatchObject({ code: 'CLOSED' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('finishes its commit when close() comes while it saves, and is stored', async () => {
    const name = freshName();
    const db = await openTab(name);
    let closing!: Promise<void>;
    const committed = db.transaction(async (tx) => {
      await tx.exec('INSERT INTO tags (name) VALUES (zeroblob(4000000))');
      // Just after the callback returns, so just after the commit was sent.
      setTimeout(() => {
        closing = db.close();
      }, 0);
      return 'committed';
    });
    await expect(committed).resolves.toBe('committed');
    await closing;
    const again = await tab(name);
    expect(await again.query('SELECT count(*) AS n FROM tags')).toEqual([{ n: 1 }]);
  });
});
