import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin, searchForWorkspaceRoot } from 'vite';
import { SAMPLES_DIR, writeSamples } from './scripts/samples/write-samples.ts';
import { readMigrationFiles } from './src/cli/migrations-folder.ts';
import { splitMigrationFiles } from './src/index.ts';

/**
 * The alias the demo's `import.meta.glob` of the migrations goes through (`@migrations/*.sql`,
 * Prisma's `migration.sql` in a folder each, drizzle-kit's journal). A glob needs a literal pattern,
 * so the folder chosen at build time is reached through this alias instead.
 */
export const MIGRATIONS_ALIAS = '@migrations';

/** Where the migrations come from: env `MIGRATIONS_DIR`, relative to the project or absolute. */
export function resolveMigrationsDir(root: string, env = process.env): string {
  return path.resolve(root, env.MIGRATIONS_DIR || 'migrations');
}

/**
 * Points `@migrations` at the chosen folder, lets the dev server read it even when it lies
 * outside the project, checks the file names up front (a bad name fails the build), and in dev
 * reloads the page when a `.sql` file is added to the folder itself or removed from it.
 */
export function migrationsFolder(): Plugin {
  let dir = '';
  let isBuild = false;
  return {
    name: 'sqljs-migrate:migrations-folder',
    config(config, env) {
      const root = path.resolve(config.root ?? process.cwd());
      dir = resolveMigrationsDir(root);
      isBuild = env.command === 'build';
      return {
        resolve: { alias: [{ find: MIGRATIONS_ALIAS, replacement: dir }] },
        server: { fs: { allow: [searchForWorkspaceRoot(root), dir] } },
      };
    },
    buildStart() {
      const problem = checkMigrationsFolder(dir);
      if (problem === null) return;
      // A build must not ship a broken set; the dev server keeps running so the page can show
      // the same problem and a fixed file is picked up without a restart.
      if (isBuild) this.error(problem);
      else this.warn(problem);
    },
    configureServer(server) {
      server.watcher.add(dir);
      const reloadOnSql = (file: string) => {
        if (path.dirname(path.resolve(file)) !== dir || !file.endsWith('.sql')) return;
        // The glob's importer is invalidated by Vite; a full reload re-runs the migrations.
        for (const module of server.moduleGraph.getModulesByFile(path.resolve(file)) ?? []) {
          server.moduleGraph.invalidateModule(module);
        }
        server.ws.send({ type: 'full-reload' });
      };
      server.watcher.on('add', reloadOnSql);
      server.watcher.on('unlink', reloadOnSql);
    },
  };
}

/** Null when the folder holds a loadable migration set, else a message naming the problem. */
export function checkMigrationsFolder(dir: string): string | null {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return `MIGRATIONS_DIR ${dir} is not a folder: set MIGRATIONS_DIR to the folder holding the migrations (NNN_description.sql files, or another tool's layout).`;
  }
  try {
    splitMigrationFiles(readMigrationFiles(dir));
    return null;
  } catch (error) {
    return `Migrations in ${dir}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Builds the demo's sample databases (scripts/samples) into `public/samples/` before the dev
 * server or a build starts, so a fresh clone has them with no extra step; they are generated, not
 * committed. Always from the demo's own `migrations/`, whatever MIGRATIONS_DIR says: the samples
 * are StarPunk-shaped. Files already holding the right bytes are left alone.
 */
export function demoSamples(): Plugin {
  let isPreview = false;
  return {
    name: 'sqljs-migrate:demo-samples',
    config(_config, env) {
      isPreview = env.isPreview === true;
    },
    async configResolved(config) {
      // A preview serves a finished build, which copied the samples when it was made.
      if (isPreview || !config.publicDir) return;
      const { written } = await writeSamples({
        migrationsDir: path.join(config.root, 'migrations'),
        outDir: path.join(config.root, SAMPLES_DIR),
      });
      if (written.length > 0) config.logger.info(`samples: wrote ${written.join(', ')}`);
    },
  };
}

export default defineConfig({
  plugins: [migrationsFolder(), demoSamples()],
  build: {
    // The demo site, apart from dist/, which holds the package (npm run build:lib).
    outDir: 'site',
    target: 'es2022',
    // The wasm is fetched by URL from the worker; inlining it would defeat streaming compilation.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  worker: { format: 'es' },
  // Pre-bundled at dev start: found later (sql.js is only imported by the worker), they would
  // trigger a second page reload right after the first load.
  // The scan for dependencies starts from the demo's page alone: the consumer app under test/
  // imports the package by name, built only when the tests pack it.
  optimizeDeps: { include: ['comlink', 'idb-keyval', 'sql.js'], entries: ['index.html'] },
});
