import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { hashPassword } from '../src/modules/identity/secrets.js';
import { createSignInFailures, pruneSignInFailures } from '../src/modules/identity/sign-in-failures.js';
import { createStaff, organisationId, TEST_PASSWORD } from './support/accounts.js';
import { testConfig } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TestClient } from './support/http.js';

// Every verification of a password is counted, so a test can say each answer cost the same work.
const argon2Verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...original,
    verify: (...args: Parameters<typeof original.verify>) => {
      argon2Verifications.count += 1;
      return original.verify(...args);
    },
  };
});

// Issue 9, finding 6: the lockout answered differently for real and unknown accounts, and anyone
// could keep a known account locked. Failures now count per account and source address, in the
// database, and an unknown email is answered exactly as a real one.
let now = new Date('2026-12-01T10:00:00Z');
const clock = () => now;
let database: TestDatabase;
let app: FastifyInstance;
let secondProcess: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ config: testConfig(), db: database.db, clock });
  // A second app on the same database stands for a second process behind the load balancer.
  secondProcess = await buildApp({ config: testConfig(), db: database.db, clock });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await secondProcess?.close();
  await database?.destroy();
});

/** A browser at one address: every request it makes comes from `address`. */
function clientAt(address: string, on: FastifyInstance = app): TestClient {
  const fromAddress = { inject: (options: InjectOptions) => on.inject({ ...options, remoteAddress: address }) };
  return new TestClient(fromAddress as unknown as FastifyInstance);
}

/** The page as anyone would compare it: without the parts that differ on every response. */
function normalised(body: string, email: string): string {
  return body
    .replaceAll(email, 'EMAIL')
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="TOKEN"')
    .replace(/nonce="[^"]+"/g, 'nonce="NONCE"');
}

interface Answer {
  status: number;
  page: string;
  verifications: number;
}

async function attempt(client: TestClient, signInPath: string, email: string, password: string): Promise<Answer> {
  const page = await client.get(signInPath);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
  const before = argon2Verifications.count;
  const response = await client.postWithToken(signInPath, { email, password }, token);
  return {
    status: response.statusCode,
    page: normalised(response.body, email),
    verifications: argon2Verifications.count - before,
  };
}

const password = 'three random words';

async function citizen(email: string, options: { passwordHash?: string | null } = {}) {
  await database.db
    .insertInto('citizens')
    .values({
      email,
      name: 'Rita Resident',
      phone: null,
      password_hash: options.passwordHash === undefined ? await hashPassword(password) : options.passwordHash,
      email_verified_at: now,
    })
    .execute();
  return email;
}

const kinds = [
  {
    kind: 'staff',
    signInPath: '/staff/sign-in',
    rightPassword: TEST_PASSWORD,
    account: async (email: string) =>
      (
        await createStaff(database.db, {
          organisationId: await organisationId(database.db, 'E10000007'),
          roles: ['analyst'],
          email,
        })
      ).email,
    withoutPassword: async (email: string) => {
      const staff = await createStaff(database.db, {
        organisationId: await organisationId(database.db, 'E10000007'),
        roles: ['analyst'],
        email,
      });
      await database.db.updateTable('staff').set({ password_hash: null }).where('id', '=', staff.id).execute();
      return staff.email;
    },
  },
  {
    kind: 'citizen',
    signInPath: '/account/sign-in',
    rightPassword: password,
    account: (email: string) => citizen(email),
    // A resident who signs in only through the OpenID Connect provider has no password.
    withoutPassword: (email: string) => citizen(email, { passwordHash: null }),
  },
] as const;

describe.each(kinds)('$kind sign-in lockout', ({ kind, signInPath, rightPassword, account, withoutPassword }) => {
  it('answers an unknown email exactly as a real account, try by try, locked after the same number', async () => {
    const real = await account(`real-${kind}@lockout.example`);
    const unknown = `nobody-${kind}@lockout.example`;
    const realTries: Answer[] = [];
    const unknownTries: Answer[] = [];
    for (let n = 1; n <= 6; n++) {
      realTries.push(await attempt(clientAt('203.0.113.10'), signInPath, real, `wrong password ${n}`));
      unknownTries.push(await attempt(clientAt('203.0.113.11'), signInPath, unknown, `wrong password ${n}`));
    }
    expect(realTries.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(unknownTries.map((answer) => answer.status)).toEqual(realTries.map((answer) => answer.status));
    expect(unknownTries.map((answer) => answer.page)).toEqual(realTries.map((answer) => answer.page));
    expect(unknownTries.map((answer) => answer.verifications)).toEqual(realTries.map((answer) => answer.verifications));
  });

  it('verifies a password hash for an account that has none, as for a real one', async () => {
    const real = await account(`hashed-${kind}@lockout.example`);
    const passwordless = await withoutPassword(`passwordless-${kind}@lockout.example`);
    const unknown = `nobody-else-${kind}@lockout.example`;
    const answers = [
      await attempt(clientAt('203.0.113.20'), signInPath, real, 'a wrong password'),
      await attempt(clientAt('203.0.113.20'), signInPath, passwordless, 'a wrong password'),
      await attempt(clientAt('203.0.113.20'), signInPath, unknown, 'a wrong password'),
    ];
    expect(answers.map((answer) => answer.verifications)).toEqual([1, 1, 1]);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([401]));
  });

  it('locks only the address that failed: the owner elsewhere still signs in', async () => {
    const email = await account(`target-${kind}@lockout.example`);
    const attacker = clientAt('198.51.100.66');
    for (let n = 1; n <= 5; n++) await attempt(attacker, signInPath, email, `guess ${n}`);
    expect((await attempt(attacker, signInPath, email, rightPassword)).status).toBe(429);

    const owner = clientAt('192.0.2.5');
    expect((await attempt(owner, signInPath, email, rightPassword)).status).toBe(303);
  });

  it('counts failures across processes, and lets the address try again 15 minutes after the lock', async () => {
    const email = await account(`processes-${kind}@lockout.example`);
    const address = '198.51.100.77';
    for (let n = 1; n <= 3; n++)
      expect((await attempt(clientAt(address, app), signInPath, email, `guess ${n}`)).status).toBe(401);
    expect((await attempt(clientAt(address, secondProcess), signInPath, email, 'guess 4')).status).toBe(401);
    expect((await attempt(clientAt(address, secondProcess), signInPath, email, 'guess 5')).status).toBe(429);
    expect((await attempt(clientAt(address, app), signInPath, email, rightPassword)).status).toBe(429);

    now = new Date(now.getTime() + 15 * 60_000 + 1_000);
    expect((await attempt(clientAt(address, app), signInPath, email, rightPassword)).status).toBe(303);
  });

  it('starts counting again after a right password from that address', async () => {
    const email = await account(`forgiven-${kind}@lockout.example`);
    const client = clientAt('198.51.100.88');
    for (let n = 1; n <= 4; n++) await attempt(client, signInPath, email, `slip ${n}`);
    expect((await attempt(client, signInPath, email, rightPassword)).status).toBe(303);
    const signedOut = clientAt('198.51.100.88');
    for (let n = 1; n <= 4; n++)
      expect((await attempt(signedOut, signInPath, email, `slip again ${n}`)).status).toBe(401);
  });
});

describe('sign-in failures', () => {
  it('counts attempts made at the same moment, every one', async () => {
    const email = await citizen('concurrent@lockout.example');
    const failures = createSignInFailures(database.db);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => failures.record('citizen', email, '198.51.100.99', now)),
    );
    expect(results.map((result) => result.failures).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results.filter((result) => result.lockedUntil !== null)).toHaveLength(4);
  });

  it('ends the locks on an account whose password is reset by its emailed link', async () => {
    const email = await citizen('reset-unlocks@lockout.example');
    const client = clientAt('198.51.100.55');
    for (let n = 1; n <= 5; n++) await attempt(client, '/account/sign-in', email, `guess ${n}`);
    expect((await attempt(client, '/account/sign-in', email, password)).status).toBe(429);

    await client.post('/account/forgot-password', { email });
    const mail = await database.db
      .selectFrom('email_outbox')
      .select('body_text')
      .where('to_address', '=', email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(mail.body_text)![1]!;
    const reset = await client.post(
      '/account/reset-password',
      { token, password: 'a brand new password', confirmPassword: 'a brand new password' },
      `/account/reset-password?token=${token}`,
    );
    expect(reset.statusCode).toBe(303);
    expect((await attempt(client, '/account/sign-in', email, 'a brand new password')).status).toBe(303);
  });

  it('lets the worker drop counts that no longer lock or count', async () => {
    const failures = createSignInFailures(database.db);
    await failures.record('staff', 'stale@lockout.example', '198.51.100.1', new Date(now.getTime() - 60 * 60_000));
    for (let n = 0; n < 5; n++)
      await failures.record(
        'staff',
        'locked@lockout.example',
        '198.51.100.1',
        new Date(now.getTime() - 20 * 60_000 + n),
      );
    await failures.record('staff', 'recent@lockout.example', '198.51.100.1', now);
    // The lock made 20 minutes ago ended 5 minutes ago: that count goes too.
    expect(await pruneSignInFailures(database.db, now)).toBeGreaterThanOrEqual(2);
    const left = await database.db
      .selectFrom('sign_in_failures')
      .select('email')
      .where('email', 'in', ['stale@lockout.example', 'locked@lockout.example', 'recent@lockout.example'])
      .execute();
    expect(left.map((row) => row.email)).toEqual(['recent@lockout.example']);
  });
});

describe('sign-in rate limit per address', () => {
  it('still limits how many sign-in posts one address makes in a minute', async () => {
    const limited = await buildApp({ config: testConfig({ signInAttemptsPerMinute: 3 }), db: database.db, clock });
    try {
      const client = clientAt('203.0.113.99', limited);
      const statuses: number[] = [];
      for (let n = 1; n <= 4; n++)
        statuses.push((await attempt(client, '/staff/sign-in', `rate-${n}@lockout.example`, 'whatever')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
