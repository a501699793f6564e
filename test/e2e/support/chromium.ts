import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

/** Where a Chromium may be: `$CHROMIUM_PATH` first, then the usual system paths. */
const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/**
 * The system Chromium the suite drives. Playwright's own browser download is not available on
 * every machine, so the suite never relies on it — and never skips for want of a browser.
 */
export function findChromium(): string {
  const found = CANDIDATES.find((candidate) => candidate && existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      'No Chromium found ($CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome). ' +
        "Run `bash scripts/ensure-tools.sh` (it installs Debian's chromium; `npm test` runs it first), " +
        'or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return found;
}

/** Flags for a headless Chromium in a container: no sandbox, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch options shared by the config, the persistent contexts of the tests and the bench. */
export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true };
}
