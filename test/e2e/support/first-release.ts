// The demo as version 0.1.0 shipped it, built from git history beside the current builds, so a
// test can serve both on one origin (one IndexedDB) as a site does while its tabs update.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { build as viteBuild } from 'vite';
import { E2E_ROOT, PREVIEW_ORIGIN, PROJECT_ROOT, SITE_DIR } from './sites.ts';

/** The commit released as 0.1.0: the last of its CHANGELOG, before work on 0.2.0 began. */
export const FIRST_RELEASE_COMMIT = 'f3d26d4d4544010e445d531dd7a5825bdae582e9';

/** What of 0.1.0's tree its demo's build needs. */
const FIRST_RELEASE_FILES = [
  'src',
  'scripts',
  'migrations',
  'public',
  'index.html',
  'vite.config.ts',
  'package.json',
  'tsconfig.json',
];

/** Where 0.1.0's demo is served: beside the current builds, on the same origin. */
export const FIRST_RELEASE_URL = `${PREVIEW_ORIGIN}/v0.1.0/`;

/**
 * Builds 0.1.0's demo into the site folder: its files from git (never committed as built
 * output), with this checkout's node_modules, which hold everything 0.1.0 used.
 */
export async function buildFirstRelease(): Promise<void> {
  const source = path.join(E2E_ROOT, 'v0.1.0');
  rmSync(source, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  let archive: Buffer;
  try {
    archive = execFileSync(
      'git',
      ['archive', '--format=tar', FIRST_RELEASE_COMMIT, ...FIRST_RELEASE_FILES],
      { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    throw new Error(
      `0.1.0's demo is built from this repository's history (commit ${FIRST_RELEASE_COMMIT}), which this clone lacks: fetch it (\`git fetch --unshallow\`). ${String(error)}`,
    );
  }
  execFileSync('tar', ['-x', '-C', source], { input: archive });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  process.env.MIGRATIONS_DIR = path.join(source, 'migrations');
  await viteBuild({
    root: source,
    configFile: path.join(source, 'vite.config.ts'),
    base: '/v0.1.0/',
    logLevel: 'warn',
    build: { outDir: path.join(SITE_DIR, 'v0.1.0'), emptyOutDir: true },
  });
}
