import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import { latestEmailTo, linkIn } from './support/outbox.js';

const context = useTestApp();
const password = 'three random words';

async function register(email: string, client = new TestClient(context.app)) {
  const response = await client.post('/account/register', {
    name: 'Ada Resident',
    email,
    phone: '01629 580000',
    password,
    confirmPassword: password,
  });
  return { client, response };
}

describe('citizen accounts', () => {
  it('registers, emails a confirmation link, and signs in from it', async () => {
    const { client, response } = await register('Ada@Example.com');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/register/check-your-email?email=ada%40example.com');

    const email = await latestEmailTo(context.database.db, 'ada@example.com');
    expect(email?.subject).toBe('Confirm your email address for your Derbyshire Partnership account');
    const verified = await client.get(linkIn(email!.body_text, '/account/verify?token='));
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/account?verified');

    const account = await client.get('/account?verified');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Your email address is confirmed');
    expect(account.body).toContain('Ada Resident');
    expect(account.body).toContain('01629 580000');
  });

  it('brings someone who made an account partway through a report back to it, signed in', async () => {
    const client = new TestClient(context.app);
    const form = await client.get('/account/register?next=%2Freport%2Fabout-you');
    expect(form.body).toContain('name="next" value="/report/about-you"');
    await client.post(
      '/account/register',
      {
        name: 'Mid Report',
        email: 'midreport@example.com',
        password,
        confirmPassword: password,
        next: '/report/about-you',
      },
      '/account/register?next=%2Freport%2Fabout-you',
    );
    const email = await latestEmailTo(context.database.db, 'midreport@example.com');
    const link = linkIn(email!.body_text, '/account/verify?token=');
    expect(link).toContain('&next=%2Freport%2Fabout-you');
    const verified = await client.get(link);
    expect(verified.headers.location).toBe('/report/about-you');
  });

  it('says a confirmation link used already has been used, not that it expired', async () => {
    const client = new TestClient(context.app);
    await client.post('/account/register', {
      name: 'Twice Clicked',
      email: 'twice@example.com',
      password,
      confirmPassword: password,
    });
    const email = await latestEmailTo(context.database.db, 'twice@example.com');
    const link = linkIn(email!.body_text, '/account/verify?token=');
    expect((await client.get(link)).statusCode).toBe(303);
    const again = await new TestClient(context.app).get(link);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('This link has already been used');
    expect(again.body).toContain('Your email address is confirmed');
    expect(again.body).not.toContain('This link has expired');
    // A link that was never good is still the expired page, which asks for a new one.
    expect((await client.get('/account/verify?token=not-a-real-token')).body).toContain('This link has expired');
  });

  it('never sends anyone to another site after confirming', async () => {
    const client = new TestClient(context.app);
    await client.post('/account/register', {
      name: 'Evil Next',
      email: 'evilnext@example.com',
      password,
      confirmPassword: password,
      next: '//evil.example/',
    });
    const email = await latestEmailTo(context.database.db, 'evilnext@example.com');
    const link = linkIn(email!.body_text, '/account/verify?token=');
    expect(link).not.toContain('next=');
    const verified = await client.get(`${link}&next=${encodeURIComponent('https://evil.example/')}`);
    expect(verified.headers.location).toBe('/account?verified');
  });

  it('will not sign in before the email is confirmed, and sends a fresh link', async () => {
    const { client } = await register('unconfirmed@example.com');
    const response = await client.post('/account/sign-in', { email: 'unconfirmed@example.com', password });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('You need to confirm your email address');
    const emails = await context.database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('to_address', '=', 'unconfirmed@example.com')
      .execute();
    expect(emails).toHaveLength(2);
  });

  it('signs in with email and password once confirmed, and out again', async () => {
    const { client } = await register('confirmed@example.com');
    const email = await latestEmailTo(context.database.db, 'confirmed@example.com');
    await client.get(linkIn(email!.body_text, '/account/verify?token='));
    await client.post('/account/sign-out', {}, '/account');

    const signedOut = await client.get('/account');
    expect(signedOut.statusCode).toBe(302);
    const signIn = await client.post(
      '/account/sign-in',
      { email: 'confirmed@example.com', password, next: '/account/details' },
      '/account/sign-in',
    );
    expect(signIn.headers.location).toBe('/account/details');
    expect((await client.get('/account')).statusCode).toBe(200);
  });

  it('does not reveal that an address already has an account', async () => {
    await register('taken@example.com');
    const { response } = await register('taken@example.com');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/register/check-your-email?email=taken%40example.com');
    const email = await latestEmailTo(context.database.db, 'taken@example.com');
    expect(email?.subject).toBe('You already have a Derbyshire Partnership account');
    const accounts = await context.database.db
      .selectFrom('citizens')
      .select('id')
      .where('email', '=', 'taken@example.com')
      .execute();
    expect(accounts).toHaveLength(1);
  });

  it('shows every mistake beside its field and saves nothing', async () => {
    const client = new TestClient(context.app);
    const response = await client.post('/account/register', {
      name: '',
      email: 'not-an-email',
      phone: '12',
      password: 'short',
      confirmPassword: 'other',
    });
    expect(response.statusCode).toBe(400);
    for (const [field, message] of [
      ['name', 'Enter a full name'],
      ['email', 'Enter an email address in the correct format, like name@example.com'],
      ['phone', 'Enter a telephone number, like 01632 960 001 or 07700 900 982'],
      ['password', 'Password must be 12 characters or more'],
    ]) {
      expect(response.body).toContain(`href="#${field}"`);
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('value="not-an-email"');
    const count = await context.database.db
      .selectFrom('citizens')
      .select('id')
      .where('email', '=', 'not-an-email')
      .execute();
    expect(count).toHaveLength(0);
  });

  it('resets a forgotten password by emailed link, which works once', async () => {
    const { client } = await register('forgetful@example.com');
    await client.post('/account/forgot-password', { email: 'forgetful@example.com' });
    const email = await latestEmailTo(context.database.db, 'forgetful@example.com');
    const link = linkIn(email!.body_text, '/account/reset-password?token=');
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const reset = await client.post(
      '/account/reset-password',
      { token, password: 'a brand new password', confirmPassword: 'a brand new password' },
      link,
    );
    expect(reset.headers.location).toBe('/account/sign-in?reset');
    expect((await client.get(link)).statusCode).toBe(410);
    const signIn = await client.post('/account/sign-in', {
      email: 'forgetful@example.com',
      password: 'a brand new password',
    });
    expect(signIn.statusCode).toBe(303);
  });

  it('changes own details', async () => {
    const { client } = await register('changer@example.com');
    const email = await latestEmailTo(context.database.db, 'changer@example.com');
    await client.get(linkIn(email!.body_text, '/account/verify?token='));
    const bad = await client.post('/account/details', { name: '', phone: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a full name');
    const saved = await client.post('/account/details', { name: 'Ada Changed', phone: '' });
    expect(saved.headers.location).toBe('/account?detailsSaved');
    expect((await client.get('/account')).body).toContain('Ada Changed');
  });
});
