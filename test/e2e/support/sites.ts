import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Everything the suite builds lives here (git-ignored). */
export const E2E_ROOT = path.join(PROJECT_ROOT, '.tmp/e2e');

/** Prints two ports the system hands out now, held open together so they differ. */
const FREE_PORTS_SCRIPT = `
const net = require('node:net');
const a = net.createServer().listen(0, '127.0.0.1', () => {
  const b = net.createServer().listen(0, '127.0.0.1', () => {
    console.log(a.address().port + ',' + b.address().port);
    a.close();
    b.close();
  });
});`;

/**
 * The run's two ports, free when the run starts, so two runs on one machine never collide. The
 * config picks them and leaves them in the environment, where Playwright's workers (separate
 * processes that load this file again) find the same ones.
 */
const [previewPort, devPort] = runPorts();

/** One server serves every build under its own path, so all builds share one origin — and so one IndexedDB. */
export const PREVIEW_PORT = previewPort;
export const PREVIEW_ORIGIN = `http://127.0.0.1:${PREVIEW_PORT}`;
export const SITE_DIR = path.join(E2E_ROOT, 'site');

/** The dev server, for the checks that only make sense under `vite` (CSP with its client, reload on a new file). */
export const DEV_PORT = devPort;
export const DEV_ORIGIN = `http://127.0.0.1:${DEV_PORT}`;
export const DEV_MIGRATIONS_DIR = path.join(E2E_ROOT, 'dev-migrations');

/** The demo's own migrations. */
export const DEMO_MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

/** A drizzle-kit folder as drizzle-kit writes it, for a notes app the demo page can open. */
export const DRIZZLE_KIT_DIR = path.join(PROJECT_ROOT, 'test/fixtures/drizzle-kit');

/**
 * The builds: the demo as it is, its next release with one more migration, a release whose new
 * migration fails and one whose new migration never ends — each the demo's migrations folder plus
 * the named fixture folder — and the demo built on a drizzle-kit folder as it is (`folder`).
 */
export const BUILDS = {
  base: { extra: null },
  'plus-one': { extra: path.join(PROJECT_ROOT, 'test/fixtures/extra-migration') },
  failing: { extra: path.join(PROJECT_ROOT, 'test/fixtures/failing-migration') },
  runaway: { extra: path.join(PROJECT_ROOT, 'test/fixtures/runaway-migration') },
  drizzle: { extra: null, folder: DRIZZLE_KIT_DIR },
} satisfies Record<string, Build>;

/** One build of the demo: its migrations folder as it is, or the demo's plus `extra`. */
export interface Build {
  extra: string | null;
  folder?: string;
}

export type BuildName = keyof typeof BUILDS;

/** The URL of one build's page. */
export function buildUrl(build: BuildName): string {
  return `${PREVIEW_ORIGIN}/${build}/`;
}

/**
 * A document of the same origin that runs no app code (an image of the demo's): where a test
 * reads or writes the stored database raw without any build of the demo opening it first.
 */
export const BLANK_URL = `${PREVIEW_ORIGIN}/base/favicon.svg`;

function runPorts(): [number, number] {
  if (process.env.E2E_PORTS === undefined)
    process.env.E2E_PORTS = execFileSync(process.execPath, ['-e', FREE_PORTS_SCRIPT], {
      encoding: 'utf8',
    }).trim();
  const [preview, dev] = process.env.E2E_PORTS.split(',').map(Number);
  if (!Number.isInteger(preview) || !Number.isInteger(dev))
    throw new Error(
      `E2E_PORTS must be two port numbers, "preview,dev"; it is "${process.env.E2E_PORTS}".`,
    );
  return [preview as number, dev as number];
}
