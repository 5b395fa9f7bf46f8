import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { testConfig } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { launchBrowser } from './browser.js';

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

/** The same per-test allowance for a page's actions and waits as the unit tests have for a test. */
const actionTimeout = 10_000;

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
    if (value === undefined) throw new Error(`${what} is not ready: use it inside a test, not while the file is collected`);
    return value;
  };

  beforeAll(async () => {
    const [db, launched] = await Promise.all([createTestDatabase(), launchBrowser()]);
    database = db;
    browser = launched;
    app = await buildApp({ config: testConfig(overrides), db: db.db });
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
      return context.newPage();
    },
  };
}
