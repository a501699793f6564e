import type { MigrationProgress } from '../browser.ts';
import { type UploadSession, upgradeUpload } from '../upload.ts';
import { problemOf } from './problem.ts';
import { fetchSample, loadSampleList } from './sample-files.ts';
import { saveFile } from './save-file.ts';
import { createUploadView, type UploadViewState } from './upload-view.ts';

/** What the upload card works with. */
export interface UploadFlowOptions {
  root: HTMLElement;
  /** The app's database, which an adopted file replaces. */
  databaseName: string;
  /** The app's migrations, as `openDatabase` gets them. */
  migrations: Record<string, string>;
  maxBytes: number;
  /** How long checking a file may take before it is stopped; undefined for the library's default. */
  timeoutMs: number | undefined;
  /** Where `samples/` is served (the site's base URL). */
  base: string;
  /** Called once a file was adopted; the page reloads onto it. */
  onAdopted(): void;
}

/**
 * Wires the upload card to the library: a picked file (or a sample) is checked and a copy
 * upgraded, with progress, the result shown, and on confirmation kept, then downloaded or
 * adopted. Cancel, picking another file, or leaving the page stops the file's worker, even while
 * it is still checking; a page restored from the back/forward cache starts the card over.
 * The card renders the library's reports; this only keeps them.
 */
export function startUploadFlow(options: UploadFlowOptions): void {
  let state: UploadViewState = { samples: [], ...NO_FILE };
  let session: UploadSession | undefined;
  // Stops the check in flight, if any: a session exists only once its check has finished.
  let stopChecking: AbortController | undefined;
  const update = (change: Partial<UploadViewState>) => {
    state = { ...state, ...change };
    render(state);
  };
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      update({ busy: null, problem: problemOf(error) });
    }
  };
  const stopAll = () => {
    stopChecking?.abort();
    session?.close();
    session = undefined;
  };
  addEventListener('pagehide', stopAll);
  // Back from the back/forward cache: the check or the file the card showed was stopped when the
  // page was left, so the card starts over instead of waiting on a worker that is gone.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) update(NO_FILE);
  });

  // The check the person cancelled: unlike one stopped for another file, the card says so.
  let cancelled: AbortController | undefined;
  const pick = async (file: File) => {
    stopAll();
    const checking = new AbortController();
    stopChecking = checking;
    update({ ...NO_FILE, fileName: file.name, busy: 'checking' });
    try {
      const upload = await upgradeUpload(file, {
        migrations: options.migrations,
        maxBytes: options.maxBytes,
        timeoutMs: options.timeoutMs,
        signal: checking.signal,
        onProgress: (progress) => {
          if (!checking.signal.aborted) update({ progress: merged(state.progress, progress) });
        },
      });
      if (checking.signal.aborted) return upload.close();
      session = upload;
      update({ busy: null, report: upload.report });
    } catch (error) {
      if (!checking.signal.aborted || cancelled === checking)
        update({ busy: null, problem: problemOf(error) });
    }
  };

  const render = createUploadView(options.root, {
    pick: (file) => void pick(file),
    cancel: () => {
      cancelled = stopChecking;
      stopChecking?.abort();
    },
    pickSample: (sample) => void attempt(async () => pick(await fetchSample(options.base, sample))),
    keep: () =>
      void attempt(async () => {
        const upload = session;
        if (upload === undefined) return;
        update({ busy: 'keeping', problem: null });
        const kept = await upload.keep();
        update({ busy: null, kept });
      }),
    download: () =>
      void attempt(async () => {
        const upload = session;
        if (upload === undefined || state.kept === null) return;
        saveFile(await upload.download(), state.kept.fileName);
      }),
    adopt: () =>
      void attempt(async () => {
        const upload = session;
        if (upload === undefined) return;
        update({ busy: 'adopting', problem: null });
        await upload.adopt(options.databaseName);
        update({ busy: null, adopted: true });
        options.onAdopted();
      }),
  });
  render(state);
  void loadSampleList(options.base).then((samples) => update({ samples }));
}

/** The card before a file is picked. */
const NO_FILE = {
  fileName: null,
  busy: null,
  report: null,
  progress: null,
  kept: null,
  adopted: false,
  problem: null,
} as const satisfies Omit<UploadViewState, 'samples'>;

/**
 * The newest progress, keeping the migration counts of the last migration event: the phases
 * after the last migration (drift) count nothing, and the bar should stay full.
 */
function merged(previous: MigrationProgress | null, next: MigrationProgress): MigrationProgress {
  if (next.phase === 'migration' || previous === null) return next;
  return { ...next, index: previous.index, total: previous.total };
}
