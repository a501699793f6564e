// Shows what main.ts did through data-testid attributes, for test/e2e/consumer.spec.ts.
import {
  isSqljsMigrateError,
  type MigrationError,
  type MigrationReport,
} from 'sqljs-migrate/browser';

/** The database opened: every migration with what this load did, and every visit. */
export function showReady(report: MigrationReport, visits: { id: number; page: string }[]): void {
  byTestId('migrations').replaceChildren(
    ...report.migrations.map((migration) =>
      item('migration', `${migration.name}: ${migration.status}`, {
        name: migration.name,
        status: migration.status,
      }),
    ),
  );
  byTestId('visits').replaceChildren(
    ...visits.map((visit) => item('visit', visit.page, { id: String(visit.id) })),
  );
  show('ready', `Ready: a ${report.state} database, ${report.executed.length} migrations run.`);
}

/** What the Kysely and Drizzle queries found, and the live count of visits as it changes. */
export function showQueries(found: {
  first?: { id: number; page: string };
  latest?: { id: number; page: string } | undefined;
  counted?: number;
  count?: number;
}): void {
  if (found.first !== undefined)
    byTestId('kysely-first').textContent = `${found.first.id} ${found.first.page}`;
  if (found.latest !== undefined)
    byTestId('drizzle-latest').textContent = `${found.latest.id} ${found.latest.page}`;
  if (found.counted !== undefined) byTestId('transaction').textContent = String(found.counted);
  if (found.count !== undefined) byTestId('live-count').textContent = String(found.count);
}

/** A migration failed or was refused: its code, its file, and the message. */
export function showFailure(error: MigrationError): void {
  const status = show('failed', error.message);
  status.setAttribute('data-code', error.code);
  status.setAttribute('data-migration', error.migrationName ?? '');
}

/** The database did not open: the error's code, when it is one of the package's, and its message. */
export function showError(error: unknown): void {
  const status = show('failed', error instanceof Error ? error.message : String(error));
  status.setAttribute('data-code', isSqljsMigrateError(error) ? error.code : '');
}

function show(state: 'ready' | 'failed', text: string): HTMLElement {
  const status = byTestId('status');
  status.setAttribute('data-state', state);
  status.textContent = text;
  return status;
}

function item(testId: string, text: string, data: Record<string, string>): HTMLLIElement {
  const li = document.createElement('li');
  li.setAttribute('data-testid', testId);
  for (const [key, value] of Object.entries(data)) li.setAttribute(`data-${key}`, value);
  li.textContent = text;
  return li;
}

function byTestId(testId: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (element === null) throw new Error(`index.html has no [data-testid="${testId}"]`);
  return element;
}
