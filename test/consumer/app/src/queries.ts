import { desc, eq } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { type Generated, Kysely } from 'kysely';
import type { MigratedDatabase } from 'sqljs-migrate/browser';
import { drizzle } from 'sqljs-migrate/drizzle';
import { liveQuery, MigratedDatabaseDialect } from 'sqljs-migrate/kysely';

/** The migrated schema as Kysely types it. */
interface Tables {
  visits: { id: Generated<number>; page: string };
  pages: { path: string; visits: number };
}

/** The same tables as Drizzle declares them. */
const visits = sqliteTable('visits', {
  id: integer('id').primaryKey(),
  page: text('page').notNull(),
});
const pages = sqliteTable('pages', {
  path: text('path').primaryKey(),
  visits: integer('visits').notNull(),
});

export async function runQueries(database: MigratedDatabase, onCount: (visits: number) => void) {
  const kysely = new Kysely<Tables>({ dialect: new MigratedDatabaseDialect(database) });
  const orm = drizzle(database);

  // A typed Kysely query and a typed Drizzle query on the migrated database.
  const first = await kysely
    .selectFrom('visits')
    .select(['id', 'page'])
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const [latest] = await orm.select().from(visits).orderBy(desc(visits.id)).limit(1);

  // An interactive transaction: read, decide, write; no other tab's write comes in between.
  const counted = await orm.transaction(async (tx) => {
    const [page] = await tx.select().from(pages).where(eq(pages.path, location.pathname));
    const next = (page?.visits ?? 0) + 1;
    if (page === undefined)
      await tx.insert(pages).values({ path: location.pathname, visits: next });
    else await tx.update(pages).set({ visits: next }).where(eq(pages.path, page.path));
    return next;
  });

  // A live query: onCount hears the count now, and again after a write in this tab or another.
  const stop = liveQuery(
    database,
    kysely.selectFrom('visits').select((eb) => eb.fn.countAll<number>().as('visits')),
    ([row]) => onCount(row?.visits ?? 0),
  );
  return { first, latest, counted, stop };
}
