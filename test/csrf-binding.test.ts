import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createStaff, organisationId, TEST_PASSWORD } from './support/accounts.js';
import { useTestApp } from './support/app.js';

// Issue 9, finding 6: the CSRF secret was not tied to the session. A token issued before sign-in,
// or another browser's token with its cookie, was accepted. Tokens are now bound to the session
// they were issued in ('anonymous' before sign-in), so either is refused once signed in.
const context = useTestApp();

/** A browser whose cookies the test can read and swap, to replay one browser's token in another. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies) {
      if (cookie.expires && cookie.expires.getTime() <= Date.now()) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  header(cookies = this.cookies): string {
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.header() } }));
  }

  /** The token of the form on a page, as this browser is given it now. */
  async token(from: string): Promise<string> {
    const page = await this.get(from);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`No CSRF token on ${from} (status ${page.statusCode})`);
    return token;
  }

  async post(url: string, form: Record<string, string>, token: string, cookies = this.cookies) {
    const body = new URLSearchParams({ ...form, _csrf: token }).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: { cookie: this.header(cookies), 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }
}

async function staffMember(roles: ('analyst' | 'organisation_admin')[] = ['analyst']) {
  const db = context.database.db;
  return createStaff(db, { organisationId: await organisationId(db, 'E10000007'), roles });
}

async function signedInBrowser(email: string, password = TEST_PASSWORD) {
  const browser = new Browser(context.app);
  const signIn = await browser.post('/staff/sign-in', { email, password }, await browser.token('/staff/sign-in'));
  expect(signIn.statusCode).toBe(303);
  return browser;
}

describe('CSRF tokens bound to the session', () => {
  it('accepts the sign-in form, posted before there is a session, and a token from the first page after', async () => {
    const staff = await staffMember();
    const browser = await signedInBrowser(staff.email);
    const signOut = await browser.post('/staff/sign-out', {}, await browser.token('/staff'));
    expect(signOut.statusCode).toBe(303);
  });

  it('refuses, once signed in, a token issued before sign-in', async () => {
    const staff = await staffMember();
    const browser = new Browser(context.app);
    const beforeSignIn = await browser.token('/staff/sign-in');
    expect(
      (
        await browser.post(
          '/staff/sign-in',
          { email: staff.email, password: TEST_PASSWORD },
          await browser.token('/staff/sign-in'),
        )
      ).statusCode,
    ).toBe(303);

    const replayed = await browser.post('/staff/sign-out', {}, beforeSignIn);
    expect(replayed.statusCode).toBe(403);
    expect(replayed.body).toContain('Your form has expired');
    // Still signed in: the refused form changed nothing.
    expect((await browser.get('/staff')).statusCode).toBe(200);
  });

  it('refuses another browser’s token, even sent with that browser’s CSRF cookie', async () => {
    const victim = await signedInBrowser((await staffMember()).email);
    const attacker = await signedInBrowser((await staffMember()).email);
    const attackersToken = await attacker.token('/staff');

    // The victim's session, the attacker's CSRF cookie and token.
    const mixed = new Map(victim.cookies);
    mixed.set('_csrf', attacker.cookies.get('_csrf')!);
    const forged = await victim.post('/staff/sign-out', {}, attackersToken, mixed);
    expect(forged.statusCode).toBe(403);
    expect((await victim.get('/staff')).statusCode).toBe(200);

    // An anonymous browser's pair is refused too.
    const stranger = new Browser(context.app);
    const strangersToken = await stranger.token('/staff/sign-in');
    const anonymousPair = new Map(victim.cookies);
    anonymousPair.set('_csrf', stranger.cookies.get('_csrf')!);
    expect((await victim.post('/staff/sign-out', {}, strangersToken, anonymousPair)).statusCode).toBe(403);
  });

  it('refuses a token of an earlier session of the same browser', async () => {
    const staff = await staffMember();
    const browser = await signedInBrowser(staff.email);
    const firstSession = await browser.token('/staff');
    // Signing in again starts a new session (a new token), as after the old one timed out.
    expect(
      (
        await browser.post(
          '/staff/sign-in',
          { email: staff.email, password: TEST_PASSWORD },
          await browser.token('/account/sign-in'),
        )
      ).statusCode,
    ).toBe(303);
    expect((await browser.post('/staff/sign-out', {}, firstSession)).statusCode).toBe(403);
    expect((await browser.post('/staff/sign-out', {}, await browser.token('/staff'))).statusCode).toBe(303);
  });

  it('binds a resident’s tokens to their session too', async () => {
    const db = context.database.db;
    const { hashPassword } = await import('../src/modules/identity/secrets.js');
    const email = 'csrf-resident@example.com';
    await db
      .insertInto('citizens')
      .values({
        email,
        name: 'Rita Resident',
        phone: null,
        password_hash: await hashPassword('three random words'),
        email_verified_at: new Date(),
      })
      .execute();
    const browser = new Browser(context.app);
    const beforeSignIn = await browser.token('/account/sign-in');
    expect(
      (
        await browser.post(
          '/account/sign-in',
          { email, password: 'three random words' },
          await browser.token('/account/sign-in'),
        )
      ).statusCode,
    ).toBe(303);

    const replayed = await browser.post('/account/details', { name: 'Changed By Forgery', phone: '' }, beforeSignIn);
    expect(replayed.statusCode).toBe(403);
    const saved = await browser.post(
      '/account/details',
      { name: 'Rita Changed', phone: '' },
      await browser.token('/account/details'),
    );
    expect(saved.statusCode).toBe(303);
  });
});
