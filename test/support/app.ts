import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), ...overrides };
}

/** Builds the whole app on a database of its own before the file's tests, and removes both after. */
export function useTestApp(overrides: Partial<Config> = {}): TestApp {
  const context = {} as TestApp;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.app = await buildApp({ config: testConfig(overrides), db: context.database.db });
  }, 60_000);
  afterAll(async () => {
    await context.app?.close();
    await context.database?.destroy();
  });
  return context;
}
