// The query layer's bench page modes: typed queries through Kysely and Drizzle against the same
// reads through the handle, an interactive transaction against the same writes as one batch,
// and how soon a live query hears another tab's write. Loaded only by these modes.
import { eq, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { type Generated, Kysely } from 'kysely';
import { type MigratedDatabase, openDatabase } from '../src/browser.ts';
import { drizzle } from '../src/drizzle.ts';
import { liveQuery, MigratedDatabaseDialect } from '../src/kysely.ts';
import type { QueryBenchResult } from './bench-protocol.ts';
import { rotate } from './stats.ts';

const migrations = import.meta.glob<string>('./query-migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** The database the query modes share, and how many rows its table holds. */
const DATABASE = 'bench-queries';
const ITEMS = 1000;

interface Tables {
  items: { id: number; name: string; value: number };
  pings: { id: Generated<number>; sent_at: number };
}
const items = sqliteTable('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  value: integer('value').notNull(),
});

/** The ways the select runs: the handle's two paths, each library's, and a read of nothing. */
type SelectWay = 'raw' | 'execute' | 'kysely' | 'drizzle' | 'drizzlePrepared' | 'roundTrip';

/** An epoch time in milliseconds that two tabs of one browser agree on. */
const epochMs = () => performance.timeOrigin + performance.now();

async function open(): Promise<MigratedDatabase> {
  const database = await openDatabase({ name: DATABASE, migrations });
  const [row] = await database.query<{ n: number }>('SELECT count(*) AS n FROM items');
  if ((row?.n ?? 0) < ITEMS)
    await database.transaction(
      Array.from({ length: ITEMS }, (_, index) => ({
        sql: 'INSERT OR REPLACE INTO items (id, name, value) VALUES (?, ?, ?)',
        params: [index + 1, `item ${index + 1}`, index],
      })),
    );
  return database;
}

/**
 * `rounds` rounds, each timing 1,000 primary-key selects through the handle, Kysely and Drizzle
 * (in rotating order), then 100 inserts as one interactive transaction and as one batch.
 */
export async function measureQueries(rounds: number): Promise<QueryBenchResult> {
  const database = await open();
  const kysely = new Kysely<Tables>({ dialect: new MigratedDatabaseDialect(database) });
  const orm = drizzle(database);
  const ids = Array.from({ length: ITEMS }, (_, index) => ((index * 7919) % ITEMS) + 1);
  const byId = orm
    .select()
    .from(items)
    .where(eq(items.id, sql.placeholder('id')))
    .prepare();
  // One primary-key select each way; the rounds time 1,000 of them in a row.
  const selectOne: Record<SelectWay, (id: number) => Promise<unknown>> = {
    raw: (id) => database.query('SELECT id, name, value FROM items WHERE id = ?', [id]),
    execute: (id) => database.execute('SELECT id, name, value FROM items WHERE id = ?', [id]),
    kysely: (id) => kysely.selectFrom('items').selectAll().where('id', '=', id).execute(),
    drizzle: (id) => orm.select().from(items).where(eq(items.id, id)),
    drizzlePrepared: (id) => byId.execute({ id }),
    // The least any call into the worker costs: a round trip and a read of nothing.
    roundTrip: () => database.query('SELECT 1'),
  };
  const result: QueryBenchResult = {
    raw: [],
    execute: [],
    kysely: [],
    drizzle: [],
    drizzlePrepared: [],
    roundTrip: [],
    interactive: [],
    batch: [],
    interactiveSaves: [],
  };
  for (const warm of Object.values(selectOne)) await warm(1);
  const order: SelectWay[] = [
    'raw',
    'execute',
    'kysely',
    'drizzle',
    'drizzlePrepared',
    'roundTrip',
  ];
  for (let round = 0; round <= rounds; round++) {
    for (const way of rotate(order, round)) {
      const startedAt = performance.now();
      for (const id of ids) await selectOne[way](id);
      if (round > 0) result[way].push(performance.now() - startedAt);
    }
    const inserts = (from: number) =>
      Array.from({ length: 100 }, (_, index) => ({
        sql: 'INSERT INTO items (id, name, value) VALUES (?, ?, ?)',
        params: [from + index, `new ${from + index}`, index],
      }));
    const base = 100_000 + round * 1000;
    // A write whose result says the generation exactly: every save after it adds one.
    const { generation } = await database.exec('UPDATE items SET value = value WHERE id = 1');
    let startedAt = performance.now();
    await database.transaction(async (tx) => {
      for (const { sql, params } of inserts(base)) await tx.exec(sql, params);
    });
    const interactiveMs = performance.now() - startedAt;
    startedAt = performance.now();
    const batch = await database.transaction(inserts(base + 500));
    const batchMs = performance.now() - startedAt;
    const [inserted] = await database.query<{ n: number }>(
      'SELECT count(*) AS n FROM items WHERE id >= ?',
      [base],
    );
    if (inserted?.n !== 200) throw new Error(`the inserts wrote ${inserted?.n} rows, not 200`);
    if (round > 0) {
      result.interactive.push(interactiveMs);
      result.batch.push(batchMs);
      // The batch's save is the one after the interactive transaction's.
      result.interactiveSaves.push(batch.generation - 1 - generation);
    }
    await database.exec('DELETE FROM items WHERE id >= ?', [base]);
  }
  await database.close();
  return result;
}

/**
 * Keeps a live query on the newest ping and records, for each, how long after its writer in
 * another tab started the write this tab's callback heard it. `window.benchLatencies` grows.
 */
export async function watchPings(): Promise<void> {
  const database = await open();
  const kysely = new Kysely<Tables>({ dialect: new MigratedDatabaseDialect(database) });
  const latencies: number[] = [];
  window.benchLatencies = latencies;
  let seen = 0;
  liveQuery(
    database,
    kysely.selectFrom('pings').select(['id', 'sent_at']).orderBy('id', 'desc').limit(1),
    ([ping]) => {
      if (ping === undefined || ping.id <= seen) return;
      seen = ping.id;
      latencies.push(epochMs() - ping.sent_at);
    },
  );
}

/** Writes `count` pings, one every `everyMs`, each stamped with the time its write started. */
export async function writePings(count: number, everyMs: number): Promise<void> {
  const database = await open();
  for (let ping = 0; ping < count; ping++) {
    await database.exec('INSERT INTO pings (sent_at) VALUES (?)', [epochMs()]);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await database.close();
}
