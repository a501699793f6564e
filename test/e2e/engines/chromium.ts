// Chromium through Playwright: a browser per test worker, a context (a profile of its own) per test.
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import type { EngineHost, Session, Tab } from './driver.ts';

export async function startChromium(proxyPort: number): Promise<EngineHost> {
  const browser = await chromium.launch(chromiumLaunchOptions());
  return {
    async newSession(): Promise<Session> {
      const context = await browser.newContext({
        viewport: { width: 1200, height: 900 },
        proxy: { server: `http://127.0.0.1:${proxyPort}` },
      });
      return {
        engine: 'chromium',
        newTab: async () => playwrightTab(await context.newPage()),
        close: () => context.close(),
      };
    },
    stop: () => browser.close(),
  };
}

function playwrightTab(page: Page): Tab {
  return {
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    click: (selector) => page.locator(selector).click(),
    fill: (selector, text) => page.locator(selector).fill(text),
    setFile: (selector, file) =>
      page.locator(selector).setInputFiles({
        name: file.name,
        mimeType: 'application/octet-stream',
        buffer: file.buffer,
      }),
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => unknown, arg) as never,
    close: () => page.close(),
  };
}
