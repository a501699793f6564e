import { describeDifference, type MigrationProgress } from '../browser.ts';
import type { KeptUpload, UploadReport } from '../upload.ts';
import { el, replaceChildren } from './dom.ts';
import { describeAdoption, formatBytes, formatDuration } from './format.ts';
import type { Problem } from './problem.ts';
import {
  describeFinished,
  describeProgress,
  describeStopped,
  refusalNote,
} from './upload-format.ts';
import { planView } from './upload-plan-view.ts';

/** A refusal or failure to show: a `DatabaseError` or `MigrationError`, as plain fields. */
export type UploadProblem = Problem;

/** A sample file the page offers (from `samples/index.json`). */
export interface SampleFile {
  file: string;
  title: string;
  description: string;
}

/** Everything the upload card shows; it renders this and decides nothing. */
export interface UploadViewState {
  samples: SampleFile[];
  /** The file being handled, once one was picked. */
  fileName: string | null;
  /** What is running now, if anything. */
  busy: 'checking' | 'keeping' | 'adopting' | null;
  /** The checks and the upgrade of a copy, once they are done. */
  report: UploadReport | null;
  /** The last progress of the run on the copy; `index`/`total` are those of the last migration event. */
  progress: MigrationProgress | null;
  /** The upgraded file, once kept. */
  kept: KeptUpload | null;
  adopted: boolean;
  problem: UploadProblem | null;
}

/** What the upload card's controls ask for. */
export interface UploadActions {
  pick(file: File): void;
  /** Stops the file checking now: its worker is ended. */
  cancel(): void;
  pickSample(sample: SampleFile): void;
  keep(): void;
  download(): void;
  adopt(): void;
}

/**
 * Builds the upload card once (the file input stays the same element across updates) and
 * returns the function that re-renders everything below it.
 */
export function createUploadView(
  root: HTMLElement,
  actions: UploadActions,
): (state: UploadViewState) => void {
  const input = el('input', {
    testid: 'upload',
    attrs: { type: 'file', accept: '.db,.sqlite,.sqlite3,.db3,application/vnd.sqlite3' },
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    // Cleared so that picking the same file again is a new change.
    input.value = '';
    if (file !== undefined) actions.pick(file);
  });
  const samples = el('div', { className: 'samples' });
  const body = el('div', { testid: 'upload-body' });
  replaceChildren(
    root,
    el('h2', {}, 'Upgrade an existing database'),
    el(
      'p',
      { className: 'muted' },
      'Pick a SQLite file — a backup of this app from any older version, or a database of the original server app. It is checked and upgraded on a copy in a worker; your file is never changed, and nothing is stored until you adopt the result.',
    ),
    el('label', { className: 'file-pick' }, 'Database file ', input),
    samples,
    body,
  );

  return (state) => {
    // Another file may be picked while one is checking (which stops that check), but not while
    // a file is being kept or adopted.
    const canPick = state.busy === null || state.busy === 'checking';
    input.disabled = !canPick;
    // Which file the card is about and whether it is still at work, for tests and screen readers.
    body.dataset.file = state.fileName ?? '';
    body.dataset.busy = state.busy ?? '';
    body.setAttribute('aria-busy', String(state.busy !== null));
    replaceChildren(
      samples,
      ...(state.samples.length === 0
        ? []
        : [
            el('span', { className: 'muted' }, 'Or try a sample: '),
            ...state.samples.map((sample) =>
              el(
                'button',
                {
                  testid: 'upload-sample',
                  className: 'secondary',
                  attrs: {
                    type: 'button',
                    'data-file': sample.file,
                    title: sample.description,
                    disabled: !canPick,
                  },
                  on: { click: () => actions.pickSample(sample) },
                },
                sample.title,
              ),
            ),
          ]),
    );
    replaceChildren(
      body,
      state.busy === 'checking'
        ? el(
            'div',
            { className: 'actions' },
            el(
              'p',
              { testid: 'upload-checking', className: 'status' },
              `Checking ${state.fileName} and upgrading a copy…`,
            ),
            el(
              'button',
              {
                testid: 'upload-cancel',
                className: 'secondary',
                attrs: { type: 'button' },
                on: { click: () => actions.cancel() },
              },
              'Cancel',
            ),
          )
        : null,
      state.progress === null ? null : progressView(state.progress, upgradeOutcome(state)),
      state.problem === null ? null : problemView(state.problem),
      state.report === null
        ? null
        : planView(state.report, {
            canKeep: state.busy === null && state.kept === null,
            keep: () => actions.keep(),
          }),
      state.report === null || state.kept === null
        ? null
        : keptView(state, state.report, state.kept, actions),
    );
  };
}

function problemView(problem: UploadProblem) {
  const note = refusalNote(problem.code);
  return el(
    'div',
    {
      testid: 'upload-error',
      className: 'error',
      attrs: { 'data-code': problem.code, role: 'alert' },
    },
    el(
      'p',
      { className: 'error-title' },
      problem.migrationName === undefined
        ? `Refused (${problem.code})`
        : `${problem.migrationName}: refused (${problem.code})`,
    ),
    el('p', { testid: 'upload-error-message' }, problem.message),
    note === null ? null : el('p', {}, note),
    problem.statement === undefined ? null : el('pre', {}, problem.statement),
    problem.cause === undefined
      ? null
      : el('p', {}, 'SQLite said: ', el('code', {}, problem.cause)),
    problem.differences === undefined || problem.differences.length === 0
      ? null
      : el(
          'div',
          {},
          el('h3', {}, 'How it differs from the nearest version'),
          el(
            'ul',
            { className: 'changes' },
            ...problem.differences.map((d) =>
              el('li', { testid: 'upload-difference' }, describeDifference(d)),
            ),
          ),
        ),
  );
}

/** Where the copy's upgrade is: running, finished with a report, or stopped without one. */
type UpgradeOutcome = 'running' | 'finished' | 'stopped';

function upgradeOutcome(state: UploadViewState): UpgradeOutcome {
  if (state.busy === 'checking') return 'running';
  return state.report === null && state.problem !== null ? 'stopped' : 'finished';
}

/** The progress bar's line for each outcome. */
const DESCRIBE_PROGRESS: Record<UpgradeOutcome, (progress: MigrationProgress) => string> = {
  running: describeProgress,
  finished: describeFinished,
  stopped: describeStopped,
};

function progressView(progress: MigrationProgress, outcome: UpgradeOutcome) {
  const running = outcome === 'running';
  return el(
    'div',
    {
      testid: 'upload-progress',
      className: 'progress',
      attrs: {
        'data-phase': progress.phase,
        'data-index': progress.index,
        'data-total': progress.total,
        'data-running': String(running),
      },
    },
    el('progress', {
      attrs: {
        max: Math.max(progress.total, 1),
        value: progress.total === 0 ? (outcome === 'finished' ? 1 : 0) : progress.index,
      },
    }),
    el('span', { className: 'meta' }, DESCRIBE_PROGRESS[outcome](progress)),
  );
}

function keptView(
  state: UploadViewState,
  upload: UploadReport,
  kept: KeptUpload,
  actions: UploadActions,
) {
  const report = upload.upgrade;
  return el(
    'div',
    {
      testid: 'upload-result',
      className: 'result',
      attrs: {
        'data-executed': report.executed.length,
        'data-baselined': report.baselined.length,
        'data-adopted': report.adoption?.migrations.length ?? 0,
        'data-drift': report.drift?.length ?? '',
      },
    },
    el(
      'p',
      {},
      `Upgraded in ${formatDuration(report.durationMs)}: ${adoptionClause(report)}executed ${report.executed.length}, baselined ${report.baselined.length}; ${formatBytes(kept.sizeBytes)}, ready to download or use.`,
    ),
    el(
      'div',
      { className: 'actions' },
      el(
        'button',
        {
          testid: 'upload-download',
          attrs: { type: 'button' },
          on: { click: () => actions.download() },
        },
        `Download ${kept.fileName}`,
      ),
      el(
        'button',
        {
          testid: 'upload-adopt',
          className: 'secondary',
          attrs: { type: 'button', disabled: state.busy !== null || state.adopted },
          on: { click: () => actions.adopt() },
        },
        'Use it as this app’s database',
      ),
    ),
    el(
      'p',
      { className: 'muted' },
      state.adopted
        ? 'Adopted: reloading…'
        : 'Adopting keeps the current database as a backup first, so it can be restored.',
    ),
  );
}

/** `adopted from drizzle: 12 migrations, ` before the counts, when the upgrade adopted a ledger. */
function adoptionClause(report: UploadReport['upgrade']): string {
  const adoption = describeAdoption(report);
  return adoption === null ? '' : `${adoption}, `;
}
