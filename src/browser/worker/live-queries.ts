import type { Database } from 'sql.js';
import type { SqlValue } from '../../index.ts';
import type { LiveQueryListener, Row, RowMode, WriteStatement } from '../protocol.ts';
import { letGo, tell } from './page-calls.ts';
import { asSqlFailure, type ChangedTables, readRows } from './statements.ts';

/**
 * The reads the page keeps live: each runs when it is added and again after every committed
 * change that can affect it, and its listener hears its rows only when they differ from the last
 * ones it heard.
 *
 * Which changes can affect a read: the tables it reads come from SQLite's own plan for it
 * (`EXPLAIN`: every b-tree it opens, a view's or a trigger's tables included), and a write of
 * this tab says which tables it changed (see `recordChanges`). A read of a virtual table (full-text
 * search), a schema change, and another tab's save (which says nothing of what it changed) count
 * as touching everything: those reads run again, and their listeners still hear only rows that
 * differ.
 *
 * Bursts are coalesced: a change marks the reads it affects, and one run of every marked read is
 * queued behind the writes already waiting, so a hundred writes in a row cost one more read.
 */
export class LiveQueries {
  private readonly queries = new Map<number, LiveQuery>();
  private nextId = 1;
  private rerunQueued = false;

  constructor(
    /** The database the reads run on: this tab's copy, which a catch-up replaces. */
    private readonly database: () => Database,
    /** Queues a task behind this tab's writes. */
    private readonly inTurn: (task: () => Promise<void>) => Promise<void>,
  ) {}

  /** Runs `statement` now and keeps it live; its first rows go to `listener` before this returns. */
  add(statement: WriteStatement, rowMode: RowMode, listener: LiveQueryListener): number {
    const db = this.database();
    const { rows } = readRows(db, statement.sql, statement.params, rowMode);
    const reads = tablesRead(db, statement.sql);
    const id = this.nextId++;
    this.queries.set(id, { statement, rowMode, listener, reads, last: rows, stale: false });
    tell(() => listener.rows(rows));
    return id;
  }

  remove(id: number): void {
    const query = this.queries.get(id);
    this.queries.delete(id);
    if (query !== undefined) letGo(query.listener);
  }

  /** A change committed: marks the reads it can affect, and queues one run of them. */
  changed(tables: ChangedTables): void {
    let marked = false;
    for (const query of this.queries.values())
      if (overlaps(query.reads, tables)) {
        query.stale = true;
        marked = true;
      }
    if (!marked || this.rerunQueued) return;
    this.rerunQueued = true;
    this.inTurn(async () => {
      this.rerunQueued = false;
      this.rerun();
    }).catch(() => {});
  }

  private rerun(): void {
    for (const [id, query] of this.queries) {
      if (!query.stale) continue;
      query.stale = false;
      let rows: Row[] | SqlValue[][];
      try {
        rows = readRows(
          this.database(),
          query.statement.sql,
          query.statement.params,
          query.rowMode,
        ).rows;
      } catch (error) {
        // Told once, then dropped: a read that fails now (a table dropped by a migration in
        // another tab, say) would fail again after every change.
        this.queries.delete(id);
        tell(() => query.listener.failed(asErrorData(error)));
        letGo(query.listener);
        continue;
      }
      if (sameRows(rows, query.last)) continue;
      query.last = rows;
      tell(() => query.listener.rows(rows));
    }
  }
}

interface LiveQuery {
  statement: WriteStatement;
  rowMode: RowMode;
  listener: LiveQueryListener;
  /** The tables the read opens, or `all` when that cannot be told. */
  reads: ChangedTables;
  /** The rows its listener heard last. */
  last: Row[] | SqlValue[][];
  /** A change that can affect it committed since it last ran. */
  stale: boolean;
}

/**
 * The tables a statement reads, from the b-trees its plan opens (`OpenRead`, and `OpenWrite`
 * for a write): each is a table's or an index's root page, named in `sqlite_schema`. A virtual
 * table (`VOpen`), or a b-tree outside the main database or whose root page is not written in
 * the plan, makes it `all`.
 */
export function tablesRead(db: Database, sql: string): ChangedTables {
  // Prepared, not run with exec, which would run any statement after the first for real.
  const explain = db.prepare(`EXPLAIN ${sql}`);
  const plan: { columns: string[]; values: SqlValue[][] } = { columns: [], values: [] };
  try {
    while (explain.step()) plan.values.push(explain.get() as SqlValue[]);
    plan.columns = explain.getColumnNames();
  } finally {
    explain.free();
  }
  if (plan.values.length === 0) return new Set();
  const column = (name: string) => plan.columns.indexOf(name);
  const [opcode, p2, p3, p5] = ['opcode', 'p2', 'p3', 'p5'].map(column) as [
    number,
    number,
    number,
    number,
  ];
  const roots = new Set<number>();
  for (const step of plan.values) {
    const code = String(step[opcode]);
    if (code === 'VOpen') return 'all';
    if (code !== 'OpenRead' && code !== 'OpenWrite' && code !== 'ReopenIdx') continue;
    // P3 names the database (0 is main); P5's bit 0x10 puts the root page in a register.
    if (Number(step[p3]) !== 0 || (Number(step[p5]) & 0x10) !== 0) return 'all';
    roots.add(Number(step[p2]));
  }
  if (roots.size === 0) return new Set();
  const tables = new Set<string>();
  const named = db.exec('SELECT rootpage, tbl_name FROM sqlite_schema WHERE rootpage > 0')[0];
  const byRoot = new Map(named?.values.map(([root, table]) => [Number(root), String(table)]));
  for (const root of roots) tables.add((byRoot.get(root) ?? 'sqlite_schema').toLowerCase());
  return tables;
}

function overlaps(reads: ChangedTables, changed: ChangedTables): boolean {
  if (reads === 'all' || changed === 'all') return true;
  for (const table of changed) if (reads.has(table)) return true;
  return false;
}

/** True when two sets of rows hold the same values in the same order. */
function sameRows(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, index) => sameValue(row, b[index]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((byte, index) => byte === b[index]);
  if (Array.isArray(a) && Array.isArray(b)) return sameRows(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => sameValue((a as Row)[key], (b as Row)[key]))
  );
}

/** A failure as data that crosses to the page and is revived there as itself. */
function asErrorData(error: unknown) {
  return asSqlFailure(error).toJSON();
}
