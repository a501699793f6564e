import {
  type DatabaseInfo,
  describeDifference,
  type LoadTimings,
  type MigrationOutcome,
  type MigrationReport,
  type OpenProgress,
} from '../browser.ts';
import { el, fact, replaceChildren } from './dom.ts';
import {
  describeAdoptedFrom,
  describeRun,
  describeState,
  formatBytes,
  formatDuration,
} from './format.ts';
import type { Problem } from './problem.ts';

/** A failure to show: a `MigrationError`'s fields, or just a code and a message. */
export type PanelError = Problem;

/** What the panel shows; it renders this and decides nothing. */
export type PanelState =
  /** Opening: where it is, once the worker said (null before). */
  | { phase: 'loading'; progress: OpenProgress | null }
  | { phase: 'ready'; report: MigrationReport; info: DatabaseInfo; timings: LoadTimings }
  | {
      phase: 'failed';
      error: PanelError;
      /** The stored database: its size, why it cannot be read, or null when nothing is stored. */
      stored: { sizeBytes: number } | { problem: string } | null;
    };

/** What the panel's buttons ask for. */
export interface PanelActions {
  downloadStored(): void;
}

/** Renders the migrations panel into `root`, replacing what was there. */
export function renderMigrationsPanel(
  root: HTMLElement,
  state: PanelState,
  actions: PanelActions,
): void {
  replaceChildren(
    root,
    el('h2', {}, 'Migrations'),
    statusLine(state),
    state.phase === 'ready' ? readyDetails(state.report, state.info, state.timings) : null,
    state.phase === 'failed' ? failure(state.error, state.stored, actions) : null,
  );
}

function statusLine(state: PanelState) {
  const step = state.phase === 'loading' ? (state.progress?.step ?? 'reading') : '';
  return el(
    'p',
    {
      testid: 'migration-status',
      className: `status status-${state.phase}`,
      attrs: { 'data-state': state.phase, 'data-step': step, role: 'status' },
    },
    statusText(state),
  );
}

function statusText(state: PanelState): string {
  if (state.phase === 'ready') return 'Ready';
  if (state.phase === 'failed')
    return state.error.code === 'OPEN_TIMED_OUT' || state.error.code === 'OPEN_CANCELLED'
      ? 'Opening was stopped: the notes stay closed'
      : 'Migration failed: the notes stay closed';
  const progress = state.progress;
  if (progress === null) return 'Opening the database…';
  if (progress.step === 'waiting')
    return 'Waiting for another tab of this app, which has the database open for a migration or a write…';
  if (progress.step === 'saving') return 'Saving the migrated database…';
  const { phase, name, index, total } = progress.migration;
  return phase === 'migration' && name !== null
    ? `Running ${name} (migration ${index} of ${total})…`
    : 'Checking the database against the migrations…';
}

function readyDetails(report: MigrationReport, info: DatabaseInfo, timings: LoadTimings) {
  const applied = report.migrations.filter((outcome) => outcome.how !== null);
  const pending = report.migrations.filter((outcome) => outcome.how === null);
  return el(
    'div',
    {},
    el(
      'dl',
      { className: 'facts' },
      fact('Found', describeState(report)),
      el(
        'div',
        {
          testid: 'run-summary',
          attrs: {
            'data-detected': report.state,
            'data-up-to-date': String(report.upToDate),
            'data-executed': report.executed.length,
            'data-baselined': report.baselined.length,
            'data-adopted': report.adoption?.migrations.length ?? 0,
          },
        },
        el('dt', {}, 'This load'),
        el('dd', {}, describeRun(report)),
      ),
      adoptedFact(report),
      fact(
        'Load',
        `${formatDuration(timings.totalMs)}: read ${formatDuration(timings.readMs)}, open ${formatDuration(timings.openMs)}, migrate ${formatDuration(timings.migrateMs)}`,
      ),
      fact('Size', formatBytes(info.sizeBytes)),
      fact(
        'Saved',
        info.storage === 'indexeddb' ? `generation ${info.generation}` : 'not saved (memory)',
      ),
    ),
    report.drift !== null && report.drift.length > 0
      ? el(
          'div',
          { className: 'warning', testid: 'drift' },
          el('strong', {}, 'The schema differs from schema.sql:'),
          el('ul', {}, ...report.drift.map((d) => el('li', {}, describeDifference(d)))),
        )
      : null,
    report.schemaChanges.length === 0
      ? null
      : el(
          'div',
          { testid: 'schema-changes' },
          el('h3', {}, `Schema changes this load (${report.schemaChanges.length})`),
          el(
            'ul',
            { className: 'changes' },
            ...report.schemaChanges.map((change) => el('li', {}, describeDifference(change))),
          ),
        ),
    el('h3', {}, `Applied (${applied.length})`),
    el('ol', { testid: 'applied-list', className: 'migrations' }, ...applied.map(appliedItem)),
    el('h3', {}, `Pending (${pending.length})`),
    pending.length === 0
      ? el('p', { className: 'muted' }, 'None.')
      : el('ol', { testid: 'pending-list', className: 'migrations' }, ...pending.map(pendingItem)),
  );
}

/** Which migrations came from another tool's ledger, read from the ledger after the load. */
function adoptedFact(report: MigrationReport) {
  const adopted = report.migrations.filter((outcome) => outcome.adoptedFrom !== null);
  if (adopted.length === 0) return null;
  const from = [...new Set(adopted.map((outcome) => outcome.adoptedFrom as string))];
  return el(
    'div',
    {
      testid: 'adopted-summary',
      attrs: { 'data-from': from.join(','), 'data-count': adopted.length },
    },
    el('dt', {}, 'Adopted'),
    el(
      'dd',
      {},
      `adopted from ${from.map(describeAdoptedFrom).join(' and ')}: ${adopted.length} migration${adopted.length === 1 ? '' : 's'}`,
    ),
  );
}

function appliedItem(outcome: MigrationOutcome) {
  const how = outcome.how ?? 'unknown';
  return el(
    'li',
    {
      testid: 'applied-migration',
      attrs: {
        'data-name': outcome.name,
        'data-how': how,
        'data-status': outcome.status,
        'data-adopted-from': outcome.adoptedFrom ?? '',
      },
    },
    el('span', { className: 'name' }, outcome.name),
    el(
      'span',
      { className: 'meta' },
      el('span', { className: `badge badge-${how}` }, how),
      outcome.adoptedFrom === null ? '' : ` from ${describeAdoptedFrom(outcome.adoptedFrom)}`,
      ` ${outcome.appliedAt ?? '—'} UTC · ${formatDuration(outcome.durationMs)} · `,
      el(
        'span',
        {
          className: `checksum checksum-${outcome.checksumStatus}`,
          attrs: { title: outcome.checksum },
        },
        `checksum ${outcome.checksumStatus}`,
      ),
      outcome.status === 'executed' || outcome.status === 'baselined' ? ' · this load' : '',
    ),
  );
}

function pendingItem(outcome: MigrationOutcome) {
  return el(
    'li',
    { attrs: { 'data-name': outcome.name } },
    el('span', { className: 'name' }, outcome.name),
    el('span', { className: 'meta' }, outcome.status),
  );
}

function failure(
  error: PanelError,
  stored: Extract<PanelState, { phase: 'failed' }>['stored'],
  actions: PanelActions,
) {
  return el(
    'div',
    {
      testid: 'migration-error',
      className: 'error',
      attrs: { 'data-code': error.code, role: 'alert' },
    },
    el(
      'p',
      { className: 'error-title' },
      error.migrationName === undefined
        ? error.code
        : `${error.migrationName} failed (${error.code})`,
    ),
    el('p', { testid: 'migration-error-message' }, error.message),
    error.statement === undefined
      ? null
      : el(
          'div',
          {},
          el('h3', {}, error.line === undefined ? 'Statement' : `Statement (line ${error.line})`),
          el('pre', { testid: 'migration-error-statement' }, error.statement),
        ),
    error.cause === undefined
      ? null
      : el('p', {}, 'SQLite said: ', el('code', { testid: 'migration-error-cause' }, error.cause)),
    // A stop during the save cannot say which: its message does.
    error.step === 'saving' ? null : el('p', {}, 'The stored database was not changed.'),
    stored === null
      ? el('p', { className: 'muted' }, 'Nothing is stored in this browser yet.')
      : 'problem' in stored
        ? el('p', { className: 'muted' }, `The stored database cannot be read: ${stored.problem}`)
        : el(
            'button',
            {
              testid: 'download-database',
              attrs: { type: 'button' },
              on: { click: () => actions.downloadStored() },
            },
            `Download the stored database (${formatBytes(stored.sizeBytes)})`,
          ),
  );
}
