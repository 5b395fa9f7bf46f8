import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, organisationId } from './support/accounts.js';
import { testConfig, useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import {
  signInAtProvider,
  startOidcProvider,
  type TestIdentity,
  type TestOidcProvider,
} from './support/oidc-provider.js';

const context = useTestApp();
const publicUrl = testConfig().publicUrl;
const callback = `${publicUrl}/staff/sign-in/sso/callback`;
const COUNTY = 'E10000007';
const AMBER_VALLEY = 'E07000032';
const HIGH_PEAK = 'E07000037';

let provider: TestOidcProvider;
let county: number;
let amberValley: number;
let sequence = 0;

beforeAll(async () => {
  provider = await startOidcProvider([
    { clientId: 'county-staff', clientSecret: 'county secret of some length', redirectUri: callback },
    { clientId: 'amber-valley-staff', clientSecret: 'amber valley secret of some length', redirectUri: callback },
  ]);
  const db = context.database.db;
  county = await organisationId(db, COUNTY);
  amberValley = await organisationId(db, AMBER_VALLEY);
  await db
    .insertInto('organisation_identity_providers')
    .values([
      {
        organisation_id: county,
        issuer_url: provider.issuer,
        client_id: 'county-staff',
        client_secret: 'county secret of some length',
        enabled: true,
      },
      {
        organisation_id: amberValley,
        issuer_url: provider.issuer,
        client_id: 'amber-valley-staff',
        client_secret: 'amber valley secret of some length',
        enabled: true,
      },
      // Set up, then switched off.
      {
        organisation_id: await organisationId(db, HIGH_PEAK),
        issuer_url: provider.issuer,
        client_id: 'high-peak-staff',
        client_secret: 'x',
        enabled: false,
      },
    ])
    .execute();
}, 60_000);

afterAll(async () => {
  await provider?.close();
});

/** Someone the provider knows, with a login of their own. */
function providerAccount(identity: TestIdentity): string {
  sequence += 1;
  const login = `person-${sequence}`;
  provider.accounts.set(login, identity);
  return login;
}

/** Starts at our sign-in button, signs in at the provider, and comes back to our callback. */
async function signInThroughProvider(
  client: TestClient,
  organisation: number,
  login: string,
  options: { cancel?: boolean } = {},
) {
  const start = await client.get(`/staff/sign-in/sso/${organisation}`);
  expect(start.statusCode).toBe(302);
  const back = await signInAtProvider(String(start.headers.location), login, options);
  expect(`${back.origin}${back.pathname}`).toBe(callback);
  return back;
}

async function auditEntries(action: string, staffId: number) {
  return context.database.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('action', '=', action)
    .where('record_type', '=', 'staff')
    .where('record_id', '=', String(staffId))
    .execute();
}

describe('staff single sign-on', () => {
  it('offers each organisation with a provider switched on, and only those, on the sign-in page', async () => {
    const page = await new TestClient(context.app).get('/staff/sign-in');
    expect(page.body).toContain(`href="/staff/sign-in/sso/${county}"`);
    expect(page.body).toContain('Sign in with Derbyshire County Council');
    expect(page.body).toContain('Sign in with Amber Valley');
    expect(page.body).not.toContain('Sign in with High Peak');
  });

  it('starts the authorization code flow with PKCE, state and nonce, remembered in a signed httpOnly cookie', async () => {
    const start = await new TestClient(context.app).get(`/staff/sign-in/sso/${county}`);
    expect(start.statusCode).toBe(302);
    const location = new URL(String(start.headers.location));
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('client_id')).toBe('county-staff');
    expect(location.searchParams.get('redirect_uri')).toBe(callback);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('scope')).toContain('openid email');
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    for (const parameter of ['code_challenge', 'state', 'nonce'])
      expect(location.searchParams.get(parameter)).toBeTruthy();
    const cookie = start.cookies.find((candidate) => candidate.name === 'shirehall_sso_staff');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/staff/sign-in/sso' });
    // Signed: the value carries an HMAC after its last dot.
    expect(cookie?.value).toMatch(/\.[A-Za-z0-9+/_-]{20,}$/);
  });

  it('signs in a member of staff of the organisation whose provider vouches for them', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, { organisationId: county, roles: ['service_officer'], name: 'Sasha Single' });
    const login = providerAccount({
      email: staff.email.toUpperCase(),
      email_verified: true,
      name: 'Sasha at the county',
    });
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, login);

    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/staff');
    expect(client.hasCookie('shirehall_session')).toBe(true);
    expect(client.hasCookie('shirehall_sso_staff')).toBe(false);
    const home = await client.get('/staff');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hello, Sasha Single');

    const [entry] = await auditEntries('sign-in', staff.id);
    expect(entry.detail).toMatchObject({ method: 'single-sign-on', issuer: provider.issuer, subject: login });
    const row = await db
      .selectFrom('staff')
      .select('last_signed_in_at')
      .where('id', '=', staff.id)
      .executeTakeFirstOrThrow();
    expect(row.last_signed_in_at).not.toBeNull();
  });

  it('tells someone with no staff account so, on a 403 page, and signs no one in', async () => {
    const login = providerAccount({ email: 'nobody-here@county.example', email_verified: true });
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, login);
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('You do not have a staff account');
    expect(response.body).toContain('nobody-here@county.example');
    expect(client.hasCookie('shirehall_session')).toBe(false);
  });

  it("refuses staff of another organisation: one organisation's provider cannot sign in another's people", async () => {
    const db = context.database.db;
    const other = await createStaff(db, { organisationId: amberValley, roles: ['partnership_admin'] });
    const login = providerAccount({ email: other.email, email_verified: true });
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, login);
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('You do not have a staff account');
    expect(client.hasCookie('shirehall_session')).toBe(false);
    const [refusal] = await auditEntries('sign-in-failed', other.id);
    expect(refusal.detail).toMatchObject({ reason: 'staff of another organisation', organisationId: county });

    // The same person signs in through their own organisation's provider.
    const own = new TestClient(context.app);
    const ownBack = await signInThroughProvider(own, amberValley, login);
    expect((await own.get(`${ownBack.pathname}${ownBack.search}`)).statusCode).toBe(303);
  });

  it('refuses a disabled account', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, { organisationId: county, roles: ['analyst'] });
    await db.updateTable('staff').set({ disabled_at: new Date() }).where('id', '=', staff.id).execute();
    const login = providerAccount({ email: staff.email, email_verified: true });
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, login);
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Your staff account is disabled');
    expect(client.hasCookie('shirehall_session')).toBe(false);
  });

  it('refuses an email address the provider says is not verified', async () => {
    const staff = await createStaff(context.database.db, { organisationId: county, roles: ['analyst'] });
    const login = providerAccount({ email: staff.email, email_verified: false });
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, login);
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Your email address has not been confirmed');
    expect(client.hasCookie('shirehall_session')).toBe(false);
  });

  it('refuses a tampered state, and an answer used twice, with a clear page and no stack trace', async () => {
    const staff = await createStaff(context.database.db, { organisationId: county, roles: ['analyst'] });
    const login = providerAccount({ email: staff.email, email_verified: true });
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, login);
    const tampered = new URL(back);
    tampered.searchParams.set('state', `${back.searchParams.get('state')}x`);
    const response = await client.get(`${tampered.pathname}${tampered.search}`);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Sign-in did not work');
    expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(client.hasCookie('shirehall_session')).toBe(false);

    // The pending sign-in was used up: even the genuine answer now finds nothing to complete.
    const replay = await client.get(`${back.pathname}${back.search}`);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Your sign-in has timed out');
    expect(client.hasCookie('shirehall_session')).toBe(false);
  });

  it('refuses an answer brought to a browser that did not start the sign-in', async () => {
    const staff = await createStaff(context.database.db, { organisationId: county, roles: ['analyst'] });
    const login = providerAccount({ email: staff.email, email_verified: true });
    const back = await signInThroughProvider(new TestClient(context.app), county, login);
    const stranger = new TestClient(context.app);
    const response = await stranger.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Your sign-in has timed out');
    expect(stranger.hasCookie('shirehall_session')).toBe(false);
  });

  it('shows a clear page when the person cancels at the provider (error=access_denied)', async () => {
    const client = new TestClient(context.app);
    const back = await signInThroughProvider(client, county, providerAccount({ email: 'x@county.example' }), {
      cancel: true,
    });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('You did not finish signing in');
    expect(response.body).toContain(`href="/staff/sign-in/sso/${county}"`);
    expect(client.hasCookie('shirehall_session')).toBe(false);
  });

  it('answers 404 for an organisation with no provider switched on', async () => {
    const client = new TestClient(context.app);
    expect(
      (await client.get(`/staff/sign-in/sso/${await organisationId(context.database.db, HIGH_PEAK)}`)).statusCode,
    ).toBe(404);
    expect(
      (await client.get(`/staff/sign-in/sso/${await organisationId(context.database.db, 'E07000035')}`)).statusCode,
    ).toBe(404);
    expect((await client.get('/staff/sign-in/sso/not-a-number')).statusCode).toBe(404);
  });
});

describe('citizen OpenID Connect when no provider is configured', () => {
  it('answers 404 at both addresses', async () => {
    const client = new TestClient(context.app);
    expect((await client.get('/account/sign-in/oidc')).statusCode).toBe(404);
    expect((await client.get('/account/sign-in/oidc/callback?code=abc&state=def')).statusCode).toBe(404);
  });
});
