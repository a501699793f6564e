import { isMigrationError } from './errors.ts';
import { executeScript } from './execute.ts';
import { type SchemaFingerprint, sameSchema } from './fingerprint.ts';
import { fingerprintOfSchema, replayHistory } from './history.ts';
import { sortMigrations } from './names.ts';
import { runMigrations } from './run.ts';
import { describeDifference, diffSchemas } from './schema-diff.ts';
import { type DatabaseFactory, withScratch } from './scratch.ts';
import type { Migration, SchemaDifference } from './types.ts';

/** What `verifyMigrations` found. */
export interface VerificationReport {
  ok: boolean;
  /** Each a sentence naming the file; any problem makes `ok` false. */
  problems: string[];
  /** Worth knowing, not wrong: steps detection cannot tell apart. */
  warnings: string[];
  /** How `schema.sql` differs from the result of every migration; empty when they agree. */
  differences: SchemaDifference[];
  /** For each version k of the history, what detection took an untracked copy of it for. */
  versions: { name: string; recognizedAs: string | null }[];
}

/**
 * Checks a migration set before it ships: every migration runs on what the ones before it built,
 * the result equals `schema`, and an untracked database at every intermediate version is
 * recognised and brought to the schema with no drift.
 */
export function verifyMigrations(
  migrations: readonly Migration[],
  options: { schema?: string; createDatabase: DatabaseFactory },
): VerificationReport {
  const sorted = sortMigrations(migrations);
  const create = options.createDatabase;
  const report: VerificationReport = {
    ok: true,
    problems: [],
    warnings: [],
    differences: [],
    versions: [],
  };
  const history = replayHistory(sorted, create);
  if (history.failure) {
    report.problems.push(
      `${history.failure.reason}, on a database built by the migrations before it`,
    );
  }
  const schemaFingerprint = schemaOrProblem(options.schema, create, report);
  if (schemaFingerprint && history.failedAt === null) {
    const final = history.fingerprints[sorted.length];
    if (final && !sameSchema(final, schemaFingerprint)) {
      report.differences = diffSchemas(final, schemaFingerprint);
      report.problems.push(
        `schema.sql differs from the result of every migration in ${report.differences.length} way(s): ${report.differences.map(describeDifference).join('; ')}`,
      );
    }
  }
  for (let k = 1; k < history.fingerprints.length; k++) {
    const previous = history.fingerprints[k - 1];
    const current = history.fingerprints[k];
    if (previous && current && sameSchema(previous, current)) {
      report.warnings.push(
        `${sorted[k - 1]?.name}: changes no schema, so an untracked database before and after it looks the same and detection runs it again; it must be safe to run twice`,
      );
    }
  }
  if (history.failedAt === null && report.problems.length === 0)
    checkEveryVersion(sorted, options.schema, create, report);
  report.ok = report.problems.length === 0;
  return report;
}

/** The schema's fingerprint, or a problem saying why schema.sql does not run. */
function schemaOrProblem(
  schema: string | undefined,
  create: DatabaseFactory,
  report: VerificationReport,
): SchemaFingerprint | undefined {
  if (schema === undefined) return undefined;
  try {
    return fingerprintOfSchema(schema, create);
  } catch (error) {
    if (!isMigrationError(error)) throw error;
    report.problems.push(error.reason);
    return undefined;
  }
}

/** Builds an untracked database at each version k and migrates it as an app would. */
function checkEveryVersion(
  migrations: Migration[],
  schema: string | undefined,
  create: DatabaseFactory,
  report: VerificationReport,
): void {
  for (let k = 1; k <= migrations.length; k++) {
    const name = migrations[k - 1]?.name as string;
    withScratch(create, (db) => {
      for (const migration of migrations.slice(0, k))
        executeScript(db, migration.sql, migration.name);
      try {
        const result = runMigrations(db, migrations, { schema, createDatabase: create });
        report.versions.push({ name, recognizedAs: result.legacyVersion });
        if (result.drift && result.drift.length > 0)
          report.problems.push(
            `a database at ${name} migrates to a schema that differs from schema.sql (${result.drift.length} difference(s))`,
          );
      } catch (error) {
        if (!isMigrationError(error)) throw error;
        report.versions.push({ name, recognizedAs: null });
        report.problems.push(`a database at ${name} is not recognised: ${error.message}`);
      }
    });
  }
}
