import { inspectUpload, type MigrationProgress, type UploadSession } from '../browser/index.ts';
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
  /** Where `samples/` is served (the site's base URL). */
  base: string;
  /** Called once a file was adopted; the page reloads onto it. */
  onAdopted(): void;
}

/**
 * Wires the upload card to the library: a picked file (or a sample) is checked and a copy
 * upgraded, with progress, the result shown, and on confirmation kept, then downloaded or adopted. Each new file ends the
 * previous one's worker. The card renders the library's reports; this only keeps them.
 */
export function startUploadFlow(options: UploadFlowOptions): void {
  let state: UploadViewState = {
    samples: [],
    fileName: null,
    busy: null,
    inspection: null,
    progress: null,
    result: null,
    adopted: false,
    problem: null,
  };
  let session: UploadSession | undefined;
  // Counts picks, so the answer for a file picked before the last one is dropped.
  let picks = 0;
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

  const pick = async (file: File) => {
    const pick = ++picks;
    session?.close();
    session = undefined;
    update({
      fileName: file.name,
      busy: 'checking',
      inspection: null,
      progress: null,
      result: null,
      adopted: false,
      problem: null,
    });
    try {
      const inspected = await inspectUpload(file, {
        migrations: options.migrations,
        maxBytes: options.maxBytes,
        onProgress: (progress) => {
          if (pick === picks) update({ progress: merged(state.progress, progress) });
        },
      });
      if (pick !== picks) return inspected.close();
      session = inspected;
      update({ busy: null, inspection: inspected.inspection });
    } catch (error) {
      if (pick === picks) update({ busy: null, problem: problemOf(error) });
    }
  };

  const render = createUploadView(options.root, {
    pick: (file) => void pick(file),
    pickSample: (sample) => void attempt(async () => pick(await fetchSample(options.base, sample))),
    apply: () =>
      void attempt(async () => {
        const upload = session;
        if (upload === undefined) return;
        update({ busy: 'upgrading', problem: null });
        const result = await upload.upgrade();
        update({ busy: null, result });
      }),
    download: () =>
      void attempt(async () => {
        const upload = session;
        if (upload === undefined || state.result === null) return;
        saveFile(await upload.download(), state.result.fileName);
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

/**
 * The newest progress, keeping the migration counts of the last migration event: the phases
 * after the last migration (drift) count nothing, and the bar should stay full.
 */
function merged(previous: MigrationProgress | null, next: MigrationProgress): MigrationProgress {
  if (next.phase === 'migration' || previous === null) return next;
  return { ...next, index: previous.index, total: previous.total };
}
