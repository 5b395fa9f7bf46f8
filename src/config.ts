import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
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
  // The address people reach this installation at: used in emailed links and sign-in redirects.
  PUBLIC_URL: z.string().url().optional(),
  // Signs cookies. Required in production; a random one per start is used elsewhere.
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  // smtp://user:pass@host:port. Unset: emails wait in the outbox, readable by administrators.
  SMTP_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().default('Shirehall <no-reply@shirehall.localhost>'),
  // Citizens may sign in through one OpenID Connect provider (GOV.UK One Login speaks OIDC).
  CITIZEN_OIDC_ISSUER: z.string().url().optional(),
  CITIZEN_OIDC_CLIENT_ID: z.string().optional(),
  CITIZEN_OIDC_CLIENT_SECRET: z.string().optional(),
  // Run the email worker inside the web process (the default) or only with `npm run worker`.
  RUN_WORKER: z.enum(['true', 'false']).default('true'),
  // How often the worker emails the audit log's newest seal hash to the partnership administrators.
  AUDIT_ANCHOR_INTERVAL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 366)
    .default(24),
  // Requests one client (IP address) may make in a minute before it is asked to wait.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  // Sign-in, password reset and registration posts one address may make in a minute.
  SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  PHOTO_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  // Requests (POSTs) one Open311 client, by its API key, may send in a minute.
  OPEN311_POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  // The reverse proxies in front of the app, whose X-Forwarded-For is believed: how many hops
  // ("1" for one load balancer), or their addresses and CIDR ranges, comma-separated. Unset: none,
  // and every address is the connection's own; trusting any sender would let anyone choose the
  // address the rate limits count and the audit log records.
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((value, context) => {
      const text = value.trim();
      if (text === '' || text === '0' || text === 'false') return false;
      if (/^\d+$/.test(text)) return Number(text);
      const entries = text.split(',').map((entry) => entry.trim());
      const bad = entries.find((entry) => !isProxyAddress(entry));
      if (bad === undefined) return entries;
      context.addIssue({
        code: 'custom',
        message:
          text === 'true'
            ? 'TRUST_PROXY=true would believe an X-Forwarded-For from anyone: give the number of proxies in front of the app (such as 1), or their addresses'
            : `TRUST_PROXY must be a number of proxies (such as 1), or their IP addresses and CIDR ranges, comma-separated: "${bad}" is neither`,
      });
      return z.NEVER;
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // A map tile server, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png. Unset: maps draw
  // boundaries and points on a plain background, and nothing is fetched from anywhere else.
  MAP_TILE_URL: z
    .string()
    .regex(
      /^https?:\/\/(\{s\}\.)?[a-z0-9.-]+(:\d+)?\//i,
      'MAP_TILE_URL must start with http:// or https:// and a host name',
    )
    .refine(
      (url) => ['{z}', '{x}', '{y}'].every((part) => url.includes(part)),
      'MAP_TILE_URL must have {z}, {x} and {y} in it',
    )
    .optional(),
  MAP_TILE_ATTRIBUTION: z.string().default(''),
  // Reload templates from disk on every request, while editing them. Off by default, always off in production.
  RELOAD_TEMPLATES: z.enum(['true', 'false']).default('false'),
});

export type Config = {
  environment: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  partnership: string;
  publicUrl: string;
  sessionSecret: string;
  smtpUrl: string | undefined;
  emailFrom: string;
  citizenOidc: { issuer: string; clientId: string; clientSecret: string } | undefined;
  runWorker: boolean;
  /** Between two publications of the audit log's head seal (docs/audit.md, "Anchors"). */
  auditAnchorIntervalMs: number;
  rateLimitPerMinute: number;
  signInAttemptsPerMinute: number;
  /** Posts of the forms that take photos one address may make in a minute: each may carry megabytes to decode. */
  photoUploadsPerMinute: number;
  open311PostsPerMinute: number;
  /** Fastify's trustProxy: false (the default), a hop count, or the proxies' addresses and ranges. */
  trustProxy: false | number | string[];
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  reloadTemplates: boolean;
  /** The map tile layer, if any; `cspSource` is what the Content Security Policy lets images load from. */
  mapTiles: { url: string; attribution: string; cspSource: string } | undefined;
};

/** Parses the environment once; a bad value stops the process with a message naming it. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  const missingInProduction = (['DATABASE_URL', 'SESSION_SECRET', 'PUBLIC_URL'] as const).filter((name) => !env[name]);
  if (env.NODE_ENV === 'production' && missingInProduction.length > 0) {
    throw new Error(
      `Invalid configuration:\n${missingInProduction.map((name) => `  ${name}: required in production`).join('\n')}`,
    );
  }
  const citizenOidc =
    env.CITIZEN_OIDC_ISSUER && env.CITIZEN_OIDC_CLIENT_ID
      ? {
          issuer: env.CITIZEN_OIDC_ISSUER,
          clientId: env.CITIZEN_OIDC_CLIENT_ID,
          clientSecret: env.CITIZEN_OIDC_CLIENT_SECRET ?? '',
        }
      : undefined;
  return {
    environment: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    partnership: env.PARTNERSHIP,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    sessionSecret: env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    smtpUrl: env.SMTP_URL,
    emailFrom: env.EMAIL_FROM,
    citizenOidc,
    runWorker: env.RUN_WORKER === 'true',
    auditAnchorIntervalMs: Math.round(env.AUDIT_ANCHOR_INTERVAL_HOURS * 3_600_000),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    signInAttemptsPerMinute: env.SIGN_IN_ATTEMPTS_PER_MINUTE,
    photoUploadsPerMinute: env.PHOTO_UPLOADS_PER_MINUTE,
    open311PostsPerMinute: env.OPEN311_POSTS_PER_MINUTE,
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    reloadTemplates: env.RELOAD_TEMPLATES === 'true' && env.NODE_ENV !== 'production',
    mapTiles: env.MAP_TILE_URL
      ? { url: env.MAP_TILE_URL, attribution: env.MAP_TILE_ATTRIBUTION, cspSource: tileCspSource(env.MAP_TILE_URL) }
      : undefined,
  };
}

/**
 * The origin tiles come from, for the CSP's img-src. A `{s}` subdomain placeholder
 * (https://{s}.tile.example.org/...) becomes a wildcard, as the browser fetches a.tile..., b.tile...
 */
function tileCspSource(template: string): string {
  const { protocol, host } = new URL(template.replace(/^(https?:\/\/)\{s\}\./, '$1a.'));
  return template.includes('://{s}.') ? `${protocol}//*.${host.slice(2)}` : `${protocol}//${host}`;
}

/** An address or CIDR range as proxy-addr (Fastify's trustProxy) reads it, or one of its names for ranges. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
