import { describe, expect, it } from 'vitest';
import { staffRoles } from '../src/db/schema.js';
import { queueEmail } from '../src/modules/notify/outbox.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';

const context = useTestApp();
const COUNTY = 'E10000007';

/** Queues an email and returns its id; `changes` puts it in the state a worker would have left it. */
async function email(
  subject: string,
  changes: { sent_at?: Date; failed_at?: Date; attempts?: number; last_error?: string; created_at?: Date } = {},
  body = 'Hello',
) {
  const db = context.database.db;
  await queueEmail(db, { to: 'resident@test.example', subject, body });
  const row = await db.selectFrom('email_outbox').select('id').where('subject', '=', subject).executeTakeFirstOrThrow();
  if (Object.keys(changes).length > 0)
    await db.updateTable('email_outbox').set(changes).where('id', '=', row.id).execute();
  return row.id;
}

async function partnershipAdmin() {
  const db = context.database.db;
  return signedInStaff(context.app, db, {
    organisationId: await organisationId(db, COUNTY),
    roles: ['partnership_admin'],
  });
}

describe('the staff email outbox', () => {
  it('shows a partnership administrator every email, newest first, with its status and last error', async () => {
    const hour = 3_600_000;
    const start = Date.now() - 10 * hour;
    await email('Outbox list: waiting', { created_at: new Date(start + 4 * hour) });
    await email('Outbox list: retrying', {
      created_at: new Date(start + 3 * hour),
      attempts: 2,
      last_error: '451 Mailbox busy',
    });
    await email('Outbox list: sent', { created_at: new Date(start + 2 * hour), sent_at: new Date() });
    await email('Outbox list: failed', {
      created_at: new Date(start + hour),
      attempts: 10,
      failed_at: new Date(),
      last_error: '550 No such user',
    });
    const { client } = await partnershipAdmin();

    const page = await client.get('/staff/outbox');

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Email outbox</h1>');
    const order = ['waiting', 'retrying', 'sent', 'failed'].map((status) =>
      page.body.indexOf(`Outbox list: ${status}`),
    );
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.body).toContain('Retrying (2 attempts)');
    expect(page.body).toContain('Failed (10 attempts)');
    expect(page.body).toContain('451 Mailbox busy');
    expect(page.body).toContain('550 No such user');
    expect(page.body).toContain('resident@test.example');
    // The tests run with no SMTP_URL, as the embedded default does.
    expect(page.body).toContain('Email is not being sent');
  });

  it('filters by status', async () => {
    await email('Filter: one that failed', { attempts: 10, failed_at: new Date(), last_error: '550' });
    await email('Filter: one that was sent', { sent_at: new Date() });
    const { client } = await partnershipAdmin();

    const failed = await client.get('/staff/outbox?status=failed');

    expect(failed.statusCode).toBe(200);
    expect(failed.body).toContain('Filter: one that failed');
    expect(failed.body).not.toContain('Filter: one that was sent');
    expect(failed.body).toMatch(
      /<input class="govuk-radios__input" id="status-\d" name="status" type="radio" value="failed" checked>/,
    );
    expect(failed.body).toContain('<title>Failed emails');

    const unknown = await client.get('/staff/outbox?status=lost');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('Filter: one that was sent');
  });

  it('pages through many emails, 50 to a page', async () => {
    const db = context.database.db;
    const { client } = await partnershipAdmin();
    const before = await db
      .selectFrom('email_outbox')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    const toAdd = 55 - Number(before.count);
    await db.transaction().execute(async (trx) => {
      for (let index = 0; index < toAdd; index++)
        await queueEmail(trx, { to: 'many@test.example', subject: `Paging ${index}`, body: 'x' });
    });

    const first = await client.get('/staff/outbox');
    expect(first.body).toContain('page 1 of 2');
    expect(first.body).toContain('href="/staff/outbox?page=2"');
    expect(first.body.match(/href="\/staff\/outbox\/\d+"/g)).toHaveLength(50);

    const second = await client.get('/staff/outbox?page=2');
    expect(second.body).toContain('page 2 of 2');
    expect(second.body.match(/href="\/staff\/outbox\/\d+"/g)).toHaveLength(5);
    expect(second.body).toContain('href="/staff/outbox"');
  });

  it('shows one email in full, escaped, and records the read in the audit log', async () => {
    const db = context.database.db;
    const body =
      'Dear Sam,\n\nChoose a password: https://shirehall.test/staff/reset-password?token=abc\n\n<script>alert(1)</script>';
    const id = await email('Your staff account (full text)', {}, body);
    const { client, staff } = await partnershipAdmin();

    const page = await client.get(`/staff/outbox/${id}`);

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your staff account (full text)');
    expect(page.body).toContain(
      'Dear Sam,<br />\n<br />\nChoose a password: https://shirehall.test/staff/reset-password?token=abc',
    );
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'actor_type'])
      .where('record_type', '=', 'email')
      .where('record_id', '=', String(id))
      .execute();
    expect(audit).toEqual([{ action: 'read', actor_id: staff.id, actor_type: 'staff' }]);
  });

  it('answers 404 for an email that does not exist', async () => {
    const { client } = await partnershipAdmin();
    expect((await client.get('/staff/outbox/999999999')).statusCode).toBe(404);
    expect((await client.get('/staff/outbox/not-a-number')).statusCode).toBe(404);
  });

  it('is linked from the staff home page for partnership administrators only', async () => {
    const db = context.database.db;
    const { client: admin } = await partnershipAdmin();
    expect((await admin.get('/staff')).body).toContain('href="/staff/outbox"');
    const { client: organisationAdmin } = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, COUNTY),
      roles: ['organisation_admin'],
    });
    expect((await organisationAdmin.get('/staff')).body).not.toContain('href="/staff/outbox"');
  });

  it.each(staffRoles.filter((role) => role !== 'partnership_admin'))(
    'refuses staff whose role is %s, and records no read',
    async (role) => {
      const db = context.database.db;
      const id = await email(`Not for a ${role}`);
      const { client } = await signedInStaff(context.app, db, {
        organisationId: await organisationId(db, COUNTY),
        roles: [role],
      });

      const list = await client.get('/staff/outbox');
      expect(list.statusCode).toBe(403);
      expect(list.body).toContain('You do not have permission to see this page');
      expect(list.body).not.toContain(`Not for a ${role}`);
      const one = await client.get(`/staff/outbox/${id}`);
      expect(one.statusCode).toBe(403);
      expect(one.body).not.toContain(`Not for a ${role}`);

      const audit = await db
        .selectFrom('audit_log')
        .select('id')
        .where('record_type', '=', 'email')
        .where('record_id', '=', String(id))
        .execute();
      expect(audit).toHaveLength(0);
    },
  );

  it('sends someone who is not signed in to the staff sign-in page', async () => {
    const id = await email('Signed-out visitor');
    const client = new TestClient(context.app);
    const list = await client.get('/staff/outbox?status=failed');
    expect(list.statusCode).toBe(302);
    expect(list.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Foutbox%3Fstatus%3Dfailed');
    const one = await client.get(`/staff/outbox/${id}`);
    expect(one.statusCode).toBe(302);
    expect(one.headers.location).toBe(`/staff/sign-in?next=%2Fstaff%2Foutbox%2F${id}`);
  });
});

// An installation that really sends email (the address is never dialled: this app runs no worker).
const sendingApp = useTestApp({ smtpUrl: 'smtp://127.0.0.1:9' });

describe('one-use links in the outbox', () => {
  it('are hidden from administrators where emails are really sent', async () => {
    const db = sendingApp.database.db;
    await queueEmail(db, {
      to: 'someone@example.com',
      subject: 'Reset your password',
      body: 'Go to http://x.test/staff/reset-password?token=AbC_123-xyz now',
    });
    const { id } = await db
      .selectFrom('email_outbox')
      .select('id')
      .where('to_address', '=', 'someone@example.com')
      .executeTakeFirstOrThrow();
    const { client } = await signedInStaff(sendingApp.app, db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['partnership_admin'],
    });
    const page = await client.get(`/staff/outbox/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('AbC_123-xyz');
    expect(page.body).toContain('token=(hidden: only the recipient can use this link)');
  });
});
