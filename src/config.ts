import { z } from 'zod';

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Set: PostgreSQL. Unset: embedded PGlite in DATA_DIR.
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  // Which partnership this installation serves: a file in data/partnerships/.
  PARTNERSHIP: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'PARTNERSHIP must be a slug such as "derbyshire"')
    .default('derbyshire'),
  // Requests one client (IP address) may make in a minute before it is asked to wait.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  environment: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  partnership: string;
  rateLimitPerMinute: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
};

/** Parses the environment once; a bad value stops the process with a message naming it. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
    throw new Error('Invalid configuration:\n  DATABASE_URL: required in production (PostgreSQL)');
  }
  return {
    environment: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    partnership: env.PARTNERSHIP,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    logLevel: env.LOG_LEVEL,
  };
}
