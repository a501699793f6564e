import type { SqlJsStatic } from 'sql.js';
import {
  isMigrationError,
  type Migration,
  type MigrationReport,
  type RunOptions,
  runMigrations,
} from '../../index.ts';
import { isStorageError, messageOf, type StaleReason, storageFailure } from '../errors.ts';
import type { SaveSummary } from '../protocol.ts';
import type { StoredFile } from '../storage/chunk-store.ts';
import { type BackupReason, CHUNK_BYTES, type Manifest } from '../storage/layout.ts';
import { TrackedFile } from '../storage/tracked-file.ts';
import type { Coordinator } from '../tabs/coordinator.ts';
import { CONNECTION_SETTINGS } from './sqlite.ts';

/** How this build brings a stored file to its schema: its engine, migrations and run options. */
export interface Migrator {
  sql: SqlJsStatic;
  migrations: readonly Migration[];
  options: RunOptions;
}

/** A file opened and brought to this build's schema. */
export interface MigratedFile {
  file: TrackedFile;
  report: MigrationReport;
  openMs: number;
  migrateMs: number;
}

/** Opens a stored file (or a new one) as tracked chunks and runs the migrations on it. */
export function openAndMigrate(migrator: Migrator, stored: StoredFile): MigratedFile {
  const startedAt = performance.now();
  const file =
    stored.file === undefined
      ? TrackedFile.create(migrator.sql, CHUNK_BYTES, CONNECTION_SETTINGS)
      : TrackedFile.open(migrator.sql, stored.file, CONNECTION_SETTINGS);
  const openedAt = performance.now();
  try {
    const report = runMigrations(file.db, migrator.migrations, migrator.options);
    return { file, report, openMs: openedAt - startedAt, migrateMs: performance.now() - openedAt };
  } catch (error) {
    file.close();
    throw error;
  }
}

/** What taking in the stored file did. */
export type CatchUp =
  /** Nothing newer was stored. */
  | { outcome: 'up-to-date' }
  /** Another tab's newer save is this tab's file now. */
  | { outcome: 'caught-up' }
  /** This tab can no longer save, and why. */
  | { outcome: 'stale'; because: StaleReason; message: string };

/**
 * This tab's copy of the stored database: the file SQLite works on, the stored manifest it was
 * read from or last saved as, and a backup waiting for the next save. It catches up with what
 * other tabs stored and saves what this tab changed, always through the coordinator, and always
 * under the lock the caller holds.
 */
export class LocalCopy {
  private file: TrackedFile | undefined;
  /** The stored manifest this tab's file was read from or last saved as. */
  private manifest: Manifest | undefined;
  /**
   * Set when a migration changed the stored file: the stored file waits to be kept as a backup
   * until a save succeeds, so a failed save (a full disk) cannot let a later write store the
   * migrated file without it.
   */
  private pendingBackup: BackupReason | undefined;
  /** Why the last save failed; null once a save succeeds. */
  private saveProblem: string | null = null;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly migrator: Migrator,
    /** Told when `saveProblem()` changes. */
    private readonly onSaveProblem: () => void,
  ) {}

  /** The open database; throws when the copy was closed. */
  live(): TrackedFile {
    if (this.file === undefined) throw new Error('This tab’s copy is closed.');
    return this.file;
  }

  /** The generation this tab's file was read from or saved as (0 before the first save). */
  generation(): number {
    return this.manifest?.generation ?? 0;
  }

  sizeBytes(): number {
    return this.file?.size() ?? 0;
  }

  /** Why the last save failed, or null. */
  lastSaveProblem(): string | null {
    return this.saveProblem;
  }

  /**
   * Makes a migrated file this tab's database, in place of any it had. Nothing is written unless
   * the run changed the file (or there was nothing stored yet): then it is saved (`onSaving` hears
   * it begin), the stored file kept as a backup for `reason`. When that save fails, the tab goes
   * on with the migrated file and the backup waits for the next save. Resolves to what the save
   * wrote, or null when nothing was saved.
   */
  async takeOver(
    manifest: Manifest | undefined,
    migrated: MigratedFile,
    reason: BackupReason,
    onSaving?: () => void,
  ): Promise<SaveSummary | null> {
    this.file?.close();
    this.file = migrated.file;
    this.manifest = manifest;
    this.pendingBackup = migrated.report.changed && manifest !== undefined ? reason : undefined;
    if (!migrated.report.changed && manifest !== undefined) return null;
    onSaving?.();
    try {
      return await this.save();
    } catch {
      return null;
    }
  }

  /**
   * Saves the chunks of the live file that changed as the next generation, with the stored file
   * kept as a backup when one waits; throws the failure (`CONFLICT`, `QUOTA_EXCEEDED`,
   * `SAVE_FAILED`), with the stored file as it was.
   */
  async save(): Promise<SaveSummary> {
    const file = this.live();
    const changes = file.changes();
    const store = this.coordinator.store;
    if (store.kind === 'memory') {
      file.markSaved();
      this.manifest = undefined;
      return { bytesWritten: 0, wholeFile: changes.wholeFile };
    }
    let saved: Awaited<ReturnType<Coordinator['save']>>;
    try {
      saved = await this.coordinator.save({
        follows: this.generation(),
        fileSize: changes.size,
        chunks: new Map(changes.chunks.map((index) => [index, file.chunk(index)])),
        keepPrevious: this.pendingBackup,
      });
    } catch (error) {
      const failure = storageFailure(error, 'The last saved database is kept');
      if (!(isStorageError(failure) && failure.code === 'CONFLICT'))
        this.noteSaveProblem(failure.message);
      throw failure;
    }
    file.markSaved();
    this.manifest = saved.manifest;
    this.pendingBackup = undefined;
    this.noteSaveProblem(null);
    return { bytesWritten: saved.bytesWritten, wholeFile: changes.wholeFile };
  }

  /** Takes in another tab's newer save, if there is one. */
  async catchUp(): Promise<CatchUp> {
    const manifest = await this.coordinator.store.readManifest();
    if ((manifest?.generation ?? 0) <= this.generation()) return { outcome: 'up-to-date' };
    return this.takeInStored("another tab's save");
  }

  /**
   * After a failed save: the stored file is the last good one, so this tab shows that instead of
   * a change nobody kept. When it cannot be read either, the tab stops saving: its file holds a
   * change nobody kept, which the next write must not store.
   */
  fallBack(): Promise<CatchUp> {
    return this.takeInStored('its last saved database');
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  /**
   * Makes the stored file this tab's database, reading only the chunks that differ from the ones
   * this tab holds, and checks it with the runner. Called under the lock, so a run that has to
   * change the file (it is older than this build) may save it. A run that refuses makes the tab
   * stale.
   */
  private async takeInStored(what: string): Promise<CatchUp> {
    const held = this.manifest;
    const file = this.file;
    let stored: StoredFile;
    let migrated: MigratedFile;
    try {
      // The manifest with its chunks, in one transaction: another save between two reads could
      // free chunks the first one named. What this tab checks about the stored file (gone,
      // replaced) is checked on that read.
      stored = await this.coordinator.store.readFile({
        reuse: (index, current) =>
          held !== undefined &&
          held.chunkSize === current.chunkSize &&
          held.chunks[index] === current.chunks[index]
            ? file?.savedChunk(index)
            : undefined,
      });
      const left = leftBehind(held, stored.manifest);
      if (left !== undefined) return left;
      migrated = openAndMigrate(this.migrator, stored);
    } catch (error) {
      return couldNotTakeIn(error, what);
    }
    // A save that fails here is said through `lastSaveProblem()`; the next write saves again.
    await this.takeOver(stored.manifest, migrated, 'pre-migration');
    return { outcome: 'caught-up' };
  }

  private noteSaveProblem(problem: string | null): void {
    if (problem === this.saveProblem) return;
    this.saveProblem = problem;
    this.onSaveProblem();
  }
}

/**
 * Stale, when the stored file is no longer the one this tab holds: gone (saves only ever raise
 * the generation, so a lower one, or none, means the browser cleared the site's storage: this
 * tab's copy is then the only one left, and must not be swapped for an empty database) or
 * replaced wholesale by another tab (whose announcement can come after this tab took the lock, or
 * never where BroadcastChannel is missing).
 */
function leftBehind(held: Manifest | undefined, stored: Manifest | undefined): CatchUp | undefined {
  if (held === undefined) return undefined;
  if ((stored?.generation ?? 0) < held.generation)
    return stale(
      'gone',
      'This tab can no longer save: the stored database is gone, most likely cleared by the browser; this tab still holds its copy, with the writes it could not save: download it (exportImage) before you reload.',
    );
  if (stored !== undefined && stored.fileId !== held.fileId) return replacedElsewhere();
  return undefined;
}

/** Stale because another tab replaced the stored file wholesale. */
export function replacedElsewhere(): CatchUp & { outcome: 'stale' } {
  return stale(
    'replaced',
    'The database was replaced in another tab (an adopted upload, a restored backup or a newer version of this app): reload to see it.',
  );
}

/** Stale because what another tab stored (`what`) could not be taken in. */
function couldNotTakeIn(problem: unknown, what: string): CatchUp {
  const reload = 'so this tab no longer saves anything: reload it to continue.';
  if (isMigrationError(problem) && problem.code === 'UNKNOWN_APPLIED')
    return stale(
      'newer-version',
      `A newer version of this app has changed the database, ${reload} (${problem.reason})`,
    );
  return stale(
    'unreadable',
    `This tab could not take in ${what} (${isMigrationError(problem) ? problem.reason : messageOf(problem)}), ${reload}`,
  );
}

function stale(because: StaleReason, message: string): CatchUp & { outcome: 'stale' } {
  return { outcome: 'stale', because, message };
}
