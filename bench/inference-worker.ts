/// <reference lib="webworker" />
// Cold detection against 100 migrations, in a worker as the library runs it. One worker builds
// an untracked database at the history's middle with plain SQL; a second, fresh worker opens its
// bytes and times its first `runMigrations(..., { dryRun: true })`: neither the core's code nor
// SQLite's has run in it before, as when a page opens a database it has never seen.
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { runMigrations } from '../src/index.ts';
import { hundredMigrations } from './hundred-migrations.ts';

/** How many of the 100 migrations the untracked database reflects. */
export const MIDDLE_VERSION = 50;

/** `build` makes the database and the schema; `detect` times the detection on them. */
export type InferenceWorkerRequest =
  | { kind: 'build' }
  | { kind: 'detect'; bytes: Uint8Array; schema: string; warmEngine: boolean; pauseMs: number };

export interface InferenceWorkerReply {
  /** From `build`: the database file and the app's schema.sql for the history. */
  bytes?: Uint8Array;
  schema?: string;
  expectedVersion?: string;
  /** From `detect`. */
  dryRunMs?: number;
  detectMs?: number;
  legacyVersion?: string | null;
  error?: string;
}

async function build(): Promise<InferenceWorkerReply> {
  const SQL = await initSqlJs({ locateFile: () => wasmUrl });
  const migrations = hundredMigrations();
  const schema = schemaAfterAll(
    SQL,
    migrations.map((m) => m.sql),
  );
  const db = new SQL.Database();
  for (const migration of migrations.slice(0, MIDDLE_VERSION)) db.exec(migration.sql);
  db.exec("INSERT INTO accounts (email, display_name) VALUES ('a@example.org', 'A')");
  const bytes = db.export();
  db.close();
  return { bytes, schema, expectedVersion: migrations[MIDDLE_VERSION - 1]?.name };
}

/**
 * Times the first detection in this worker. With `warmEngine`, SQLite's wasm is first put to work
 * on the same statements (plain `exec` on a scratch database, none of the core's code): the
 * difference from a cold run is what a cold engine costs, not the core.
 */
async function detect(
  bytes: Uint8Array,
  schema: string,
  warmEngine: boolean,
  pauseMs: number,
): Promise<InferenceWorkerReply> {
  const SQL = await initSqlJs({ locateFile: () => wasmUrl });
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  if (warmEngine)
    schemaAfterAll(
      SQL,
      hundredMigrations().map((m) => m.sql),
    );
  const db = new SQL.Database(bytes);
  db.exec('PRAGMA foreign_keys = ON');
  const migrations = hundredMigrations();
  let detectStartedAt = 0;
  let detectMs = Number.NaN;
  const startedAt = performance.now();
  const report = runMigrations(db, migrations, {
    dryRun: true,
    schema,
    onProgress: (progress) => {
      if (progress.phase !== 'detect') return;
      if (progress.event === 'start') detectStartedAt = progress.elapsedMs;
      else detectMs = progress.elapsedMs - detectStartedAt;
    },
  });
  const dryRunMs = performance.now() - startedAt;
  db.close();
  return { dryRunMs, detectMs, legacyVersion: report.legacyVersion };
}

/**
 * The app's `schema.sql` for this history: every migration run on an empty database, its
 * definitions written out, tables first (as a schema file lists them).
 */
function schemaAfterAll(SQL: SqlJsStatic, scripts: string[]): string {
  const db: Database = new SQL.Database();
  try {
    for (const script of scripts) db.exec(script);
    const [result] = db.exec(
      `SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
       ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`,
    );
    return (result?.values ?? []).map((row) => `${row[0]};`).join('\n\n');
  } finally {
    db.close();
  }
}

addEventListener('message', (event: MessageEvent<InferenceWorkerRequest>) => {
  const request = event.data;
  const work =
    request.kind === 'build'
      ? build()
      : detect(request.bytes, request.schema, request.warmEngine, request.pauseMs);
  work.then(
    (reply) => postMessage(reply, reply.bytes ? [reply.bytes.buffer] : []),
    (error: unknown) =>
      postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
