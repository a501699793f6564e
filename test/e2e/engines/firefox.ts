// Firefox through puppeteer over WebDriver BiDi: a browser per test worker, a user context (a
// profile of its own: its own IndexedDB) per test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import type { EngineHost, Session, Tab } from './driver.ts';
import { findFirefox } from './find-engines.ts';

export async function startFirefox(proxyPort: number): Promise<EngineHost> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    // Firefox 140 ESR refuses puppeteer's setViewport: the window is sized at launch instead.
    defaultViewport: null,
    args: ['--width=1200', '--height=900'],
    extraPrefsFirefox: {
      // Plain http to the proxy on loopback for the non-secure origin; loopback itself goes direct.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxyPort,
      // Keep http as asked: the non-secure origin is the point.
      'dom.security.https_first': false,
    },
  });
  const files = mkdtempSync(path.join(os.tmpdir(), 'sqljs-migrate-firefox-'));
  return {
    async newSession(): Promise<Session> {
      const context = await browser.createBrowserContext();
      return {
        engine: 'firefox',
        newTab: async () => puppeteerTab(await context.newPage(), files),
        close: () => context.close(),
      };
    },
    async stop() {
      await browser.close();
      rmSync(files, { recursive: true, force: true });
    },
  };
}

function puppeteerTab(page: Page, files: string): Tab {
  // A tab in the background gets no animation frames, by which a locator waits for an element to
  // stop moving: wait for it to be there, visible and enabled only.
  const element = (selector: string) =>
    page
      .locator(selector)
      .setWaitForStableBoundingBox(false)
      .setEnsureElementIsInTheViewport(false)
      .setVisibility(null);
  return {
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    click: (selector) => element(selector).click(),
    // Sets the value and fires the input's events, as Playwright's fill does; typed key by key
    // over BiDi, a note of twenty letters takes seconds.
    fill: (selector, text) => element(selector).fill(text, { typingThreshold: 0 }),
    async setFile(selector, file) {
      const dir = mkdtempSync(path.join(files, 'pick-'));
      const picked = path.join(dir, file.name);
      writeFileSync(picked, file.buffer);
      const input = await element(selector).waitHandle();
      await (input as import('puppeteer-core').ElementHandle<HTMLInputElement>).uploadFile(picked);
    },
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => unknown, arg) as never,
    close: () => page.close(),
  };
}
