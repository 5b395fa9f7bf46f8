import { describe, expect, it } from 'vitest';
import { createStaff, organisationId } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import { linkIn } from './support/outbox.js';

// Issue 9, finding 6: a one-use link must end every other outstanding link of its account, so an
// older email (forwarded, left in a shared inbox, read over a shoulder) is worth nothing once a
// newer one is asked for or used.
const context = useTestApp();
const newPassword = 'a brand new password';

/** Every link of one kind emailed to an address, oldest first. */
async function linksTo(address: string, path: string): Promise<string[]> {
  const emails = await context.database.db
    .selectFrom('email_outbox')
    .select('body_text')
    .where('to_address', '=', address)
    .orderBy('id')
    .execute();
  return emails.filter((email) => email.body_text.includes(path)).map((email) => linkIn(email.body_text, path));
}

const tokenOf = (link: string) => new URL(link, 'http://x').searchParams.get('token')!;

async function reset(client: TestClient, formPath: string, link: string, password = newPassword) {
  return client.postWithToken(
    formPath,
    { token: tokenOf(link), password, confirmPassword: password },
    await csrfFrom(client, '/account/forgot-password'),
  );
}

/** A CSRF token from a page the client can always open, for posting a link whose own page is gone. */
async function csrfFrom(client: TestClient, page: string): Promise<string> {
  const body = (await client.get(page)).body;
  return /name="_csrf" value="([^"]+)"/.exec(body)![1];
}

describe('staff password reset links', () => {
  it('refuses an older link once a newer one was used', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, { organisationId: await organisationId(db, 'E10000007'), roles: ['analyst'] });
    const client = new TestClient(context.app);
    await client.post('/staff/forgot-password', { email: staff.email });
    await client.post('/staff/forgot-password', { email: staff.email });
    const [older, newer] = await linksTo(staff.email, '/staff/reset-password?token=');
    expect(older).toBeDefined();

    expect((await reset(client, '/staff/reset-password', newer!)).headers.location).toBe('/staff/sign-in?reset');
    expect((await client.get(older!)).statusCode).toBe(410);
    const late = await reset(client, '/staff/reset-password', older!, 'another new password');
    expect(late.statusCode).toBe(410);
    // The password is the one set by the newer link.
    expect(
      (await client.post('/staff/sign-in', { email: staff.email, password: 'another new password' })).statusCode,
    ).toBe(401);
    expect((await client.post('/staff/sign-in', { email: staff.email, password: newPassword })).statusCode).toBe(303);
  });

  it('ends an outstanding link when a new one is asked for', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, { organisationId: await organisationId(db, 'E10000007'), roles: ['analyst'] });
    const client = new TestClient(context.app);
    await client.post('/staff/forgot-password', { email: staff.email });
    await client.post('/staff/forgot-password', { email: staff.email });
    const [older, newer] = await linksTo(staff.email, '/staff/reset-password?token=');
    expect((await client.get(older!)).statusCode).toBe(410);
    expect((await client.get(newer!)).statusCode).toBe(200);
  });
});

describe('citizen one-use links', () => {
  const password = 'three random words';

  async function register(email: string) {
    const client = new TestClient(context.app);
    await client.post('/account/register', { name: 'Ada Resident', email, password, confirmPassword: password });
    return client;
  }

  it('refuses an older reset link once a newer one was used', async () => {
    const client = await register('two-resets@example.com');
    await client.post('/account/forgot-password', { email: 'two-resets@example.com' });
    await client.post('/account/forgot-password', { email: 'two-resets@example.com' });
    const [older, newer] = await linksTo('two-resets@example.com', '/account/reset-password?token=');
    expect((await reset(client, '/account/reset-password', newer!)).headers.location).toBe('/account/sign-in?reset');
    expect((await client.get(older!)).statusCode).toBe(410);
    expect((await reset(client, '/account/reset-password', older!, 'another new password')).statusCode).toBe(410);
  });

  it('ends the email confirmation link of an account whose password was reset', async () => {
    const client = await register('reset-before-confirming@example.com');
    const [confirmation] = await linksTo('reset-before-confirming@example.com', '/account/verify?token=');
    await client.post('/account/forgot-password', { email: 'reset-before-confirming@example.com' });
    const [resetLink] = await linksTo('reset-before-confirming@example.com', '/account/reset-password?token=');
    expect((await reset(client, '/account/reset-password', resetLink!)).statusCode).toBe(303);

    // The confirmation link signs its holder in: after a reset it must no longer do so.
    const stranger = new TestClient(context.app);
    const late = await stranger.get(confirmation!);
    expect(late.statusCode).toBe(410);
    expect(stranger.hasCookie('shirehall_session')).toBe(false);
  });

  it('keeps only the newest email confirmation link working, and that once', async () => {
    const client = await register('resent@example.com');
    // Signing in before confirming sends a fresh link.
    await client.post('/account/sign-in', { email: 'resent@example.com', password });
    const [first, second] = await linksTo('resent@example.com', '/account/verify?token=');
    expect(second).toBeDefined();
    expect((await new TestClient(context.app).get(first!)).statusCode).toBe(410);
    expect((await new TestClient(context.app).get(second!)).statusCode).toBe(303);
    expect((await new TestClient(context.app).get(second!)).statusCode).toBe(410);
  });
});
