import type { MigrationReport } from '../browser.ts';

// One wording for sizes, shared with the messages the browser layer writes.
export { formatBytes } from '../browser/format-bytes.ts';

/** `0.4 ms`, `12 ms`, `1.3 s`; an em dash when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** How the database looked before this load, in words: what the report's state says. */
export function describeState(report: MigrationReport): string {
  switch (report.state) {
    case 'fresh':
      return 'fresh (no tables)';
    case 'legacy':
      return report.legacyVersion === null
        ? 'legacy, untracked, at no known migration'
        : `legacy, untracked, at ${report.legacyVersion}`;
    case 'tracked':
      return 'tracked by the migration ledger';
    case 'other-ledger':
      return report.adoption === null
        ? "tracked by another tool's ledger"
        : `tracked by ${describeAdoptedFrom(report.adoption.from)}'s ledger (${report.adoption.source})`;
  }
}

/** Whose ledger an adopted migration came from, in words: `drizzle`, `the app's table versions`. */
export function describeAdoptedFrom(from: string): string {
  return from.startsWith('app:') ? `the app's table ${from.slice(4)}` : from;
}

/** What the run took over from another ledger: `adopted from drizzle: 12 migrations`; null for nothing. */
export function describeAdoption(report: MigrationReport): string | null {
  const adoption = report.adoption;
  if (adoption === null) return null;
  const count = `${adoption.migrations.length} migration${adoption.migrations.length === 1 ? '' : 's'}`;
  const verb = report.dryRun ? 'would adopt' : 'adopted';
  const dropped = adoption.dropped ? `; ${adoption.source} dropped` : '';
  return `${verb} from ${describeAdoptedFrom(adoption.from)}: ${count}${dropped}`;
}

/** What this load did, in words: the report's lists, counted. */
export function describeRun(report: MigrationReport): string {
  if (report.upToDate)
    return `up to date: nothing ran, nothing was saved (${formatDuration(report.durationMs)})`;
  const parts: string[] = [];
  const adoption = describeAdoption(report);
  if (adoption !== null) parts.push(adoption);
  if (report.executed.length > 0) parts.push(`executed ${report.executed.length}`);
  if (report.baselined.length > 0) parts.push(`baselined ${report.baselined.length}`);
  if (report.ledgerUpgraded) parts.push('upgraded the ledger');
  return `${parts.join(', ')} (${formatDuration(report.durationMs)})`;
}
