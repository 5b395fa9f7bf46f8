import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { gss, organisationId, report, servicesFor, type CasesServices } from './staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dales: number;

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  dales = await organisationId(db, gss.dales);
});

describe('letters for residents with no email address', () => {
  it('lists each letter on the case page and shows it ready to print, its reading audited', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', { email: null });
    const officer = await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] });
    const updated = await officer.client.post(
      `/staff/cases/${id}/public-update`,
      { update: 'The crew will come on Friday' },
      `/staff/cases/${id}`,
    );
    expect(updated.statusCode).toBe(303);
    const page = await officer.client.get(updated.headers.location!);
    expect(text(page.body)).toContain('There is no email address for the resident, so it is kept as a letter to send.');
    const letters = await db.selectFrom('case_letters').select('id').where('case_id', '=', id).orderBy('id').execute();
    expect(letters).toHaveLength(2);
    const shown = text(page.body);
    expect(shown).toContain('Letters to send');
    expect(shown).toContain(`We have your report: Missed bin collection (${reference})`);
    expect(page.body).toContain(`href="/staff/cases/${id}/letters/${letters[1].id}"`);

    const letter = await officer.client.get(`/staff/cases/${id}/letters/${letters[1].id}`);
    expect(letter.statusCode).toBe(200);
    const printed = text(letter.body);
    expect(printed).toContain('Ada Resident');
    expect(printed).toContain(`Update on your report ${reference}`);
    expect(printed).toContain('The crew will come on Friday');
    expect(printed).toContain('01629 580000');
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'read')
      .where('record_type', '=', 'case_letter')
      .executeTakeFirst();
    expect(audit?.detail).toMatchObject({ caseId: id });

    // Another case's letter, and one that does not exist, are not found.
    const other = await report(services, 'missed-bin', 'DE4 3AG', { email: null });
    expect((await officer.client.get(`/staff/cases/${other.id}/letters/${letters[1].id}`)).statusCode).toBe(404);
    expect((await officer.client.get(`/staff/cases/${id}/letters/999999`)).statusCode).toBe(404);
  });

  it('is not shown to staff of another organisation', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG', { email: null });
    const [letter] = await db.selectFrom('case_letters').select('id').where('case_id', '=', id).execute();
    const stranger = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, gss.chesterfield),
      roles: ['service_officer'],
    });
    expect((await stranger.client.get(`/staff/cases/${id}/letters/${letter.id}`)).statusCode).toBe(403);
  });
});
