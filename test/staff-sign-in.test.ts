import { describe, expect, it } from 'vitest';
import { createStaff, organisationId, signedInStaff, TEST_PASSWORD } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';

const context = useTestApp();

describe('staff sign-in', () => {
  it('signs in with the right password and lands on the staff home page', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['service_officer'],
      name: 'Sam Officer',
    });
    const client = new TestClient(context.app);
    const response = await client.post('/staff/sign-in', { email: staff.email.toUpperCase(), password: TEST_PASSWORD });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/staff');
    const home = await client.get('/staff');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hello, Sam Officer');
    expect(home.body).toContain('Derbyshire County Council');
  });

  it('refuses a wrong password with an error beside the field, and sets no session', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, { organisationId: await organisationId(db, 'E10000007'), roles: ['analyst'] });
    const client = new TestClient(context.app);
    const response = await client.post('/staff/sign-in', { email: staff.email, password: 'wrong password' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Enter a correct email address and password');
    expect(response.body).toContain('href="#email"');
    expect(client.hasCookie('shirehall_session')).toBe(false);
  });

  it('says the same for an unknown email', async () => {
    const response = await new TestClient(context.app).post('/staff/sign-in', {
      email: 'nobody@test.example',
      password: 'whatever it is',
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Enter a correct email address and password');
  });

  it('locks the account after 5 wrong passwords, even against the right one', async () => {
    const db = context.database.db;
    const staff = await createStaff(db, { organisationId: await organisationId(db, 'E07000032'), roles: ['analyst'] });
    const client = new TestClient(context.app);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(
        (await client.post('/staff/sign-in', { email: staff.email, password: `wrong ${attempt}` })).statusCode,
      ).toBe(401);
    }
    const fifth = await client.post('/staff/sign-in', { email: staff.email, password: 'wrong 5' });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.body).toContain('Your account is locked');
    const right = await client.post('/staff/sign-in', { email: staff.email, password: TEST_PASSWORD });
    expect(right.statusCode).toBe(429);
  });

  it('refuses a form without the CSRF token', async () => {
    const client = new TestClient(context.app);
    await client.get('/staff/sign-in');
    const response = await client.postWithToken('/staff/sign-in', { email: 'a@b.example', password: 'x' }, undefined);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Your form has expired');
  });

  it('sends staff pages to sign-in when signed out, and back after', async () => {
    const response = await new TestClient(context.app).get('/staff/accounts');
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Faccounts');
  });

  it('signs out, ending the session in the database', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['analyst'],
    });
    expect((await client.get('/staff')).statusCode).toBe(200);
    const signOut = await client.post('/staff/sign-out', {}, '/staff');
    expect(signOut.statusCode).toBe(303);
    expect((await client.get('/staff')).statusCode).toBe(302);
  });

  it('ends every session of an account an administrator revokes', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    const { client: officer, staff } = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['service_officer'],
    });
    const { client: admin } = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['organisation_admin'],
    });
    expect((await officer.get('/staff')).statusCode).toBe(200);
    const revoke = await admin.post(`/staff/accounts/${staff.id}/sessions`, {}, `/staff/accounts/${staff.id}`);
    expect(revoke.statusCode).toBe(303);
    expect((await officer.get('/staff')).statusCode).toBe(302);
  });
});
