// The demo page: a notes app on the StarPunk-shaped schema beside a migrations panel. It uses
// only the public browser API, as any other Vite app would.
import { type MigratedDatabase, openDatabase, readStoredImage } from './browser.ts';
import { startBackupsFlow } from './ui/backups-flow.ts';
import { renderMigrationsPanel } from './ui/migrations-panel.ts';
import { type Note, notesStore } from './ui/notes-store.ts';
import { createNotesView } from './ui/notes-view.ts';
import { problemOf } from './ui/problem.ts';
import { saveFile } from './ui/save-file.ts';
import { renderStatusBanner } from './ui/status-banner.ts';
import { startUploadFlow } from './ui/upload-flow.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from './upload.ts';

/** The stored database's name: every build of the demo shares it, so upgrades meet old data. */
const DATABASE_NAME = 'starpunk-notes';

// `@migrations` is the folder chosen at build time (MIGRATIONS_DIR, see vite.config.ts), in any
// layout the core reads: Prisma's folders and drizzle-kit's journal are taken too.
const migrationFiles = import.meta.glob<string>(
  ['@migrations/*.sql', '@migrations/*/migration.sql', '@migrations/meta/_journal.json'],
  { query: '?raw', import: 'default', eager: true },
);

const panel = mustFind('migrations-panel');
const notesRoot = mustFind('notes');
const banner = mustFind('status-banner');
const panelActions = { downloadStored: () => void downloadStored() };
// Adopting an upload or restoring a backup replaces the stored database: the page starts over on it.
const reload = () => location.reload();
const refreshBackups = startBackupsFlow(mustFind('backups'), DATABASE_NAME, reload);

async function start(): Promise<void> {
  renderMigrationsPanel(panel, { phase: 'loading', progress: null }, panelActions);
  // Available whatever the load does: a failed start is when a good file is most wanted.
  startUploadFlow({
    root: mustFind('upload'),
    databaseName: DATABASE_NAME,
    migrations: migrationFiles,
    maxBytes: uploadLimit(),
    timeoutMs: positiveParameter('upload-timeout-ms'),
    base: import.meta.env.BASE_URL,
    onAdopted: reload,
  });
  let db: MigratedDatabase;
  try {
    db = await openDatabase({
      name: DATABASE_NAME,
      migrations: migrationFiles,
      timeoutMs: positiveParameter('open-timeout-ms'),
      onProgress: (progress) =>
        renderMigrationsPanel(panel, { phase: 'loading', progress }, panelActions),
    });
  } catch (error) {
    await showFailure(error);
    return;
  }
  // The load may have migrated the image, filing the one it replaced as a backup.
  if (db.report.changed) void refreshBackups();
  showReady(db);
  await openNotes(db);
}

async function openNotes(db: MigratedDatabase): Promise<void> {
  const notes = notesStore(db);
  let shown: Note[] = [];
  let problem: string | null = null;
  const render = () => {
    const info = db.info();
    renderStatusBanner(banner, info, { reload });
    renderNotes({ notes: shown, writable: info.staleReason === null, problem });
  };
  const attempt = async (write: () => Promise<void>) => {
    try {
      await write();
      problem = null;
    } catch (error) {
      problem = problemOf(error).message;
    }
    render();
  };
  const renderNotes = createNotesView(notesRoot, {
    add: (content) => attempt(() => notes.add(content)),
    remove: (id) => attempt(() => notes.remove(id)),
  });
  // The list is a live query: this tab's writes and other tabs' saves redraw it.
  notes.watch(
    (rows) => {
      shown = rows;
      render();
    },
    (error) => {
      problem = error.message;
      render();
    },
  );
  db.subscribe((event) => {
    // Another tab adopted a file or restored a backup: this tab's report is of another file.
    if (event.kind === 'replaced') return reload();
    showReady(db);
    void refreshBackups();
    render();
  });
}

/** The panel for an open database, with its status as it is now. */
function showReady(db: MigratedDatabase): void {
  renderMigrationsPanel(
    panel,
    { phase: 'ready', report: db.report, info: db.info(), timings: db.timings },
    panelActions,
  );
}

async function showFailure(error: unknown): Promise<void> {
  let stored: { sizeBytes: number } | { problem: string } | null = null;
  try {
    const bytes = await readStoredImage(DATABASE_NAME);
    if (bytes !== undefined) stored = { sizeBytes: bytes.byteLength };
  } catch (damaged) {
    stored = { problem: problemOf(damaged).message };
  }
  renderMigrationsPanel(panel, { phase: 'failed', error: problemOf(error), stored }, panelActions);
  notesRoot.replaceChildren();
  notesRoot.append(
    Object.assign(document.createElement('p'), {
      className: 'muted',
      textContent:
        'The notes stay closed: the panel above says why, and what became of the stored database.',
    }),
  );
}

async function downloadStored(): Promise<void> {
  const bytes = await readStoredImage(DATABASE_NAME).catch(() => undefined);
  if (bytes !== undefined) saveFile(bytes, `${DATABASE_NAME}.sqlite`);
}

/**
 * The largest upload the page accepts. `?max-upload-bytes=N` lowers it (never raises it), so
 * the limit can be tried without a huge file.
 */
function uploadLimit(): number {
  const asked = positiveParameter('max-upload-bytes');
  return asked === undefined ? DEFAULT_MAX_UPLOAD_BYTES : Math.min(asked, DEFAULT_MAX_UPLOAD_BYTES);
}

/**
 * A positive number from the page's query string, if there is one: `?upload-timeout-ms=N` and
 * `?open-timeout-ms=N` set the upload's and the database's time budgets.
 */
function positiveParameter(name: string): number | undefined {
  const asked = Number(new URLSearchParams(location.search).get(name));
  return asked > 0 ? asked : undefined;
}

function mustFind(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`index.html lacks #${id}`);
  return element;
}

void start();
