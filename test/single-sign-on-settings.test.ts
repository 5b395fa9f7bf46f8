import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffActor } from '../src/shared/actor.js';
import { createOidcClient } from '../src/modules/identity/oidc-client.js';
import { ForbiddenError } from '../src/shared/errors.js';
import { createIdentityProviders } from '../src/modules/identity/single-sign-on.js';
import { createSingleSignOnSettings } from '../src/modules/identity/single-sign-on-settings.js';
import { createStaff, organisationId, signedInStaff } from './support/accounts.js';
import { testConfig, useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const context = useTestApp();
const callback = `${testConfig().publicUrl}/staff/sign-in/sso/callback`;
const SECRET = 'erewash-client-secret-9f3k';

let provider: TestOidcProvider;

beforeAll(async () => {
  provider = await startOidcProvider([{ clientId: 'erewash-staff', clientSecret: SECRET, redirectUri: callback }]);
});

afterAll(async () => {
  await provider?.close();
});

const settingsPath = (id: number) => `/staff/organisations/${id}/single-sign-on`;

async function partnershipAdmin() {
  const db = context.database.db;
  return signedInStaff(context.app, db, {
    organisationId: await organisationId(db, 'E10000007'),
    roles: ['partnership_admin'],
  });
}

describe('single sign-on settings', () => {
  it('lets a partnership administrator set a provider, then staff sign in through it', async () => {
    const db = context.database.db;
    const erewash = await organisationId(db, 'E07000036');
    const { client } = await partnershipAdmin();
    expect((await client.get('/staff')).body).toContain('href="/staff/single-sign-on"');
    const list = await client.get('/staff/single-sign-on');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="${settingsPath(erewash)}"`);

    const form = await client.get(settingsPath(erewash));
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(callback);
    const saved = await client.post(settingsPath(erewash), {
      issuerUrl: provider.issuer,
      clientId: 'erewash-staff',
      clientSecret: SECRET,
      enabled: 'true',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${settingsPath(erewash)}?saved`);

    const page = await client.get(String(saved.headers.location));
    expect(page.body).toContain('Single sign-on settings saved');
    expect(page.body).toContain('ending in ‘9f3k’');
    expect(page.body).not.toContain(SECRET);
    const [audit] = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('record_type', '=', 'organisation_identity_provider')
      .where('record_id', '=', String(erewash))
      .execute();
    expect(audit.action).toBe('create');
    expect(JSON.stringify(audit.detail)).not.toContain(SECRET);

    const staff = await createStaff(db, { organisationId: erewash, roles: ['service_officer'], name: 'Erin Erewash' });
    provider.accounts.set('erin', { email: staff.email, email_verified: true });
    const browser = new TestClient(context.app);
    expect((await browser.get('/staff/sign-in')).body).toContain(`href="/staff/sign-in/sso/${erewash}"`);
    const start = await browser.get(`/staff/sign-in/sso/${erewash}`);
    const back = await signInAtProvider(String(start.headers.location), 'erin');
    expect((await browser.get(`${back.pathname}${back.search}`)).headers.location).toBe('/staff');
    expect((await browser.get('/staff')).body).toContain('Hello, Erin Erewash');
  });

  it('keeps the saved secret when the field is left empty', async () => {
    const db = context.database.db;
    const dales = await organisationId(db, 'E07000035');
    const { client } = await partnershipAdmin();
    await client.post(settingsPath(dales), {
      issuerUrl: provider.issuer,
      clientId: 'erewash-staff',
      clientSecret: SECRET,
      enabled: 'true',
    });
    const again = await client.post(settingsPath(dales), {
      issuerUrl: provider.issuer,
      clientId: 'erewash-staff',
      clientSecret: '',
    });
    expect(again.statusCode).toBe(303);
    const row = await db
      .selectFrom('organisation_identity_providers')
      .selectAll()
      .where('organisation_id', '=', dales)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ client_secret: SECRET, enabled: false });
  });

  it('shows errors beside the fields, keeps what was typed, and never echoes the secret', async () => {
    const db = context.database.db;
    const bolsover = await organisationId(db, 'E07000033');
    const { client } = await partnershipAdmin();
    const response = await client.post(settingsPath(bolsover), {
      issuerUrl: 'not a url',
      clientId: '',
      clientSecret: 'typed-secret-value',
      enabled: 'true',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('href="#issuerUrl"');
    expect(response.body).toContain('Enter the issuer URL in the correct format');
    expect(response.body).toContain('Enter the client ID');
    expect(response.body).toContain('value="not a url"');
    expect(response.body).not.toContain('typed-secret-value');

    const plainHttp = await client.post(settingsPath(bolsover), {
      issuerUrl: 'http://login.example.org',
      clientId: 'x',
      clientSecret: 'y',
    });
    expect(plainHttp.statusCode).toBe(400);
    expect(plainHttp.body).toContain('Issuer URL must start with https://');

    const noSecret = await client.post(settingsPath(bolsover), { issuerUrl: provider.issuer, clientId: 'x' });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.body).toContain('Enter the client secret');
  });

  it('will not switch on a provider that does not answer, but saves it switched off', async () => {
    const db = context.database.db;
    const chesterfield = await organisationId(db, 'E07000034');
    const { client } = await partnershipAdmin();
    const settings = { issuerUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' };
    const refused = await client.post(settingsPath(chesterfield), { ...settings, enabled: 'true' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('We could not use an OpenID Connect provider at this issuer URL');
    expect(
      await db
        .selectFrom('organisation_identity_providers')
        .select('organisation_id')
        .where('organisation_id', '=', chesterfield)
        .executeTakeFirst(),
    ).toBeUndefined();
    expect((await client.post(settingsPath(chesterfield), settings)).statusCode).toBe(303);
  });

  it('is for partnership administrators only, checked in the service as well as the pages', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    const { client, staff } = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['organisation_admin'],
    });
    expect((await client.get('/staff/single-sign-on')).statusCode).toBe(403);
    expect((await client.get(settingsPath(county))).statusCode).toBe(403);
    const post = await client.post(
      settingsPath(county),
      { issuerUrl: provider.issuer, clientId: 'x', clientSecret: 'y' },
      '/staff',
    );
    expect(post.statusCode).toBe(403);

    const settings = createSingleSignOnSettings({
      db,
      identityProviders: createIdentityProviders(db),
      oidc: createOidcClient(),
      memberOrganisations: async () => [{ id: county, name: 'Derbyshire County Council' }],
      clock: () => new Date(),
      publicUrl: 'http://localhost:3000',
    });
    const actor: StaffActor = {
      kind: 'staff',
      staffId: staff.id,
      name: 'x',
      email: staff.email,
      organisationId: county,
      organisationName: 'x',
      roles: ['organisation_admin'],
    };
    await expect(
      settings.save(actor, county, { issuerUrl: provider.issuer, clientId: 'x', clientSecret: 'y', enabled: false }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(settings.get({ kind: 'anonymous' }, county)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('answers 404 for an organisation outside the partnership', async () => {
    const db = context.database.db;
    const outsider = await db
      .selectFrom('organisations')
      .select('id')
      .where('gss', '=', 'E09000033')
      .executeTakeFirst();
    const { client } = await partnershipAdmin();
    expect((await client.get(settingsPath(outsider?.id ?? 999_999))).statusCode).toBe(404);
  });
});
