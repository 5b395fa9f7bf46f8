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
  // Every test request comes from 127.0.0.1, so the per-address limits are raised; a test of them lowers them.
  return {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    signInAttemptsPerMinute: 1000,
    photoUploadsPerMinute: 1000,
    rateLimitPerMinute: 100_000,
    ...overrides,
  };
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
