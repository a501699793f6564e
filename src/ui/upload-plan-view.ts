import { describeDifference, type MigrationOutcome } from '../browser.ts';
import type { UploadReport } from '../upload.ts';
import { el, fact } from './dom.ts';
import { describeAdoption, describeState, formatBytes, formatDuration } from './format.ts';
import { checkLabel, describeLedger, describePlan } from './upload-format.ts';

/**
 * What an uploaded file is and what upgrading it does, from the run on the worker's copy: the
 * checks, its tables, then every migration the upgrade baselined or ran, in order, with the
 * schema changes. Rendered before anything is kept or written, with the button that confirms.
 */
export function planView(upload: UploadReport, confirm: { canKeep: boolean; keep(): void }) {
  const plan = upload.upgrade;
  const planned = plan.migrations.filter(
    (m) => m.status === 'executed' || m.status === 'baselined' || m.status === 'adopted',
  );
  const applied = plan.migrations.filter((m) => m.status === 'already-applied');
  return el(
    'div',
    { testid: 'upload-inspection' },
    el('h3', {}, 'The file'),
    el(
      'dl',
      { className: 'facts' },
      fact('Name', upload.fileName),
      fact(
        'Size',
        `${formatBytes(upload.sizeBytes)} (${upload.pageCount} pages of ${upload.pageSize} bytes)`,
      ),
      fact('Ledger', describeLedger(upload.ledger, plan.adoption)),
      el(
        'div',
        {
          testid: 'upload-state',
          attrs: { 'data-state': plan.state, 'data-legacy-version': plan.legacyVersion ?? '' },
        },
        el('dt', {}, 'Found'),
        el('dd', {}, describeState(plan)),
      ),
      fact(
        'Checked',
        `read ${formatDuration(upload.timings.readMs)}, checks ${formatDuration(upload.timings.checkMs)}, upgrade of a copy ${formatDuration(upload.timings.migrateMs)}`,
      ),
    ),
    el(
      'ul',
      { className: 'checks' },
      ...upload.checks.map((check) =>
        el(
          'li',
          {
            testid: 'upload-check',
            className: `check check-${check.level}`,
            attrs: { 'data-name': check.name, 'data-level': check.level },
          },
          el('strong', {}, `${checkLabel(check)}: `),
          check.detail,
        ),
      ),
    ),
    el('h3', {}, `Tables (${upload.tables.length})`),
    el(
      'ul',
      { className: 'tables' },
      ...upload.tables.map((table) =>
        el(
          'li',
          {
            testid: 'upload-table',
            attrs: { 'data-name': table.name, 'data-rows': table.rows ?? '' },
          },
          el('span', { className: 'name' }, table.name),
          el(
            'span',
            { className: 'meta' },
            table.rows === null ? 'unreadable' : `${table.rows} rows`,
          ),
        ),
      ),
    ),
    el('h3', {}, 'The plan'),
    el('p', { testid: 'upload-plan-summary' }, describePlan(plan)),
    plan.adoption === null
      ? null
      : el(
          'p',
          {
            testid: 'upload-adoption',
            attrs: {
              'data-from': plan.adoption.from,
              'data-count': plan.adoption.migrations.length,
            },
          },
          describeAdoption(plan),
        ),
    el('ol', { testid: 'upload-plan', className: 'migrations' }, ...planned.map(plannedItem)),
    applied.length === 0
      ? null
      : el(
          'p',
          { className: 'muted', testid: 'upload-already-applied' },
          `Already applied in the file: ${applied.map((m) => m.name).join(', ')}`,
        ),
    plan.schemaChanges.length === 0
      ? null
      : el(
          'div',
          {},
          el('h3', {}, `Schema changes (${plan.schemaChanges.length})`),
          el(
            'ul',
            { className: 'changes' },
            ...plan.schemaChanges.map((change) =>
              el('li', { testid: 'upload-schema-change' }, describeDifference(change)),
            ),
          ),
        ),
    plan.drift === null || plan.drift.length === 0
      ? null
      : el(
          'div',
          { className: 'warning', testid: 'upload-drift' },
          el('strong', {}, 'After the upgrade the schema still differs from schema.sql:'),
          el('ul', {}, ...plan.drift.map((d) => el('li', {}, describeDifference(d)))),
        ),
    el(
      'button',
      {
        testid: 'upload-apply',
        attrs: { type: 'button', disabled: !confirm.canKeep },
        on: { click: () => confirm.keep() },
      },
      'Keep the upgraded copy',
    ),
  );
}

/** The word on each planned migration's badge. */
const PLANNED_BADGE = { executed: 'ran', baselined: 'baseline', adopted: 'adopted' } as const;

function plannedItem(outcome: MigrationOutcome) {
  const how =
    outcome.status === 'executed'
      ? 'executed'
      : outcome.status === 'adopted'
        ? 'adopted'
        : 'baselined';
  return el(
    'li',
    { testid: 'planned-migration', attrs: { 'data-name': outcome.name, 'data-how': how } },
    el('span', { className: 'name' }, outcome.name),
    el(
      'span',
      { className: 'meta' },
      el('span', { className: `badge badge-${how}` }, PLANNED_BADGE[how]),
      how === 'executed' ? ` ${formatDuration(outcome.durationMs)} on the copy` : '',
    ),
  );
}
