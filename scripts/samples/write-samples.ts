import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { readMigrationFiles } from '../../src/cli/migrations-folder.ts';
import { splitMigrationFiles } from '../../src/index.ts';
import { buildSamples, type Sample } from './build-samples.ts';

/** Where the samples go, under the project: Vite serves and copies `public/` as is. */
export const SAMPLES_DIR = 'public/samples';

/** The list of samples the page can offer, written beside them. */
export const SAMPLES_INDEX = 'index.json';

/** What `writeSamples` did. */
export interface WriteSamplesResult {
  outDir: string;
  /** Files whose bytes changed (or were missing) and were written. */
  written: string[];
  /** Files already holding exactly these bytes, left alone. */
  unchanged: string[];
}

let sqlJs: Promise<SqlJsStatic> | undefined;

/**
 * Builds the demo's sample databases from the migrations folder and writes each one whose bytes
 * differ from what is on disk. Building is cheap (tens of milliseconds) and deterministic, so
 * this runs before every dev server start and build instead of tracking what changed; a file
 * already right is never rewritten, so a running dev server sees no change. Each file is written
 * to a temporary name and renamed, so two builds running at once (the e2e suite starts a build
 * and a dev server together) never leave a half-written file.
 */
export async function writeSamples(options: {
  migrationsDir: string;
  outDir: string;
}): Promise<WriteSamplesResult> {
  sqlJs ??= initSqlJs();
  const samples = buildSamples(await sqlJs, readMigrations(options.migrationsDir));
  mkdirSync(options.outDir, { recursive: true });
  const result: WriteSamplesResult = { outDir: options.outDir, written: [], unchanged: [] };
  const files: [string, Uint8Array][] = [
    ...samples.map((sample): [string, Uint8Array] => [sample.file, sample.bytes]),
    [SAMPLES_INDEX, new TextEncoder().encode(`${JSON.stringify(indexOf(samples), null, 2)}\n`)],
  ];
  for (const [name, bytes] of files) {
    const target = path.join(options.outDir, name);
    if (sameBytes(target, bytes)) {
      result.unchanged.push(name);
      continue;
    }
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, target);
    result.written.push(name);
  }
  return result;
}

/** The demo's migrations, read the way the CLI reads a folder. */
function readMigrations(dir: string) {
  return splitMigrationFiles(readMigrationFiles(dir)).migrations;
}

/** What the page lists: each sample's file, title, description and size. */
function indexOf(samples: Sample[]) {
  return samples.map(({ file, title, description, bytes }) => ({
    file,
    title,
    description,
    sizeBytes: bytes.byteLength,
  }));
}

function sameBytes(file: string, bytes: Uint8Array): boolean {
  return existsSync(file) && Buffer.compare(readFileSync(file), bytes) === 0;
}
