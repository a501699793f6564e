// Another app's view of the package: test/consumer/app installs the tarball `npm pack` makes, as
// a user would, type-checks strictly against it, runs its CLI, and in Chromium runs under its dev
// server and from its production build with no Vite config at all.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { storeNames } from '../../src/browser/storage/layout.ts';
import { readStoredDatabase } from './support/app.ts';
import {
  ADDED_MIGRATIONS,
  builtAssets,
  CONSUMER_SOURCE,
  type Consumer,
  FAILING_MIGRATIONS,
  formatSize,
  freePort,
  installConsumer,
  migrationFiles,
  mustRun,
  type PolicyServer,
  run,
  serveWithPolicy,
  startServer,
  useMigrations,
  waitForDevServerToSee,
} from './support/consumer.ts';
import { expect, test } from './support/fixtures.ts';
import { PROJECT_ROOT } from './support/sites.ts';

/** The app's migrations, the one a later release adds, and one that fails on its second statement. */
const FIRST = ['001_create_visits.sql', '002_index_visits_by_page.sql'];
const ADDED = '003_add_referrer_to_visits.sql';
const FAILING = '004_write_then_fail.sql';

/** The app's releases after its first: the folders each adds to its migrations. */
const RELEASES = {
  added: [ADDED_MIGRATIONS],
  failing: [ADDED_MIGRATIONS, FAILING_MIGRATIONS],
};
type Release = keyof typeof RELEASES;

/** Where the app's `openDatabase({ name: 'visits' })` keeps its file. */
const STORED = storeNames('visits');

test("the consumer app names the repository's own vite, typescript, kysely and drizzle-orm", () => {
  const ours = readJson(path.join(PROJECT_ROOT, 'package.json'));
  const app = readJson(path.join(CONSUMER_SOURCE, 'app/package.json'));
  expect(app.devDependencies).toEqual({
    'drizzle-orm': ours.devDependencies['drizzle-orm'],
    kysely: ours.devDependencies.kysely,
    typescript: ours.devDependencies.typescript,
    vite: ours.devDependencies.vite,
  });
});

test('the README\'s "In the browser" shows the consumer app\'s main.ts as it is', () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In the browser\n'));
  const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const main = readFileSync(path.join(CONSUMER_SOURCE, 'app/src/main.ts'), 'utf8')
    // The app's own rendering, which the README names in words.
    .replace("import { showFailure, showQueries, showReady } from './page.ts';\n", '');
  expect(shown).toBe(main);
});

test('the README\'s "Queries" shows the consumer app\'s queries.ts as it is', () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Queries\n'));
  const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(shown).toBe(readFileSync(path.join(CONSUMER_SOURCE, 'app/src/queries.ts'), 'utf8'));
});

test.describe('an app that installs the packed package', () => {
  // One install serves every test below, run in order (a failed test restarts the worker, which
  // installs again, so the rest still run).
  test.describe.configure({ mode: 'default', timeout: 180_000 });

  let consumer: Consumer | undefined;
  const appDir = () => {
    if (consumer === undefined) throw new Error('the consumer app was not installed');
    return consumer.dir;
  };

  test.beforeAll(async () => {
    // npm pack (with its build), npm install, on a shared two-core machine.
    test.setTimeout(480_000);
    consumer = await installConsumer();
  });
  test.afterAll(() => consumer?.remove());

  test('npm installs the tarball without a warning about it', () => {
    expect(consumer?.installOutput).not.toMatch(/warn.*sqljs-migrate/i);
  });

  test('the app type-checks: strict, exactOptionalPropertyTypes, skipLibCheck false', async () => {
    const tsc = await run('npx', ['--no', '--', 'tsc', '--noEmit'], appDir(), 120_000);
    const printed = `${tsc.stdout}${tsc.stderr}`;
    // Drizzle's own declarations fail a check of every library (they name drivers an app does not
    // install); everything else, the package's declarations and Kysely's included, must pass it.
    const errors = printed.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(
      errors.filter((line) => !line.startsWith('node_modules/drizzle-orm/')),
      `tsc --noEmit printed:\n${printed}`,
    ).toEqual([]);
    const skippingDrizzle = await run(
      'npx',
      ['--no', '--', 'tsc', '--noEmit', '--skipLibCheck'],
      appDir(),
      120_000,
    );
    expect(
      skippingDrizzle.code,
      `tsc --noEmit --skipLibCheck printed:\n${skippingDrizzle.stdout}${skippingDrizzle.stderr}`,
    ).toBe(0);
  });

  test('the installed CLI reports status, migrates the file, and exits 1 on a failing migration', async () => {
    const dir = appDir();
    const cli = (...args: string[]) =>
      run('npx', ['--no', '--', 'sqljs-migrate', ...args], dir, 60_000);
    const file = path.join(dir, 'visits.db');
    try {
      const help = await cli('--help');
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: sqljs-migrate');
      if (/--version/.test(help.stdout)) {
        const version = await cli('--version');
        expect(version.code, version.stderr).toBe(0);
        expect(version.stdout).toContain(readJson(path.join(PROJECT_ROOT, 'package.json')).version);
      }

      const fresh = await cli('status', 'visits.db', '--dir', 'migrations');
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(fresh.stdout).toContain('visits.db: fresh database');
      expect(fresh.stdout).toContain('0 applied, 2 pending');

      const migrate = await cli('migrate', 'visits.db', '--dir', 'migrations');
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(migrate.stdout).toContain('executed 2, baselined 0, already applied 0');

      const status = await cli('status', 'visits.db', '--dir', 'migrations', '--json');
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        ok: true,
        command: 'status',
        report: { state: 'tracked', upToDate: true, alreadyApplied: FIRST },
      });

      const before = readFileSync(file);
      useMigrations(dir, [FAILING_MIGRATIONS]);
      const failing = await cli('migrate', 'visits.db', '--dir', 'migrations');
      expect(failing.code, failing.stdout).toBe(1);
      expect(failing.stderr).toContain(`${FAILING} line 3: no such table: no_such_table`);
      expect(readFileSync(file).equals(before)).toBe(true);
    } finally {
      useMigrations(dir);
      rmSync(file, { force: true });
    }
  });

  test('under its dev server: migrates, keeps a row across a reload, applies a new migration, shows a MigrationError', async ({
    page,
  }) => {
    const dir = appDir();
    useMigrations(dir);
    const server = await startServer(dir, [], await freePort());
    // The page leaves the server while its files change, so no hot reload races the next load.
    const load = async (release: Release) => {
      await page.goto('about:blank');
      useMigrations(dir, RELEASES[release]);
      await waitForDevServerToSee(server.origin, migrationFiles(dir));
      await page.goto(`${server.origin}/`);
    };
    try {
      await expectLoads(page, server.origin, load);
    } finally {
      await server.stop();
      useMigrations(dir);
    }
  });

  test('under its dev server: two tabs each count 50 times in transactions, and the count ends at 100', async ({
    context,
  }) => {
    const dir = appDir();
    useMigrations(dir);
    const server = await startServer(dir, [], await freePort());
    try {
      const tabs = await Promise.all([context.newPage(), context.newPage()]);
      await Promise.all(tabs.map((tab) => tab.goto(`${server.origin}/counter.html?times=50`)));
      for (const tab of tabs)
        await expect(tab.getByTestId('counted')).toHaveAttribute('data-state', 'done', {
          timeout: 60_000,
        });
      const counts = await Promise.all(tabs.map((tab) => tab.getByTestId('counted').textContent()));
      // The tab that finished last read every one of the hundred transactions.
      expect(
        counts
          .map(Number)
          .sort((a, b) => a - b)
          .at(-1),
      ).toBe(100);
      const check = await context.newPage();
      await check.goto(`${server.origin}/counter.html?times=0`);
      await expect(check.getByTestId('counted')).toHaveText('100');
    } finally {
      await server.stop();
    }
  });

  test('from its production build: migrates, keeps a row across a reload, applies a new migration, shows a MigrationError', async ({
    page,
  }) => {
    const dir = appDir();
    const vite = path.join(dir, 'node_modules/.bin/vite');
    // Each release is a build with its migrations folder; all are served on one port in turn,
    // so they share one origin, and so one IndexedDB, as a site's releases do.
    try {
      for (const [release, extra] of Object.entries({ base: [], ...RELEASES })) {
        useMigrations(dir, extra);
        await mustRun(vite, ['build', '--outDir', `dist/${release}`], dir, 120_000);
      }
    } finally {
      useMigrations(dir);
    }

    const assets = builtAssets(path.join(dir, 'dist/base'));
    for (const asset of assets) {
      test.info().annotations.push({ type: 'consumer build', description: formatSize(asset) });
      console.log(`consumer build: ${formatSize(asset)}`);
    }
    // `sqljs-migrate/upload` is an entry of its own: an app that never imports it ships none of it.
    expect(assets.map((asset) => asset.name).filter((name) => /upload/.test(name))).toEqual([]);

    const port = await freePort();
    let server = await startServer(dir, ['preview', '--outDir', 'dist/base'], port);
    const load = async (release: Release) => {
      await page.goto('about:blank');
      await server.stop();
      server = await startServer(dir, ['preview', '--outDir', `dist/${release}`], port);
      await page.goto(`${server.origin}/`);
    };
    try {
      await expectLoads(page, server.origin, load);
    } finally {
      await server.stop();
    }
  });

  test('from its build under a strict Content-Security-Policy and Trusted Types: opens with createWorker, and each missing rule is named', async ({
    page,
    cspViolations,
  }) => {
    const dir = appDir();
    useMigrations(dir);
    const vite = path.join(dir, 'node_modules/.bin/vite');
    await mustRun(
      vite,
      ['build', 'strict', '--outDir', '../dist/strict', '--emptyOutDir'],
      dir,
      120_000,
    );
    const server = await serveWithPolicy(path.join(dir, 'dist/strict'), SMALLEST_POLICY);
    try {
      const smallest = await loadUnderPolicy(page, server, SMALLEST_POLICY, cspViolations);
      expect(smallest).toMatchObject({ state: 'ready', violations: [] });
      await expect(page.getByTestId('visit')).toHaveCount(1);

      const trusted = await loadUnderPolicy(page, server, TRUSTED_TYPES_POLICY, cspViolations);
      expect(trusted).toMatchObject({ state: 'ready', violations: [] });
      await expect(page.getByTestId('visit')).toHaveCount(2);

      // An app that leaves the worker to openDatabase under Trusted Types: `new Worker` refuses
      // its plain URL, and the open says which rule, and what to pass instead.
      const untrusted = await loadUnderPolicy(
        page,
        server,
        TRUSTED_TYPES_POLICY,
        cspViolations,
        '?default-worker',
      );
      expect(untrusted).toMatchObject({ state: 'failed', code: 'OPEN_FAILED' });
      expect(untrusted.message).toContain("require-trusted-types-for 'script'");
      expect(untrusted.message).toContain('createWorker');

      // No 'wasm-unsafe-eval': the worker's policy (sent with its script) refuses the compile.
      const noWasm = await loadUnderPolicy(page, server, "script-src 'self'", cspViolations);
      expect(noWasm).toMatchObject({ state: 'failed', code: 'OPEN_FAILED' });
      expect(noWasm.message).toContain("add 'wasm-unsafe-eval' to its script-src");

      const noWorker = await loadUnderPolicy(
        page,
        server,
        `${SMALLEST_POLICY}; worker-src 'none'`,
        cspViolations,
      );
      expect(noWorker).toMatchObject({ state: 'failed', code: 'OPEN_FAILED' });
      expect(noWorker.message).toContain('refused its script (worker-src)');
      expect(noWorker.violations.join('\n')).toContain('worker-src');
    } finally {
      await server.stop();
    }
  });
});

/** The smallest Content-Security-Policy the package works under (README "Content-Security-Policy and Trusted Types"). */
const SMALLEST_POLICY = "script-src 'self' 'wasm-unsafe-eval'";
/** The same, with Trusted Types: the page's own policy `visits` vouches for the worker's URL. */
const TRUSTED_TYPES_POLICY = `${SMALLEST_POLICY}; require-trusted-types-for 'script'; trusted-types visits`;

/**
 * A load of the strict page under `policy`: what the status says, and the Content-Security-Policy
 * violations the browser reported on the console, taken out of the test's list of violations (each
 * load checks its own).
 */
async function loadUnderPolicy(
  page: Page,
  server: PolicyServer,
  policy: string,
  cspViolations: string[],
  query = '',
) {
  server.policy = policy;
  await page.goto(`${server.origin}/${query}`);
  const status = page.getByTestId('status');
  await expect(status).not.toHaveAttribute('data-state', 'loading', { timeout: 30_000 });
  const seen = cspViolations.splice(0);
  return {
    state: await status.getAttribute('data-state'),
    code: await status.getAttribute('data-code'),
    message: (await status.textContent()) ?? '',
    violations: seen,
  };
}

/**
 * The story both servers tell: the first load migrates and writes a row, and its Kysely query,
 * Drizzle query, interactive transaction and live query answer; a second tab's visit reaches the
 * first tab's live query; a reload keeps every row and runs nothing; the next release's migration
 * runs on its first load; a release whose migration
 * fails shows its `MigrationError` and leaves the stored file as it was; going back to the
 * release before it finds every row. `load` opens the page of a release at `origin`.
 */
async function expectLoads(
  page: Page,
  origin: string,
  load: (release: Release) => Promise<void>,
): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));

  await page.goto(`${origin}/`);
  expect(await shown(page, errors)).toEqual(ready({ executed: FIRST }, 1));
  // The Kysely query, the Drizzle query, the interactive transaction and the live query.
  await expect(page.getByTestId('kysely-first')).toHaveText('1 /');
  await expect(page.getByTestId('drizzle-latest')).toHaveText('1 /');
  await expect(page.getByTestId('transaction')).toHaveText('1');
  await expect(page.getByTestId('live-count')).toHaveText('1');

  // A second tab writes a visit and counts it: the first tab's live query hears it.
  const other = await page.context().newPage();
  await other.goto(`${origin}/`);
  expect(await shown(other, errors)).toEqual(ready({ 'already-applied': FIRST }, 2));
  await expect(other.getByTestId('transaction')).toHaveText('2');
  await expect(page.getByTestId('live-count')).toHaveText('2');
  await other.close();

  await page.reload();
  expect(await shown(page, errors)).toEqual(ready({ 'already-applied': FIRST }, 3));
  await expect(page.getByTestId('transaction')).toHaveText('3');

  await load('added');
  expect(await shown(page, errors)).toEqual(
    ready({ 'already-applied': FIRST, executed: [ADDED] }, 4),
  );
  const stored = await readStoredDatabase(page, STORED);
  expect(stored.imageBytes).toBeGreaterThan(0);

  await load('failing');
  const failed = await shown(page, errors);
  expect(failed).toMatchObject({ state: 'failed', code: 'SQL_FAILED', migration: FAILING });
  expect(failed.message).toContain('no such table: no_such_table');
  expect(await readStoredDatabase(page, STORED)).toEqual(stored);

  await load('added');
  expect(await shown(page, errors)).toEqual(ready({ 'already-applied': [...FIRST, ADDED] }, 5));
}

/** What the page shows once main.ts is done, or the page error that stopped it. */
interface Shown {
  state: string | null;
  migrations?: Record<string, string | undefined>;
  visits?: string[];
  code?: string | null;
  migration?: string | null;
  message?: string | null;
}

async function shown(page: Page, errors: string[]): Promise<Shown> {
  const status = page.getByTestId('status');
  // Done once the page says so, or once it threw.
  await expect
    .poll(
      async () => errors.length > 0 || (await status.getAttribute('data-state')) !== 'loading',
      {
        timeout: 30_000,
      },
    )
    .toBe(true);
  const state = await status.getAttribute('data-state');
  if (errors.length > 0) throw new Error(`the page threw:\n${errors.join('\n')}`);
  if (state === 'loading') throw new Error(`the page still says "${await status.textContent()}"`);
  if (state === 'failed') {
    return {
      state,
      code: await status.getAttribute('data-code'),
      migration: await status.getAttribute('data-migration'),
      message: await status.textContent(),
    };
  }
  return {
    state,
    migrations: Object.fromEntries(
      await page
        .getByTestId('migration')
        .evaluateAll((items) => items.map((item) => [item.dataset.name, item.dataset.status])),
    ),
    visits: await page
      .getByTestId('visit')
      .evaluateAll((items) => items.map((item) => `${item.dataset.id} ${item.textContent}`)),
  };
}

/** A ready page: each migration's status this load, and visits 1…n, each of `/`. */
function ready(statuses: Record<string, string[]>, visits: number): Shown {
  const migrations: Record<string, string> = {};
  for (const [status, names] of Object.entries(statuses)) {
    for (const name of names) migrations[name] = status;
  }
  return {
    state: 'ready',
    migrations,
    visits: Array.from({ length: visits }, (_, index) => `${index + 1} /`),
  };
}

function readJson(file: string) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
