// The demo as version 0.1.0 shipped it, built beside the current builds, so a test can serve both
// on one origin (one IndexedDB) as a site does while its tabs update.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { build as viteBuild } from 'vite';
import { E2E_ROOT, PREVIEW_ORIGIN, PROJECT_ROOT, SITE_DIR } from './sites.ts';

/**
 * 0.1.0's source, as it was released (commit f3d26d4, the last of its CHANGELOG), archived with
 * `git archive --format=tar.gz f3d26d4 src scripts migrations public index.html vite.config.ts
 * package.json tsconfig.json`: a clone without that history (a shallow one, as CI may make)
 * builds it all the same.
 */
const FIRST_RELEASE_SOURCE = path.join(
  PROJECT_ROOT,
  'test/fixtures/release-0.1.0/demo-source.tar.gz',
);

/** Where 0.1.0's demo is served: beside the current builds, on the same origin. */
export const FIRST_RELEASE_URL = `${PREVIEW_ORIGIN}/v0.1.0/`;

/**
 * Builds 0.1.0's demo into the site folder from its archived source (never from built output),
 * with this checkout's node_modules, which hold everything 0.1.0 used.
 */
export async function buildFirstRelease(): Promise<void> {
  const source = path.join(E2E_ROOT, 'v0.1.0');
  rmSync(source, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  execFileSync('tar', ['-xzf', FIRST_RELEASE_SOURCE, '-C', source]);
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
