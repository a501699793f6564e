// Builds every variant of the demo the suite serves (see sites.ts), each with its own
// MIGRATIONS_DIR, into one folder that a single preview server serves. Playwright's webServer
// runs this first, so `npm test` on a fresh clone needs no separate build step.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build as viteBuild } from 'vite';
import { assembleMigrations } from './assemble-migrations.ts';
import { buildFirstRelease } from './first-release.ts';
import { BUILDS, type Build, type BuildName, E2E_ROOT, PROJECT_ROOT, SITE_DIR } from './sites.ts';

async function buildSite(name: BuildName): Promise<void> {
  const build: Build = BUILDS[name];
  let migrationsDir = build.folder;
  if (migrationsDir === undefined) {
    migrationsDir = path.join(E2E_ROOT, 'migrations', name);
    assembleMigrations(migrationsDir, build.extra);
  }
  process.env.MIGRATIONS_DIR = migrationsDir;
  await viteBuild({
    root: PROJECT_ROOT,
    base: `/${name}/`,
    logLevel: 'warn',
    build: { outDir: path.join(SITE_DIR, name), emptyOutDir: true },
  });
}

rmSync(SITE_DIR, { recursive: true, force: true });
for (const name of Object.keys(BUILDS) as BuildName[]) await buildSite(name);
await buildFirstRelease();
console.log(
  `built ${Object.keys(BUILDS).join(', ')} and 0.1.0 into ${path.relative(PROJECT_ROOT, SITE_DIR)}`,
);
