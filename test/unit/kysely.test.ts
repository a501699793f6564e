import { type Generated, Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { MigratedDatabase } from '../../src/browser.ts';
import { liveQuery, MigratedDatabaseDialect } from '../../src/kysely.ts';
import { freshName, openTab, storedGeneration } from './browser/page/handles.ts';

interface Database {
  notes: { id: Generated<number>; body: string };
  counter: { id: number; value: number };
  tags: { name: string };
}

const opened: MigratedDatabase[] = [];
async function kysely(name = freshName()) {
  const database = await openTab(name);
  opened.push(database);
  return { database, db: new Kysely<Database>({ dialect: new MigratedDatabaseDialect(database) }) };
}
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
});

describe('the Kysely dialect', () => {
  it('runs typed selects, inserts with returning, updates and deletes on the handle', async () => {
    const { db } = await kysely();
    const inserted = await db
      .insertInto('notes')
      .values([{ body: 'a' }, { body: 'b' }])
      .returning(['id', 'body'])
      .execute();
    expect(inserted).toEqual([
      { id: 1, body: 'a' },
      { id: 2, body: 'b' },
    ]);
    const updated = await db
      .updateTable('notes')
      .set({ body: 'B' })
      .where('id', '=', 2)
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    const single = await db.insertInto('notes').values({ body: 'c' }).executeTakeFirst();
    expect(single.insertId).toBe(3n);
    await db.deleteFrom('notes').where('body', '=', 'a').execute();
    expect(await db.selectFrom('notes').select('body').orderBy('id').execute()).toEqual([
      { body: 'B' },
      { body: 'c' },
    ]);
  });

  it('runs Kysely’s transaction as one interactive transaction of the handle, with one save', async () => {
    const name = freshName();
    const { db } = await kysely(name);
    const before = await storedGeneration(name);
    const total = await db.transaction().execute(async (trx) => {
      const { value } = await trx
        .selectFrom('counter')
        .select('value')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('counter')
        .set({ value: value + 10 })
        .where('id', '=', 1)
        .execute();
      await trx.insertInto('notes').values({ body: 'inside' }).execute();
      return value + 10;
    });
    expect(total).toBe(10);
    expect(await storedGeneration(name)).toBe(before + 1);
    expect(await db.selectFrom('counter').select('value').execute()).toEqual([{ value: 10 }]);
  });

  it('rolls back Kysely’s transaction when its callback throws', async () => {
    const name = freshName();
    const { db } = await kysely(name);
    const before = await storedGeneration(name);
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ body: 'undone' }).execute();
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([]);
    expect(await storedGeneration(name)).toBe(before);
  });

  it('reads the migrated schema through Kysely’s introspector', async () => {
    const { db } = await kysely();
    const tables = await db.introspection.getTables();
    expect(tables.map((table) => table.name).sort()).toEqual(
      expect.arrayContaining(['counter', 'notes', 'tags']),
    );
    const notes = tables.find((table) => table.name === 'notes');
    expect(notes?.columns.map((column) => column.name)).toEqual(['id', 'body']);
  });

  it('keeps a Kysely query live', async () => {
    const { database, db } = await kysely();
    const heard: { body: string }[][] = [];
    let wake: () => void = () => {};
    liveQuery(database, db.selectFrom('notes').select('body').orderBy('id'), (rows) => {
      heard.push(rows);
      wake();
    });
    const twice = new Promise<void>((resolve) => {
      wake = () => heard.length === 2 && resolve();
    });
    await db.insertInto('notes').values({ body: 'live' }).execute();
    await twice;
    expect(heard).toEqual([[], [{ body: 'live' }]]);
  });

  it('passes SQLite’s error through as the handle’s', async () => {
    const { db } = await kysely();
    await expect(sql`SELECT * FROM nowhere`.execute(db)).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'SQL_FAILED',
    });
  });
});
