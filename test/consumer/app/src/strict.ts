// The app under a strict Content-Security-Policy with Trusted Types (`strict/index.html`, built
// with `vite build strict`): `new Worker` then takes only a URL a Trusted Types policy made, so
// the database worker is started through `createWorker`, from the URL of the worker file the
// package exports.
import { openDatabase } from 'sqljs-migrate/browser';
import databaseWorkerUrl from 'sqljs-migrate/database-worker?worker&url';
import { showError, showReady } from './page.ts';

/** The part of the Trusted Types API this page uses (TypeScript's DOM types have none of it). */
interface TrustedTypes {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): { createScriptURL(url: string): unknown };
}

// The page's one policy, named in the header's `trusted-types visits`: it vouches for the
// database worker's URL and nothing else.
const trustedTypes = (window as { trustedTypes?: TrustedTypes }).trustedTypes;
const policy = trustedTypes?.createPolicy('visits', {
  createScriptURL(url) {
    if (url !== databaseWorkerUrl) throw new TypeError(`${url} is not the database worker`);
    return url;
  },
});
// `?default-worker` leaves the worker to openDatabase, as an app that knows nothing of Trusted Types.
const startsItsOwnWorker = !new URLSearchParams(location.search).has('default-worker');

try {
  const db = await openDatabase({
    name: 'visits',
    migrations: import.meta.glob('../migrations/*.sql', {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
    ...(startsItsOwnWorker && {
      createWorker: () =>
        // A TrustedScriptURL where the browser has Trusted Types; Worker's own type knows only strings.
        new Worker((policy?.createScriptURL(databaseWorkerUrl) ?? databaseWorkerUrl) as string, {
          type: 'module',
        }),
    }),
  });
  await db.exec('INSERT INTO visits (page) VALUES (?)', [location.pathname]);
  showReady(db.report, await db.query<{ id: number; page: string }>('SELECT id, page FROM visits'));
} catch (error) {
  showError(error);
}
