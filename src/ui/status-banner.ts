import type { DatabaseInfo } from '../browser.ts';
import { el, replaceChildren } from './dom.ts';

/** What the banner asks for. */
export interface BannerActions {
  reload(): void;
}

/** Renders where the data lives, any storage problem, and a stale tab's request to reload. */
export function renderStatusBanner(
  root: HTMLElement,
  info: DatabaseInfo | null,
  actions: BannerActions,
): void {
  if (info === null) {
    replaceChildren(root);
    return;
  }
  replaceChildren(
    root,
    el(
      'p',
      {
        testid: 'storage-mode',
        className: `storage storage-${info.storage}`,
        attrs: { 'data-mode': info.storage },
      },
      info.storage === 'indexeddb'
        ? 'Saved in this browser (IndexedDB).'
        : 'Running in memory: nothing is saved, and the notes are gone when this tab closes.',
    ),
    info.storageProblem === null
      ? null
      : el(
          'p',
          { testid: 'storage-problem', className: 'warning', attrs: { role: 'alert' } },
          info.storageProblem,
        ),
    info.staleReason === null
      ? null
      : el(
          'div',
          { testid: 'stale-notice', className: 'warning', attrs: { role: 'alert' } },
          el('p', {}, info.staleReason),
          el(
            'button',
            { testid: 'reload', attrs: { type: 'button' }, on: { click: () => actions.reload() } },
            'Reload',
          ),
        ),
  );
}
