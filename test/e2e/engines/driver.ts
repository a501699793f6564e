// The little the cross-engine scenarios need from a browser, so they are written once and run in
// Chromium (Playwright), Firefox (puppeteer over WebDriver BiDi) and WebKit (WebDriver, through
// WebKitWebDriver and the MiniBrowser). Each engine's file implements it thinly; everything the
// scenarios check is built on these calls (see demo.ts).

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A file to pick in a file input. */
export interface PickedFile {
  name: string;
  buffer: Buffer;
}

/** One tab (a page; in WebKit a window of its own). Selectors are CSS. */
export interface Tab {
  /** Loads `url` and waits for its load event. */
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Clicks the element, once it is there and enabled. */
  click(selector: string): Promise<void>;
  /** Types `text` into the input, once it is there and enabled, in place of what it held. */
  fill(selector: string, text: string): Promise<void>;
  /** Picks `file` in the file input. */
  setFile(selector: string, file: PickedFile): Promise<void>;
  /**
   * Runs `fn(arg)` in the page and returns its result. `fn` crosses as source, so it may refer to
   * nothing outside itself; `arg` and the result cross as JSON.
   */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

/** A browser profile of one test's own: empty storage at the start, shared by its tabs. */
export interface Session {
  readonly engine: EngineName;
  newTab(): Promise<Tab>;
  close(): Promise<void>;
}

/** One engine, started once per test worker, handing each test a session of its own. */
export interface EngineHost {
  newSession(): Promise<Session>;
  stop(): Promise<void>;
}
