import { describe, expect, it } from 'vitest';
import { freshName, tabsClosedAfterEach } from './handles.ts';

const tab = tabsClosedAfterEach();

/** A live query's rows as it hears them, and a way to wait for the next ones that match. */
function listen<T>() {
  const heard: T[][] = [];
  const waiting = new Set<() => void>();
  return {
    heard,
    onRows(rows: T[]) {
      heard.push(rows);
      for (const wake of waiting) wake();
    },
    /** Resolves once the rows heard last pass `check`. */
    until(check: (rows: T[]) => boolean): Promise<void> {
      return new Promise((resolve) => {
        const wake = () => {
          const last = heard.at(-1);
          if (last === undefined || !check(last)) return;
          waiting.delete(wake);
          resolve();
        };
        waiting.add(wake);
        wake();
      });
    },
  };
}

type Body = { body: string };

describe('a live query', () => {
  it('hears its rows at once, then after a write that changes them', async () => {
    const db = await tab(freshName());
    const notes = listen<Body>();
    db.live('SELECT body FROM notes ORDER BY id', [], notes);
    await notes.until((rows) => rows.length === 0);
    await db.exec("INSERT INTO notes (body) VALUES ('first')");
    await notes.until((rows) => rows.length === 1);
    expect(notes.heard).toEqual([[], [{ body: 'first' }]]);
  });

  it('is not run again for a write of a table it does not read, and hears only rows that differ', async () => {
    const db = await tab(freshName());
    const notes = listen<Body>();
    const counter = listen<{ value: number }>();
    db.live('SELECT body FROM notes', [], notes);
    db.live('SELECT value FROM counter', [], counter);
    await notes.until(() => true);
    await counter.until(() => true);
    await db.exec("INSERT INTO tags (name) VALUES ('x')");
    // A write to the counter that leaves its value as it was: no new rows to hear.
    await db.exec('UPDATE counter SET value = value');
    await db.exec('UPDATE counter SET value = 5');
    await counter.until((rows) => rows[0]?.value === 5);
    expect(notes.heard).toEqual([[]]);
    expect(counter.heard).toEqual([[{ value: 0 }], [{ value: 5 }]]);
  });

  it('hears a write another tab made', async () => {
    const name = freshName();
    const [here, there] = [await tab(name), await tab(name)];
    const notes = listen<Body>();
    here.live('SELECT body FROM notes', [], notes);
    await notes.until((rows) => rows.length === 0);
    await there.exec("INSERT INTO notes (body) VALUES ('from the other tab')");
    await notes.until((rows) => rows.length === 1);
    expect(notes.heard.at(-1)).toEqual([{ body: 'from the other tab' }]);
  });

  it('runs once more, not a hundred times, after a hundred writes in a row', async () => {
    const db = await tab(freshName());
    const notes = listen<{ n: number }>();
    db.live('SELECT count(*) AS n FROM notes', [], notes);
    await notes.until(() => true);
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        db.exec('INSERT INTO notes (body) VALUES (?)', [`note ${index}`]),
      ),
    );
    await notes.until((rows) => rows[0]?.n === 100);
    expect(notes.heard.length).toBeLessThanOrEqual(3);
  });

  it('tells its error once when its SQL fails, and is not run again', async () => {
    const db = await tab(freshName());
    const errors: unknown[] = [];
    const rows: unknown[] = [];
    db.live('SELECT * FROM nowhere', [], {
      onRows: (heard) => rows.push(heard),
      onError: (error) => errors.push(error),
    });
    await db.exec("INSERT INTO notes (body) VALUES ('a')");
    await db.exec("INSERT INTO notes (body) VALUES ('b')");
    await db.query('SELECT 1');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      name: 'DatabaseError',
      code: 'SQL_FAILED',
      message: expect.stringContaining('no such table: nowhere'),
    });
    expect(rows).toEqual([]);
  });

  it('tells its error once when a change makes it fail, then stops', async () => {
    const db = await tab(freshName());
    const errors: unknown[] = [];
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const tags = listen<{ name: string }>();
    db.live('SELECT name FROM tags', [], {
      ...tags,
      onError: (error) => {
        errors.push(error);
        failed();
      },
    });
    await tags.until(() => true);
    await db.exec('DROP TABLE tags');
    await failure;
    // Another change that would run it again, heard through a second live query.
    const notes = listen<Body>();
    db.live('SELECT body FROM notes', [], notes);
    await db.exec("INSERT INTO notes (body) VALUES ('a')");
    await notes.until((rows) => rows.length === 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'DatabaseError', code: 'SQL_FAILED' });
  });

  it('hears nothing once stopped', async () => {
    const db = await tab(freshName());
    const notes = listen<Body>();
    const stop = db.live('SELECT body FROM notes', [], notes);
    await notes.until(() => true);
    stop();
    await db.exec("INSERT INTO notes (body) VALUES ('unheard')");
    await db.query('SELECT 1');
    expect(notes.heard).toEqual([[]]);
  });
});

describe('a live query at its edges', () => {
  it('only reads: a second statement in its SQL is refused, and does not run', async () => {
    const db = await tab(freshName());
    await db.exec("INSERT INTO notes (body) VALUES ('keep me')");
    const failed = new Promise<unknown>((resolve) =>
      db.live('SELECT count(*) AS n FROM notes; DELETE FROM notes', [], {
        onRows: () => {},
        onError: resolve,
      }),
    );
    await expect(failed).resolves.toMatchObject({
      code: 'SQL_FAILED',
      message: expect.stringContaining('A query runs one statement'),
    });
    expect(await db.query('SELECT body FROM notes')).toEqual([{ body: 'keep me' }]);
  });

  it('hears a change the update hook could not, after a failed statement in the same transaction', async () => {
    const db = await tab(freshName());
    await db.exec("INSERT INTO tags (name) VALUES ('old')");
    await db.exec("INSERT INTO notes (body) VALUES ('dup')");
    const tags = listen<{ name: string }>();
    db.live('SELECT name FROM tags', [], tags);
    await tags.until((rows) => rows.length === 1);
    await db.transaction(async (tx) => {
      // Its first row is heard, then undone with the statement.
      await expect(
        tx.exec("INSERT INTO notes (body) VALUES ('fresh'), ('dup')"),
      ).rejects.toMatchObject({ code: 'SQL_FAILED' });
      // Emptying a table at once: the hook hears nothing of it.
      await tx.exec('DELETE FROM tags');
    });
    await tags.until((rows) => rows.length === 0);
    expect(tags.heard).toEqual([[{ name: 'old' }], []]);
  });
});
