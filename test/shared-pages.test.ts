import { describe, expect, it } from 'vitest';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';

const context = useTestApp();

const nonceOf = (headers: Record<string, unknown>) =>
  /script-src 'self' 'nonce-([^']+)'/.exec(String(headers['content-security-policy']))?.[1];

describe('pages the same for every visitor who is not signed in', () => {
  it('are rendered once, and each answer still carries its own CSP nonce, the one its header names', async () => {
    const [first, second] = [
      await context.app.inject('/services?q=bins'),
      await context.app.inject('/services?q=bins'),
    ];
    expect(first.statusCode).toBe(200);
    const [firstNonce, secondNonce] = [nonceOf(first.headers), nonceOf(second.headers)];
    expect(firstNonce).toBeTruthy();
    expect(secondNonce).toBeTruthy();
    expect(firstNonce).not.toBe(secondNonce);
    expect(first.body).toContain(`nonce="${firstNonce}"`);
    expect(second.body).toContain(`nonce="${secondNonce}"`);
    expect(second.body.split(secondNonce!).join(firstNonce!)).toBe(first.body);
  });

  it('are kept per address and per answer: another search, or a bad postcode, is its own page', async () => {
    const bins = await context.app.inject('/services?q=bins');
    const libraries = await context.app.inject('/services?q=library');
    expect(libraries.body).not.toBe(bins.body);
    const unknown = await context.app.inject('/find-your-council?postcode=ZZ99+9ZZ');
    expect(unknown.statusCode).toBe(404);
    const malformed = await context.app.inject('/find-your-council?postcode=nonsense');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('govuk-error-summary');
  });

  it('a service page answered for a postcode is kept per council, and names each visitor’s own postcode', async () => {
    const page = (postcode: string) =>
      context.app.inject(
        `/services/find-out-which-day-the-refuse-is-collected?postcode=${encodeURIComponent(postcode)}`,
      );
    // Both in Derbyshire Dales; DE1 0AL is in Derby.
    const [first, second, derby] = [await page('DE4 3AG'), await page('de43ah'), await page('DE1 0AL')];
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('In DE4 3AG this is provided by Derbyshire Dales District Council.');
    expect(second.body).toContain('In DE4 3AH this is provided by Derbyshire Dales District Council.');
    expect(second.body).not.toContain('DE4 3AG');
    expect(derby.body).toContain('In DE1 0AL this is provided by Derby City Council.');
    const [firstNonce, secondNonce] = [nonceOf(first.headers)!, nonceOf(second.headers)!];
    expect(second.body.split(secondNonce).join(firstNonce).replace('DE4 3AH', 'DE4 3AG')).toBe(first.body);

    const db = context.database.db;
    const staff = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['service_officer'],
    });
    const own = await staff.client.get('/services/find-out-which-day-the-refuse-is-collected?postcode=DE4+3AH');
    expect(own.body).toContain('In DE4 3AH this is provided by Derbyshire Dales District Council.');
    expect(own.body).toContain('Sign out');
  });

  it('are rendered afresh for a member of staff, with their own name and sign-out form', async () => {
    const db = context.database.db;
    const staff = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['service_officer'],
    });
    await context.app.inject('/');
    const page = await staff.client.get('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(page.body).toContain('Sign out');
  });
});
