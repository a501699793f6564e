import { eq, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MigratedDatabase } from '../../src/browser.ts';
import { drizzle, liveQuery } from '../../src/drizzle.ts';
import { freshName, openTab, storedGeneration } from './browser/page/handles.ts';

const notes = sqliteTable('notes', {
  id: integer('id').primaryKey(),
  body: text('body').notNull(),
});
const counter = sqliteTable('counter', {
  id: integer('id').primaryKey(),
  value: integer('value').notNull(),
});

const opened: MigratedDatabase[] = [];
async function drizzleOn(name = freshName()) {
  const database = await openTab(name);
  opened.push(database);
  return { database, db: drizzle(database, { schema: { notes, counter } }) };
}
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
});

describe('the Drizzle driver', () => {
  it('runs typed selects, inserts with returning, updates and deletes on the handle', async () => {
    const { db } = await drizzleOn();
    const inserted = await db
      .insert(notes)
      .values([{ body: 'a' }, { body: 'b' }])
      .returning();
    expect(inserted).toEqual([
      { id: 1, body: 'a' },
      { id: 2, body: 'b' },
    ]);
    await db.update(notes).set({ body: 'B' }).where(eq(notes.id, 2));
    await db.delete(notes).where(eq(notes.body, 'a'));
    expect(await db.select().from(notes)).toEqual([{ id: 2, body: 'B' }]);
    expect(await db.select().from(notes).where(eq(notes.id, 2)).get()).toEqual({
      id: 2,
      body: 'B',
    });
    expect(await db.select().from(notes).where(eq(notes.id, 9)).get()).toBeUndefined();
    expect(await db.query.notes.findMany()).toEqual([{ id: 2, body: 'B' }]);
  });

  it('runs Drizzle’s transaction as one interactive transaction of the handle, with one save', async () => {
    const name = freshName();
    const { db } = await drizzleOn(name);
    const before = await storedGeneration(name);
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(counter).where(eq(counter.id, 1));
      await tx
        .update(counter)
        .set({ value: (row?.value ?? 0) + 1 })
        .where(eq(counter.id, 1));
      await tx.insert(notes).values({ body: 'inside' });
    });
    expect(await storedGeneration(name)).toBe(before + 1);
    expect(await db.select({ value: counter.value }).from(counter)).toEqual([{ value: 1 }]);
  });

  it('rolls back on tx.rollback(), and undoes a nested transaction that throws', async () => {
    const { db } = await drizzleOn();
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(notes).values({ body: 'undone' });
        tx.rollback();
      }),
    ).rejects.toThrow('Rollback');
    await db.transaction(async (tx) => {
      await tx.insert(notes).values({ body: 'outer' });
      await expect(
        tx.transaction(async (nested) => {
          await nested.insert(notes).values({ body: 'inner' });
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
    });
    expect(await db.select({ body: notes.body }).from(notes)).toEqual([{ body: 'outer' }]);
  });

  it('runs db.batch as one transaction with one save', async () => {
    const name = freshName();
    const { db } = await drizzleOn(name);
    const before = await storedGeneration(name);
    const [inserted, all] = await db.batch([
      db.insert(notes).values({ body: 'x' }).returning({ id: notes.id }),
      db.select({ body: notes.body }).from(notes),
    ]);
    expect(inserted).toEqual([{ id: 1 }]);
    expect(all).toEqual([{ body: 'x' }]);
    expect(await storedGeneration(name)).toBe(before + 1);
  });

  it('keeps a Drizzle query live, its rows mapped by Drizzle', async () => {
    const { database, db } = await drizzleOn();
    const heard: { id: number; body: string }[][] = [];
    let wake: () => void = () => {};
    const twice = new Promise<void>((resolve) => {
      wake = () => heard.length === 2 && resolve();
    });
    liveQuery(database, db.select().from(notes), (rows) => {
      heard.push(rows);
      wake();
    });
    await db.insert(notes).values({ body: 'live' });
    await twice;
    expect(heard).toEqual([[], [{ id: 1, body: 'live' }]]);
  });

  it('passes SQLite’s error through', async () => {
    const { db } = await drizzleOn();
    await expect(db.run(sql`SELECT * FROM nowhere`)).rejects.toMatchObject({
      cause: expect.objectContaining({ name: 'DatabaseError', code: 'SQL_FAILED' }),
    });
  });
});
