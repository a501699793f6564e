import { isMigrationError, MigrationError, messageOf } from '../errors.ts';
import { executeScript } from '../execute.ts';
import { sameSchema } from '../fingerprint.ts';
import { SCHEMA_FILE_NAME, sortMigrations } from '../names.ts';
import { schemaChanges } from '../schema-diff.ts';
import { type DatabaseFactory, withScratch } from '../scratch.ts';
import { quoteIdentifier } from '../sql-text.ts';
import type { Migration, SchemaDifference, SqlDatabase } from '../types.ts';
import { type MigrationPlan, planMigration } from './plan-migration.ts';
import { proveMigration } from './proof.ts';
import { copiedColumns } from './rebuild.ts';
import { type Rename, resolveRenames, type SchemaLabels } from './renames.ts';
import { createObjects, readSchema, type SchemaModel } from './schema-model.ts';
import type { RowDestination } from './seed-rows.ts';
import { type MigrationStep, renderMigration } from './steps.ts';

/** Options of `generateMigration`. */
export interface GenerateMigrationOptions {
  /** Makes the empty scratch databases the schemas are read in and the migration proven on. */
  createDatabase: DatabaseFactory;
  /**
   * Tables and columns renamed, as `old_table=new_table` or `table.old_column=new_column`. Nothing
   * is renamed otherwise: a table or column that is gone is dropped, and one that is new created.
   */
  renames?: readonly string[];
  /** Write changes that lose data (a table or column dropped, rows a rebuild cannot copy) rather than refusing them. */
  allowDataLoss?: boolean;
  /** The name the migration will have, for messages; `the new migration` by default. */
  name?: string;
  /** What the schema to reach is called in messages; `schema.sql` by default. */
  schemaName?: string;
  /**
   * Write it as drizzle-kit writes its migrations: `--> statement-breakpoint` after every
   * statement but the last, and no BEGIN or COMMIT (drizzle's migrator runs each piece alone, in
   * a transaction of its own). `nextMigration` says when a folder wants this.
   */
  breakpoints?: boolean;
}

/** A migration written from the difference between two schemas, and proven. */
export interface GeneratedMigration {
  /** Its SQL, one statement per change with a comment per step; empty when the schemas agree. */
  sql: string;
  /** What running it may run into on a real database, and any data loss that was allowed. */
  warnings: string[];
  /** What it changes, object by object, as `schemaChanges` tells it. */
  changes: SchemaDifference[];
  /** What the proof ran on: tables and generated rows; null when there was nothing to prove. */
  proof: { tables: number; rows: number } | null;
}

/**
 * Writes the migration from the schema `from` builds to the one `to` builds, proven on a copy
 * with rows before it is handed over.
 *
 * `from` is SQL text or a history of migrations (replayed in order); `to` is SQL text, such as
 * `schema.sql`. Tables and indexes, views and triggers are created and dropped in the order they
 * depend on each other, columns SQLite can add are added, renames are made as `options.renames`
 * asks, and every other change rebuilds its table by SQLite's twelve steps. Throws
 * `MigrationError`: `DATA_LOSS` for a change that loses data (unless allowed), `BAD_RENAME`,
 * `CANNOT_GENERATE` (a schema that does not build, a rename SQLite refuses) and `PROOF_FAILED`.
 *
 * @example
 * const { sql, warnings } = generateMigration(migrations, schema, {
 *   createDatabase: () => new SQL.Database(),
 * });
 */
export function generateMigration(
  from: string | readonly Migration[],
  to: string,
  options: GenerateMigrationOptions,
): GeneratedMigration {
  const name = options.name ?? 'the new migration';
  const create = options.createDatabase;
  const labels: SchemaLabels = {
    from: typeof from === 'string' ? 'the schema to start from' : 'the schema the migrations build',
    to: options.schemaName ?? SCHEMA_FILE_NAME,
  };
  const before = withScratch(create, (db) => {
    build(db, from, name, labels.from);
    return readSchema(db);
  });
  const after = withScratch(create, (db) => {
    build(db, to, name, labels.to);
    return readSchema(db);
  });
  const renames = resolveRenames(options.renames ?? [], before, after, labels);
  if (renames.length === 0 && sameSchema(before.fingerprint, after.fingerprint))
    return { sql: '', warnings: [], changes: [], proof: null };

  const renamed = renames.length === 0 ? before : withRenames(before, renames, create, name);
  const plan = planMigration(renamed, after);
  if (plan.losses.length > 0 && !options.allowDataLoss) {
    throw new MigrationError(
      'DATA_LOSS',
      `${name}: reaching ${labels.to} loses data: ${plan.losses.join('; ')}. Allow data loss (allowDataLoss, or --allow-data-loss) to write it all the same, change ${labels.to} so nothing is lost (keep the table or column, give a new NOT NULL column a DEFAULT, or name a rename), or write this migration by hand`,
      { migrationName: name },
    );
  }
  const sql = renderMigration(
    [renameStep(renames), ...plan.steps],
    plan.framed,
    options.breakpoints,
  );
  const proof = proveMigration({
    sql,
    name,
    before,
    after,
    destinations: destinationsOf(before, renamed, after, renames, plan.fates),
    renames,
    createDatabase: create,
    labels,
  });
  return {
    sql,
    warnings: [
      ...plan.losses.map((loss) => `data loss, allowed: ${loss}`),
      ...plan.warnings,
      ...proof.warnings,
    ],
    changes: schemaChanges(before.fingerprint, after.fingerprint),
    proof: { tables: proof.tables, rows: proof.rows },
  };
}

/**
 * Runs a schema's SQL, or a history, on an empty scratch; a failure is `CANNOT_GENERATE`. So is
 * a foreign key SQLite cannot check (its parent key is no primary key or UNIQUE constraint of
 * the parent, or not with the same collations): every write to its table fails while foreign
 * keys are on, and so would the check after the migration.
 */
function build(
  db: SqlDatabase,
  source: string | readonly Migration[],
  name: string,
  label: string,
): void {
  // One transaction: SQLite keeps the schema it is building in memory until the end.
  db.run('BEGIN');
  const steps =
    typeof source === 'string' ? [{ name: label, sql: source }] : sortMigrations(source);
  for (const step of steps) {
    try {
      executeScript(db, step.sql, step.name);
    } catch (error) {
      if (!isMigrationError(error)) throw error;
      const what =
        typeof source === 'string'
          ? `${label} does not run on an empty database`
          : 'the migrations do not replay on an empty database';
      throw new MigrationError(
        'CANNOT_GENERATE',
        `${name}: cannot be written, ${what}: ${error.reason}`,
        {
          migrationName: name,
          statement: error.statement,
          line: error.line,
          cause: error,
        },
      );
    }
  }
  try {
    db.exec('PRAGMA foreign_key_check');
  } catch (error) {
    throw new MigrationError(
      'CANNOT_GENERATE',
      `${name}: cannot be written, ${label} has a foreign key SQLite cannot check (${messageOf(error)}): a foreign key must name its parent's primary key, or the columns of one of its UNIQUE constraints, with their collations; fix ${label}`,
      { migrationName: name, cause: error },
    );
  }
}

/**
 * The schema after the renames, as SQLite makes it: renaming a table or column also rewrites
 * the foreign keys, indexes, triggers and views that name it.
 */
function withRenames(
  before: SchemaModel,
  renames: readonly Rename[],
  create: DatabaseFactory,
  name: string,
): SchemaModel {
  return withScratch(create, (db) => {
    db.run('BEGIN');
    createObjects(db, before, ['table', 'index', 'view', 'trigger']);
    for (const statement of renameStatements(renames)) {
      try {
        db.run(statement);
      } catch (error) {
        throw new MigrationError(
          'CANNOT_GENERATE',
          `${name}: cannot be written, SQLite refuses ${statement}: ${messageOf(error)}; rename it by hand in a migration of its own`,
          { migrationName: name, statement, cause: error },
        );
      }
    }
    return readSchema(db);
  });
}

function renameStatements(renames: readonly Rename[]): string[] {
  return renames.map((rename) =>
    rename.kind === 'table'
      ? `ALTER TABLE ${quoteIdentifier(rename.from)} RENAME TO ${quoteIdentifier(rename.to)}`
      : `ALTER TABLE ${quoteIdentifier(rename.table)} RENAME COLUMN ${quoteIdentifier(rename.from)} TO ${quoteIdentifier(rename.to)}`,
  );
}

function renameStep(renames: readonly Rename[]): MigrationStep {
  return {
    comments:
      renames.length === 0
        ? []
        : [
            'Renames, as asked: SQLite rewrites the keys, indexes, triggers and views that name them.',
          ],
    statements: renameStatements(renames).map((sql) => ({ sql })),
  };
}

/**
 * Where each old table's rows must be found after the migration: the new schema's table of the
 * name it has after the renames, and the columns copied into it, told in the old table's names.
 */
function destinationsOf(
  before: SchemaModel,
  renamed: SchemaModel,
  after: SchemaModel,
  renames: readonly Rename[],
  fates: MigrationPlan['fates'],
): Map<string, RowDestination> {
  const destinations = new Map<string, RowDestination>();
  for (const name of before.tables.keys()) {
    const tableRename = renames.find((r) => r.kind === 'table' && r.from.toLowerCase() === name);
    const current = (tableRename?.to ?? name).toLowerCase();
    const fate = fates.get(current);
    const old = renamed.tables.get(current);
    const next = after.tables.get(current);
    if (!old || !next || (fate !== 'kept' && fate !== 'rebuilt')) continue;
    if (next.virtual) {
      destinations.set(name, { table: next.name, copied: null });
      continue;
    }
    const oldName = new Map(
      renames.flatMap((r) =>
        r.kind === 'column' && r.table.toLowerCase() === current
          ? [[r.to.toLowerCase(), r.from]]
          : [],
      ),
    );
    const copied = copiedColumns(old.sql as string, next.sql as string).map((column) => ({
      to: column.to,
      from: column.from === null ? null : (oldName.get(column.from.toLowerCase()) ?? column.from),
    }));
    destinations.set(name, { table: next.name, copied });
  }
  return destinations;
}
