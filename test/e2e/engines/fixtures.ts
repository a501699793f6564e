// The cross-engine suite's fixtures: the engine a Playwright project names (`use: { engine }`),
// started once per test worker, and a session of its own for every test.
import { test as base, expect } from '@playwright/test';
import { startChromium } from './chromium.ts';
import type { EngineHost, EngineName, Session } from './driver.ts';
import { startFirefox } from './firefox.ts';
import { type LoopbackProxy, startLoopbackProxy } from './insecure-origin.ts';
import { startWebKit } from './webkit.ts';

const START = { chromium: startChromium, firefox: startFirefox, webkit: startWebKit };

export const test = base.extend<
  { session: Session },
  { engine: EngineName; loopbackProxy: LoopbackProxy; engineHost: EngineHost }
>({
  engine: ['chromium', { option: true, scope: 'worker' }],
  loopbackProxy: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; it has none.
    async ({}, use) => {
      const proxy = await startLoopbackProxy();
      await use(proxy);
      await proxy.stop();
    },
    { scope: 'worker' },
  ],
  engineHost: [
    async ({ engine, loopbackProxy }, use) => {
      const host = await START[engine](loopbackProxy.port);
      await use(host);
      await host.stop();
    },
    // Starting Firefox or the MiniBrowser's driver takes a few seconds on a busy machine.
    { scope: 'worker', timeout: 60_000 },
  ],
  session: async ({ engineHost }, use) => {
    const session = await engineHost.newSession();
    await use(session);
    await session.close();
  },
});

export { expect };
