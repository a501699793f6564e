// Where the engines are on this machine. `npm test` installs them first (scripts/ensure-tools.sh);
// a test never skips for want of one: it fails and says how to get it.
import { existsSync } from 'node:fs';
import path from 'node:path';

const ENSURE_TOOLS =
  'Run `bash scripts/ensure-tools.sh` (`npm test` runs it first; it installs Debian packages with apt-get)';

function firstThere(candidates: (string | undefined)[]): string | undefined {
  return candidates.find(
    (candidate) => candidate !== undefined && candidate !== '' && existsSync(candidate),
  );
}

/** Firefox, driven over WebDriver BiDi: `$FIREFOX_PATH`, or Debian's firefox-esr. */
export function findFirefox(): string {
  const found = firstThere([process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox']);
  if (found === undefined)
    throw new Error(
      `No Firefox found ($FIREFOX_PATH, /usr/bin/firefox-esr, /usr/bin/firefox). ${ENSURE_TOOLS}: firefox-esr), or set FIREFOX_PATH to a Firefox binary.`,
    );
  return found;
}

/** WebKitGTK's WebDriver, its MiniBrowser, and the virtual display the MiniBrowser draws on. */
export interface WebKitTools {
  webDriver: string;
  miniBrowser: string;
  xvfb: string;
}

export function findWebKit(): WebKitTools {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const webDriver = firstThere([process.env.WEBKIT_WEBDRIVER_PATH, '/usr/bin/WebKitWebDriver']);
  const miniBrowser = firstThere([
    process.env.WEBKIT_MINIBROWSER_PATH,
    path.join('/usr/lib', triplet, 'webkit2gtk-4.1/MiniBrowser'),
    path.join('/usr/lib', triplet, 'webkitgtk-6.0/MiniBrowser'),
  ]);
  const xvfb = firstThere([process.env.XVFB_PATH, '/usr/bin/Xvfb']);
  const missing = [
    webDriver === undefined ? 'WebKitWebDriver (Debian: webkit2gtk-driver)' : null,
    miniBrowser === undefined
      ? `the MiniBrowser (/usr/lib/${triplet}/webkit2gtk-4.1/MiniBrowser, Debian: webkit2gtk-driver)`
      : null,
    xvfb === undefined ? 'Xvfb (Debian: xvfb)' : null,
  ].filter((line) => line !== null);
  if (webDriver === undefined || miniBrowser === undefined || xvfb === undefined)
    throw new Error(
      `WebKit cannot be driven here: no ${missing.join(', no ')}. ${ENSURE_TOOLS}: webkit2gtk-driver, xvfb), or set WEBKIT_WEBDRIVER_PATH, WEBKIT_MINIBROWSER_PATH and XVFB_PATH.`,
    );
  return { webDriver, miniBrowser, xvfb };
}
