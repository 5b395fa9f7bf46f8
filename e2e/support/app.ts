import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { testConfig } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { launchBrowser } from './browser.js';
import { pagesWithoutJavaScript } from './checks.js';

export interface BrowserApp {
  /** Where the app listens, such as http://127.0.0.1:41234, with no trailing slash. */
  readonly baseUrl: string;
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  readonly browser: Browser;
  /**
   * A page in a browser context of its own (so no cookies, cache or history are shared between
   * tests), whose relative `goto` addresses resolve against the app. Closed after the test.
   */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/** How long one click, fill or wait may take before the test fails with a message saying which. */
const actionTimeout = 10_000;

/**
 * A journey takes 1 to 5 seconds on a quiet machine; the allowance is generous so that a busy
 * machine (CI on 2 cores, other test files running alongside) does not make the tests flaky.
 */
export const journeyTimeout = 60_000;

/**
 * Builds the real app on a database of this file's own, listens on a free port on 127.0.0.1 and
 * starts Chromium, before the file's tests; closes all three after them.
 */
export function useBrowserApp(overrides: Partial<Config> = {}): BrowserApp {
  let app: FastifyInstance | undefined;
  let database: TestDatabase | undefined;
  let browser: Browser | undefined;
  let baseUrl: string | undefined;
  const contexts: BrowserContext[] = [];

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} is not ready: use it inside a test, not while the file is collected`);
    return value;
  };

  beforeAll(async () => {
    // Both at once; whichever succeeds is kept, so that afterAll closes it even if the other failed.
    const [db, launched] = await Promise.allSettled([createTestDatabase(), launchBrowser()]);
    if (db.status === 'fulfilled') database = db.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (db.status === 'rejected') throw db.reason;
    if (launched.status === 'rejected') throw launched.reason;
    app = await buildApp({ config: testConfig(overrides), db: db.value.db });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = address.replace(/\/$/, '');
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.destroy();
  });

  return {
    get baseUrl() {
      return required(baseUrl, 'The app');
    },
    get app() {
      return required(app, 'The app');
    },
    get database() {
      return required(database, 'The database');
    },
    get browser() {
      return required(browser, 'The browser');
    },
    async newPage(options: BrowserContextOptions = {}) {
      const context = await required(browser, 'The browser').newContext({
        baseURL: required(baseUrl, 'The app'),
        locale: 'en-GB',
        ...options,
      });
      contexts.push(context);
      context.setDefaultTimeout(actionTimeout);
      const page = await context.newPage();
      if (options.javaScriptEnabled === false) pagesWithoutJavaScript.add(page);
      return page;
    },
  };
}
