// The query layer's part of `npm run bench` (BENCH_ONLY=queries): typed queries through the
// Kysely dialect and the Drizzle driver against the same reads through the handle, an interactive
// transaction against the same writes as one batch, and the latency of a live query that hears
// a write another tab made.
import type { BrowserContext, Page } from '@playwright/test';
import type { BenchResult } from './bench-protocol.ts';
import { median, round2, round3 } from './stats.ts';

/** Rounds of the query modes (after one warm-up), and pings the live query hears. */
const ROUNDS = Number(process.env.BENCH_QUERY_RUNS ?? 9);
const PINGS = 25;
const PING_EVERY_MS = 150;

export async function measureQueries(
  context: BrowserContext,
  origin: string,
): Promise<Record<string, number>> {
  const page = await context.newPage();
  let measured: BenchResult;
  try {
    measured = await pageResult(page, `${origin}/bench/?mode=queries&rounds=${ROUNDS}`, 300_000);
  } finally {
    await page.close();
  }
  const queries = measured.queries;
  if (queries === undefined) throw new Error('the queries page measured nothing');
  const raw = median(queries.raw);
  const execute = median(queries.execute);
  const kysely = median(queries.kysely);
  const drizzle = median(queries.drizzle);
  const drizzlePrepared = median(queries.drizzlePrepared);
  const roundTripMs = median(queries.roundTrip) / 1000;
  const interactive = median(queries.interactive);
  const batch = median(queries.batch);
  return {
    queryRounds: ROUNDS,
    select1000RawMs: round2(raw),
    select1000ExecuteMs: round2(execute),
    select1000KyselyMs: round2(kysely),
    select1000DrizzleMs: round2(drizzle),
    select1000DrizzlePreparedMs: round2(drizzlePrepared),
    kyselySelectVsRawRatio: round3(kysely / raw),
    drizzleSelectVsRawRatio: round3(drizzle / raw),
    drizzlePreparedSelectVsRawRatio: round3(drizzlePrepared / raw),
    interactiveTx100InsertsMs: round2(interactive),
    batch100InsertsMs: round2(batch),
    interactiveTx100InsertsVsBatchRatio: round3(interactive / batch),
    interactiveTxSaves: Math.max(...queries.interactiveSaves),
    // Every statement of an interactive transaction is a round trip to the worker: the least its
    // hundred inserts could cost beside the batch.
    workerRoundTripMs: round3(roundTripMs),
    interactiveTx100InsertsFloorRatio: round3((batch + 100 * roundTripMs) / batch),
    ...(await measureLiveQuery(context, origin)),
  };
}

/**
 * One tab keeps a live query on the newest ping; another writes a ping every PING_EVERY_MS,
 * stamped with the time its write started. The latency is from that stamp to the moment the
 * first tab's callback heard the row (the write, its save, the announcement, the catch-up and
 * the query's run again all lie between).
 */
async function measureLiveQuery(
  context: BrowserContext,
  origin: string,
): Promise<Record<string, number>> {
  const watcher = await context.newPage();
  const writer = await context.newPage();
  try {
    await pageResult(watcher, `${origin}/bench/?mode=live-pings`);
    await pageResult(
      writer,
      `${origin}/bench/?mode=write-pings&count=${PINGS}&every=${PING_EVERY_MS}`,
      120_000,
    );
    await watcher.waitForFunction((pings) => (window.benchLatencies?.length ?? 0) >= pings, PINGS, {
      timeout: 30_000,
    });
    // The first ping also pays for the watching tab's first catch-up: left out, like a warm-up.
    const latencies = ((await watcher.evaluate(() => window.benchLatencies)) ?? []).slice(1);
    return {
      liveQueryPings: latencies.length,
      liveQueryLatencyMs: round2(median(latencies)),
      liveQueryLatencyWorstMs: round2(Math.max(...latencies)),
    };
  } finally {
    await writer.close();
    await watcher.close();
  }
}

/** Opens `url` in `page` and waits for the bench page's result; throws the error it reports. */
export async function pageResult(page: Page, url: string, timeout = 60_000): Promise<BenchResult> {
  await page.goto(url);
  await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout });
  const measured = (await page.evaluate(() => window.benchResult)) as BenchResult;
  if (measured.error !== undefined) throw new Error(`${url}: ${measured.error}`);
  return measured;
}
