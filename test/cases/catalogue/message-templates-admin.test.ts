import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { latestEmailTo } from '../../support/outbox.js';
import { gss, organisationId, report, servicesFor, type CasesServices } from '../staff/staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dales: number;
let amberValley: number;

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
function errorSummary(html: string): { text: string; href: string }[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((match) => ({
    href: match[1],
    text: match[2].trim().replace(/&#40;/g, '(').replace(/&#41;/g, ')'),
  }));
}

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  [dales, amberValley] = await Promise.all([gss.dales, gss.amberValley].map((code) => organisationId(db, code)));
});

describe('an organisation’s own wording of its messages', () => {
  it('lists every message with its default, saves new words, refuses unknown placeholders, and goes back to the default', async () => {
    const admin = await signedInStaff(context.app, db, { organisationId: dales, roles: ['organisation_admin'] });
    const list = await admin.client.get('/staff/messages');
    expect(list.statusCode).toBe(200);
    const listed = text(list.body);
    expect(listed).toContain('Derbyshire Dales District Council');
    for (const title of [
      'Report received',
      'Passed to another organisation',
      'Closed as already reported',
      'New case for the team',
    ])
      expect(listed).toContain(title);
    expect(listed).toContain('We have your report: ((request_type)) (((reference)))');

    const formPath = `/staff/messages/received?organisation=${dales}`;
    const form = await admin.client.get(formPath);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<code>((due_date))</code>');

    const refused = await admin.client.post(
      formPath,
      { subject: 'Report ((ref)) received', body: 'Hello ((name)), see ((tracking_link)) and ((track_url))' },
      formPath,
    );
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body).map((error) => error.href)).toEqual(['#subject', '#body']);
    expect(text(refused.body)).toContain('The subject uses ((ref)), which this message does not have.');
    expect(text(refused.body)).toContain('The body uses ((tracking_link)), which this message does not have.');
    expect(refused.body).toContain('value="Report ((ref)) received"');
    expect(await db.selectFrom('message_templates').selectAll().execute()).toEqual([]);

    const empty = await admin.client.post(formPath, { subject: ' ', body: '' }, formPath);
    expect(errorSummary(empty.body)).toEqual([
      { href: '#subject', text: 'Enter the subject' },
      { href: '#body', text: 'Enter the message' },
    ]);

    const saved = await admin.client.post(
      formPath,
      { subject: 'Thank you: ((reference))', body: 'Dear ((name)),\r\n\r\nWe have it. Follow it at ((track_url))' },
      formPath,
    );
    expect(saved.statusCode).toBe(303);
    expect(text((await admin.client.get(saved.headers.location!)).body)).toContain('“Report received” saved.');
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'record_id'])
      .where('record_type', '=', 'message_template')
      .execute();
    expect(audit).toEqual([{ action: 'update', record_id: `${dales}/received` }]);

    const { reference } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'worded@example.com' });
    const email = await latestEmailTo(db, 'worded@example.com');
    expect(email?.subject).toBe(`Thank you: ${reference}`);
    expect(email?.body_text).toMatch(
      new RegExp(`^Dear Ada Resident,\n\nWe have it\\. Follow it at https?://\\S+/track\\?reference=${reference}$`),
    );

    const reset = await admin.client.post(`/staff/messages/received/reset?organisation=${dales}`, {}, formPath);
    expect(reset.statusCode).toBe(303);
    expect(await db.selectFrom('message_templates').selectAll().execute()).toEqual([]);
    const { reference: next } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'default@example.com' });
    expect((await latestEmailTo(db, 'default@example.com'))?.subject).toBe(
      `We have your report: Missed bin collection (${next})`,
    );
  });

  it('is for organisation administrators of their own organisation, and partnership administrators of any member', async () => {
    const officer = await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] });
    expect((await officer.client.get('/staff/messages')).statusCode).toBe(403);
    const admin = await signedInStaff(context.app, db, { organisationId: dales, roles: ['organisation_admin'] });
    expect((await admin.client.get(`/staff/messages?organisation=${amberValley}`)).statusCode).toBe(403);
    expect((await admin.client.get(`/staff/messages/no-such-kind?organisation=${dales}`)).statusCode).toBe(404);
    const partnership = await signedInStaff(context.app, db, { organisationId: dales, roles: ['partnership_admin'] });
    const other = await partnership.client.get(`/staff/messages?organisation=${amberValley}`);
    expect(other.statusCode).toBe(200);
    expect(other.body).toContain('Amber Valley Borough Council');
  });
});
