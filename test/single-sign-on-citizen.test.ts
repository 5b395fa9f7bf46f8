import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { citizenOidcEnabled } from '../src/modules/identity/single-sign-on.js';
import { hashPassword, hashToken } from '../src/modules/identity/secrets.js';
import { testConfig } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TestClient } from './support/http.js';
import {
  signInAtProvider,
  startOidcProvider,
  type TestIdentity,
  type TestOidcProvider,
} from './support/oidc-provider.js';

const publicUrl = testConfig().publicUrl;
const callback = `${publicUrl}/account/sign-in/oidc/callback`;

let provider: TestOidcProvider;
let database: TestDatabase;
let app: FastifyInstance;
let sequence = 0;

beforeAll(async () => {
  provider = await startOidcProvider([
    { clientId: 'shirehall-citizens', clientSecret: 'citizen client secret', redirectUri: callback },
  ]);
  database = await createTestDatabase();
  const config = testConfig({
    citizenOidc: { issuer: provider.issuer, clientId: 'shirehall-citizens', clientSecret: 'citizen client secret' },
  });
  app = await buildApp({ config, db: database.db });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.destroy();
  await provider?.close();
});

function providerAccount(identity: TestIdentity): string {
  sequence += 1;
  const login = `citizen-subject-${sequence}`;
  provider.accounts.set(login, identity);
  return login;
}

/** The whole journey: our start address, the provider's sign-in and consent pages, our callback. */
async function signIn(login: string): Promise<{ client: TestClient; response: LightMyRequestResponse }> {
  const client = new TestClient(app);
  const start = await client.get('/account/sign-in/oidc');
  expect(start.statusCode).toBe(302);
  const back = await signInAtProvider(String(start.headers.location), login);
  expect(`${back.origin}${back.pathname}`).toBe(callback);
  const response = await client.get(`${back.pathname}${back.search}`);
  return { client, response };
}

/** The citizen whose session the response's cookie opened, read from the sessions table. */
async function signedInCitizen(response: LightMyRequestResponse): Promise<number | null> {
  const token = response.cookies.find((cookie) => cookie.name === 'shirehall_session')?.value;
  if (!token) return null;
  const session = await database.db
    .selectFrom('sessions')
    .select('citizen_id')
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return session?.citizen_id ?? null;
}

const citizenByEmail = (email: string) =>
  database.db.selectFrom('citizens').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

describe('citizen sign-in through OpenID Connect', () => {
  it('is offered on the citizen sign-in page when configured', async () => {
    expect(
      citizenOidcEnabled(testConfig({ citizenOidc: { issuer: provider.issuer, clientId: 'a', clientSecret: 'b' } })),
    ).toBe(true);
    expect(citizenOidcEnabled(testConfig())).toBe(false);
    const page = await new TestClient(app).get('/account/sign-in');
    expect(page.body).toContain('href="/account/sign-in/oidc"');
  });

  it('creates a new citizen from the verified claims and signs them in', async () => {
    const login = providerAccount({ email: 'Chris.New@Example.org', email_verified: true, name: 'Chris Newcomer' });
    const { response } = await signIn(login);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account');

    const citizen = await citizenByEmail('chris.new@example.org');
    expect(citizen).toMatchObject({
      name: 'Chris Newcomer',
      oidc_issuer: provider.issuer,
      oidc_subject: login,
      password_hash: null,
    });
    expect(citizen.email_verified_at).not.toBeNull();
    expect(await signedInCitizen(response)).toBe(citizen.id);
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('record_type', '=', 'citizen')
      .where('record_id', '=', String(citizen.id))
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['create']);
  });

  it('finds the same citizen on a second sign-in, by subject, even after their email changed at the provider', async () => {
    const login = providerAccount({ email: 'repeat@example.org', email_verified: true, name: 'Robin Repeat' });
    const first = await signIn(login);
    const citizenId = await signedInCitizen(first.response);
    expect(citizenId).not.toBeNull();

    provider.accounts.set(login, { email: 'robin.moved@example.org', email_verified: true, name: 'Robin Repeat' });
    const second = await signIn(login);
    expect(second.response.statusCode).toBe(303);
    expect(await signedInCitizen(second.response)).toBe(citizenId);
    const matching = await database.db.selectFrom('citizens').select('id').where('oidc_subject', '=', login).execute();
    expect(matching).toHaveLength(1);
  });

  it('links an existing citizen with the same verified email, keeping their password', async () => {
    const passwordHash = await hashPassword('a password of their own');
    const existing = await database.db
      .insertInto('citizens')
      .values({
        email: 'already@example.org',
        name: 'Alex Already',
        password_hash: passwordHash,
        email_verified_at: new Date('2026-01-01T00:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const login = providerAccount({ email: 'already@example.org', email_verified: true, name: 'Someone Else' });
    const { response } = await signIn(login);
    expect(response.statusCode).toBe(303);
    expect(await signedInCitizen(response)).toBe(existing.id);

    const citizen = await citizenByEmail('already@example.org');
    expect(citizen).toMatchObject({
      id: existing.id,
      name: 'Alex Already',
      oidc_issuer: provider.issuer,
      oidc_subject: login,
      password_hash: passwordHash,
    });
    expect(citizen.email_verified_at?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('takes an account over from whoever registered the address without verifying it: their password stops working', async () => {
    const squatter = await database.db
      .insertInto('citizens')
      .values({
        email: 'unproven@example.org',
        name: 'Not Verified',
        password_hash: await hashPassword('the squatter password'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { response } = await signIn(providerAccount({ email: 'unproven@example.org', email_verified: true }));
    expect(await signedInCitizen(response)).toBe(squatter.id);
    const citizen = await citizenByEmail('unproven@example.org');
    expect(citizen.password_hash).toBeNull();
    expect(citizen.email_verified_at).not.toBeNull();
  });

  it('does not link an account to an address the provider has not verified', async () => {
    await database.db
      .insertInto('citizens')
      .values({
        email: 'careful@example.org',
        name: 'Carey Careful',
        password_hash: null,
        email_verified_at: new Date(),
      })
      .execute();
    const { client, response } = await signIn(providerAccount({ email: 'careful@example.org', email_verified: false }));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('An account already uses this email address');
    expect(client.hasCookie('shirehall_session')).toBe(false);
    expect((await citizenByEmail('careful@example.org')).oidc_subject).toBeNull();
  });

  it('names a new citizen from their email when the provider gives no name, and leaves an unconfirmed email unverified', async () => {
    const { response } = await signIn(providerAccount({ email: 'sam.nameless@example.org' }));
    expect(response.statusCode).toBe(303);
    const citizen = await citizenByEmail('sam.nameless@example.org');
    expect(citizen.name).toBe('sam.nameless');
    expect(citizen.email_verified_at).toBeNull();
  });

  it('refuses a tampered state', async () => {
    const client = new TestClient(app);
    const start = await client.get('/account/sign-in/oidc');
    const back = await signInAtProvider(
      String(start.headers.location),
      providerAccount({ email: 'tamper@example.org', email_verified: true }),
    );
    back.searchParams.set('state', 'not-the-state-we-sent');
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Sign-in did not work');
    expect(client.hasCookie('shirehall_session')).toBe(false);
    expect(
      await database.db
        .selectFrom('citizens')
        .select('id')
        .where('email', '=', 'tamper@example.org')
        .executeTakeFirst(),
    ).toBeUndefined();
  });
});
