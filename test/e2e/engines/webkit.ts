// WebKit through WebDriver: WebKitGTK's WebKitWebDriver starts a MiniBrowser (with --automation)
// for each session, on a virtual display (Xvfb). Both are started once per test worker; each test
// gets a session of its own, which starts with empty storage. A second tab is a window of its
// own, and WebDriver drives one window at a time, so every call switches to its tab's window
// first, one call at a time.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Builder, By, type WebDriver, type WebElement } from 'selenium-webdriver';
import { freePort } from '../support/consumer.ts';
import type { EngineHost, Session, Tab } from './driver.ts';
import { findWebKit } from './find-engines.ts';

/** How long a click or a fill waits for its element to be there and enabled. */
const ELEMENT_WAIT_MS = 15_000;

export async function startWebKit(proxyPort: number): Promise<EngineHost> {
  const tools = findWebKit();
  const xvfb = await startXvfb(tools.xvfb);
  const port = await freePort();
  const webDriver = spawn(tools.webDriver, [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: `:${xvfb.display}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr = collect(webDriver);
  const server = `http://127.0.0.1:${port}`;
  await untilAnswers(server, webDriver, stderr);
  const files = mkdtempSync(path.join(os.tmpdir(), 'sqljs-migrate-webkit-'));
  return {
    async newSession(): Promise<Session> {
      const driver = await new Builder()
        .usingServer(server)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: tools.miniBrowser, args: ['--automation'] },
          // Plain http through the proxy on loopback, for the non-secure origin.
          proxy: { proxyType: 'manual', httpProxy: `127.0.0.1:${proxyPort}` },
        })
        .build();
      return webDriverSession(driver, files);
    },
    async stop() {
      webDriver.kill();
      xvfb.process.kill();
      rmSync(files, { recursive: true, force: true });
    },
  };
}

function webDriverSession(driver: WebDriver, files: string): Session {
  // One call at a time: each switches to its own window first.
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };
  let first = true;
  const tab = (handle: string): Tab => {
    const inWindow = <T>(work: () => Promise<T>) =>
      inTurn(async () => {
        await driver.switchTo().window(handle);
        return work();
      });
    const element = async (selector: string): Promise<WebElement> => {
      const found = await driver.wait(
        async () => {
          const [first] = await driver.findElements(By.css(selector));
          return first !== undefined && (await first.isEnabled()) ? first : null;
        },
        ELEMENT_WAIT_MS,
        `no enabled ${selector} within ${ELEMENT_WAIT_MS / 1000} s`,
      );
      if (found === null) throw new Error(`no enabled ${selector}`);
      return found;
    };
    return {
      goto: (url) => inWindow(() => driver.get(url)),
      reload: () => inWindow(() => driver.navigate().refresh()),
      click: (selector) => inWindow(async () => (await element(selector)).click()),
      fill: (selector, text) =>
        inWindow(async () => {
          const input = await element(selector);
          await input.clear();
          await input.sendKeys(text);
        }),
      setFile: (selector, file) =>
        inWindow(async () => {
          const picked = path.join(mkdtempSync(path.join(files, 'pick-')), file.name);
          writeFileSync(picked, file.buffer);
          await (await element(selector)).sendKeys(picked);
        }),
      evaluate: (fn, arg) =>
        inWindow(async () => {
          const outcome = (await driver.executeAsyncScript(
            `const done = arguments[arguments.length - 1];
             Promise.resolve(arguments[0]).then(${fn.toString()}).then(
               (value) => done({ ok: true, value }),
               (error) => done({ ok: false, error: String((error && error.stack) || error) }),
             );`,
            arg,
          )) as { ok: true; value: never } | { ok: false; error: string };
          if (!outcome.ok) throw new Error(`evaluate failed in the page: ${outcome.error}`);
          return outcome.value;
        }),
      close: () => inWindow(() => driver.close()),
    };
  };
  return {
    engine: 'webkit',
    newTab: () =>
      inTurn(async () => {
        // The session's own window is its first tab; each later one is a new window.
        if (first) {
          first = false;
          return tab(await driver.getWindowHandle());
        }
        await driver.switchTo().newWindow('window');
        return tab(await driver.getWindowHandle());
      }),
    close: () => inTurn(() => driver.quit()),
  };
}

/** A virtual display: Xvfb picks a free display number and says which on a pipe. */
async function startXvfb(xvfb: string): Promise<{ display: string; process: ChildProcess }> {
  const child = spawn(
    xvfb,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const stderr = collect(child);
  const display = await new Promise<string>((resolve, reject) => {
    child.stdio[3]?.on('data', (data: Buffer) => resolve(String(data).trim()));
    child.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr()}`)));
  });
  return { display, process: child };
}

async function untilAnswers(server: string, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`WebKitWebDriver exited with ${child.exitCode}: ${stderr()}`);
    try {
      if ((await fetch(`${server}/status`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on ${server} within 15 s: ${stderr()}`);
}

function collect(child: ChildProcess): () => string {
  const lines: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  return () => lines.join('').slice(-2000);
}
