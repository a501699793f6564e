import type { VerificationReport } from '../index.ts';
import { describeDifference } from '../index.ts';
import { formatTable } from './format-table.ts';

/** The human summary of `verify`: each version and what detection took it for, then problems. */
export function formatVerification(
  report: VerificationReport,
  dir: string,
  schemaSource: string | null,
): string {
  const against =
    schemaSource === null ? 'no schema to compare with' : `compared with ${schemaSource}`;
  const lines = [`${dir}: every version built from an empty database, ${against}`];
  lines.push(...formatTable(report.versions.map((v) => [v.name, recognition(v)])));
  lines.push(...report.warnings.map((w) => `warning: ${w}`));
  if (report.ok) {
    lines.push('ok: every version is recognized and the migrations build the schema');
    return `${lines.join('\n')}\n`;
  }
  const noun = report.problems.length === 1 ? 'problem' : 'problems';
  lines.push(`verification failed: ${report.problems.length} ${noun}`);
  lines.push(...report.problems.map((p) => `  - ${p}`));
  if (report.differences.length > 0) {
    lines.push(`the database the migrations build, compared with ${schemaSource ?? 'the schema'}:`);
    lines.push(...report.differences.map((d) => `  ${describeDifference(d)}`));
  }
  return `${lines.join('\n')}\n`;
}

function recognition(version: VerificationReport['versions'][number]): string {
  if (version.recognizedAs === null) return 'NOT recognized';
  if (version.recognizedAs === version.name) return 'recognized';
  return `recognized as ${version.recognizedAs}`;
}
