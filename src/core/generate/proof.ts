import { isMigrationError, MigrationError, type MigrationErrorDetails } from '../errors.ts';
import { executeScript } from '../execute.ts';
import { fingerprintSchema } from '../fingerprint.ts';
import {
  addedViolations,
  type ForeignKeyViolations,
  foreignKeyViolations,
  plainValue,
  renamedViolations,
} from '../foreign-keys.ts';
import { queryRows, tableExists } from '../inspect.ts';
import { describeDifference, diffSchemas } from '../schema-diff.ts';
import { type DatabaseFactory, withScratch } from '../scratch.ts';
import { quoteIdentifier } from '../sql-text.ts';
import type { SqlDatabase } from '../types.ts';
import type { CopiedColumn } from './rebuild.ts';
import type { Rename, SchemaLabels } from './renames.ts';
import { createObjects, type SchemaModel } from './schema-model.ts';
import { type RowDestination, seedRows } from './seed-rows.ts';

/** What proving a migration found, beyond that it holds. */
export interface MigrationProof {
  /** Tables that held generated rows. */
  tables: number;
  /** Generated rows, in all. */
  rows: number;
  /** What the proof could not show (a table that no generated row fits). */
  warnings: string[];
}

/** What a proof is given. */
export interface ProofRequest {
  sql: string;
  /** The migration's name, for messages. */
  name: string;
  before: SchemaModel;
  after: SchemaModel;
  /** Where each surviving table's rows must be found, by the old table's lower-case name. */
  destinations: Map<string, RowDestination>;
  /** The renames the migration makes, which move rows' names but break no key. */
  renames: readonly Rename[];
  createDatabase: DatabaseFactory;
  labels: SchemaLabels;
}

/** How far above the rows' highest ids the AUTOINCREMENT counters are set, as deleted rows leave them. */
const COUNTER_HEADROOM = 1000;

/**
 * Applies the migration to a copy of `before` with generated rows in every table, as the runner
 * applies a migration (foreign keys off, one transaction), and holds it to four things: every
 * statement runs, the schema is `after`'s by its fingerprint, no row is left breaking a foreign
 * key, and every surviving table keeps its rows (the copied columns, and its AUTOINCREMENT
 * counter). Throws `PROOF_FAILED` saying which does not hold.
 */
export function proveMigration(request: ProofRequest): MigrationProof {
  const { before, after, destinations } = request;
  return withScratch(request.createDatabase, (start) =>
    withScratch(request.createDatabase, (target) => {
      createObjects(start, before, ['table', 'index']);
      createObjects(target, after, ['table', 'index']);
      const counts = seedRows(start, target, before, after, destinations);
      createObjects(start, before, ['view', 'trigger']);
      const counters = raiseCounters(start);
      const violations = renamedViolations(foreignKeyViolations(start), renamer(request.renames));
      const rows = [...counts.values()].reduce((sum, n) => sum + n, 0);
      const fail = (what: string, details: MigrationErrorDetails = {}) =>
        new MigrationError(
          'PROOF_FAILED',
          `${request.name}: on a copy of ${request.labels.from} with ${rows} generated rows, ${what}; write this change by hand, or report the case`,
          { migrationName: request.name, ...details },
        );
      start.run('BEGIN');
      try {
        executeScript(start, request.sql, request.name);
      } catch (error) {
        if (!isMigrationError(error)) throw error;
        throw fail(
          `line ${error.line ?? '?'} fails: ${error.cause instanceof Error ? error.cause.message : error.reason}`,
          {
            line: error.line,
            statement: error.statement,
            cause: error,
          },
        );
      }
      const differences = diffSchemas(fingerprintSchema(start), after.fingerprint);
      if (differences.length > 0)
        throw fail(
          `the result differs from ${request.labels.to}: ${differences.map(describeDifference).join('; ')}`,
          { differences },
        );
      const broken = addedViolations(
        violations,
        copiedKeys(foreignKeyViolations(start), after, destinations),
      );
      if (broken !== null) throw fail(`it ${broken}`);
      for (const destination of destinations.values()) {
        const problem = rowsProblem(start, target, destination);
        if (problem) throw fail(problem);
      }
      for (const [old, destination] of destinations) {
        const was = counters.get(old);
        const now = counterOf(start, destination.table);
        if (was !== undefined && now !== undefined && now < was)
          throw fail(
            `the AUTOINCREMENT counter of ${destination.table} falls from ${was} to ${now}, so ids it gave out would be given again`,
          );
      }
      return {
        tables: [...counts.values()].filter((n) => n > 0).length,
        rows,
        warnings: [...destinations]
          .filter(([old]) => counts.get(old) === 0)
          .map(
            ([, destination]) =>
              `the proof copied no row of ${destination.table}: no generated row fits both its old and its new definition, so check that copy by hand`,
          ),
      };
    }),
  );
}

/**
 * The violations of keys whose columns all hold copied values. A key over a column the migration
 * adds holds that column's default, which is the new schema's choice, not the copy's: whether
 * the parent has such a row depends on the data (`warnAboutTightening` says so).
 */
function copiedKeys(
  violations: ForeignKeyViolations,
  after: SchemaModel,
  destinations: Map<string, RowDestination>,
): ForeignKeyViolations {
  const copied = new Map<string, Set<string>>();
  for (const destination of destinations.values())
    copied.set(
      destination.table.toLowerCase(),
      new Set(
        (destination.copied ?? []).flatMap((c) => (c.to === null ? [] : [c.to.toLowerCase()])),
      ),
    );
  return new Map(
    [...violations].filter(([, violation]) => {
      const columns = copied.get(violation.table.toLowerCase());
      return columns !== undefined && after.tables.has(violation.table.toLowerCase())
        ? violation.columns.every((column) => columns.has(column.toLowerCase()))
        : true;
    }),
  );
}

/** Lower-case old names to new ones, as the renames make them. */
function renamer(renames: readonly Rename[]) {
  const lower = (name: string) => name.toLowerCase();
  return {
    table: (name: string) =>
      renames.find((r) => r.kind === 'table' && lower(r.from) === lower(name))?.to ?? name,
    column: (table: string, name: string) =>
      renames.find(
        (r) =>
          r.kind === 'column' && lower(r.table) === lower(table) && lower(r.from) === lower(name),
      )?.to ?? name,
  };
}

/** Where the rows of a table differ from what the copy should give, in words; null when equal. */
function rowsProblem(
  start: SqlDatabase,
  target: SqlDatabase,
  destination: RowDestination,
): string | null {
  const got = rowsOf(start, destination.table, destination.copied);
  const want = rowsOf(target, destination.table, destination.copied);
  if (got.length !== want.length)
    return `table ${destination.table} holds ${got.length} of its ${want.length} rows`;
  const at = got.findIndex((row, i) => row !== want[i]);
  return at === -1
    ? null
    : `table ${destination.table} holds ${got[at]} where the copy should give ${want[at]}`;
}

/** The copied columns of every row, each row as JSON, sorted: rows as a multiset. */
function rowsOf(db: SqlDatabase, table: string, copied: CopiedColumn[] | null): string[] {
  const columns =
    copied === null
      ? 'rowid, *'
      : copied.map((c) => (c.to === null ? 'rowid' : quoteIdentifier(c.to))).join(', ');
  const [result] = db.exec(`SELECT ${columns} FROM ${quoteIdentifier(table)}`);
  return (result?.values ?? []).map((row) => JSON.stringify(row.map(plainValue))).sort();
}

/** Sets every AUTOINCREMENT counter above its table's rows, as deleted rows leave it; returns them. */
function raiseCounters(db: SqlDatabase): Map<string, number> {
  if (!tableExists(db, 'sqlite_sequence')) return new Map();
  db.run('UPDATE sqlite_sequence SET seq = seq + ?', [COUNTER_HEADROOM]);
  return new Map(
    queryRows(db, 'SELECT name, seq FROM sqlite_sequence').map((row) => [
      String(row.name).toLowerCase(),
      Number(row.seq),
    ]),
  );
}

function counterOf(db: SqlDatabase, table: string): number | undefined {
  if (!tableExists(db, 'sqlite_sequence')) return undefined;
  const [row] = queryRows(db, 'SELECT seq FROM sqlite_sequence WHERE name = ? COLLATE NOCASE', [
    table,
  ]);
  return row === undefined ? undefined : Number(row.seq);
}
