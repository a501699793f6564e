// For test/e2e/consumer.spec.ts: counts `?times=N` visits of /counter, each in an interactive
// transaction that reads the count and writes it plus one; several tabs count at once.
import { eq } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { openDatabase } from 'sqljs-migrate/browser';
import { drizzle } from 'sqljs-migrate/drizzle';

const pages = sqliteTable('pages', {
  path: text('path').primaryKey(),
  visits: integer('visits').notNull(),
});

const status = document.querySelector<HTMLElement>('[data-testid="counted"]');
const times = Number(new URLSearchParams(location.search).get('times') ?? '1');
const database = await openDatabase({
  name: 'visits',
  migrations: import.meta.glob('/migrations/*.sql', {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
});
const orm = drizzle(database);
try {
  for (let done = 0; done < times; done++) {
    await orm.transaction(async (tx) => {
      const [row] = await tx.select().from(pages).where(eq(pages.path, '/counter'));
      if (row === undefined) await tx.insert(pages).values({ path: '/counter', visits: 1 });
      else
        await tx
          .update(pages)
          .set({ visits: row.visits + 1 })
          .where(eq(pages.path, '/counter'));
    });
  }
  const [row] = await orm.select().from(pages).where(eq(pages.path, '/counter'));
  status?.setAttribute('data-state', 'done');
  if (status) status.textContent = String(row?.visits ?? 0);
} catch (error) {
  status?.setAttribute('data-state', 'failed');
  if (status)
    status.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
