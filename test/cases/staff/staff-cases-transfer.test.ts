import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { addWorkingDays } from '../../../src/modules/cases/core/working-days.js';
import { dayInEngland, formatDay } from '../../../src/shared/dates.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { TestClient } from '../../support/http.js';
import { gss, organisationId, report, servicesFor, staffActor, type CasesServices } from './staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dales: number;
let amberValley: number;
let officer: Awaited<ReturnType<typeof signedInStaff>>;

const casePage = (id: number) => `/staff/cases/${id}`;
const transfer = (id: number) => `/staff/cases/${id}/transfer`;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** Moves a case's pin to a place Amber Valley serves, as when the resident's pin was over the border. */
async function pinInAmberValley(caseId: number) {
  const point = await db
    .selectFrom('postcodes')
    .select(['latitude', 'longitude'])
    .where('lower_tier_gss', '=', gss.amberValley)
    .where('postcode', 'like', 'DE56 1%')
    .orderBy('postcode')
    .limit(1)
    .executeTakeFirstOrThrow();
  await db.updateTable('cases').set(point).where('id', '=', caseId).execute();
}

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  [dales, amberValley] = await Promise.all([gss.dales, gss.amberValley].map((code) => organisationId(db, code)));
  officer = await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] });
  // Amber Valley works to a target of its own, so the two clocks can be told apart.
  await db
    .updateTable('request_types')
    .set({ sla_working_days: 15 })
    .where('organisation_id', '=', amberValley)
    .where('service_code', '=', 'missed-bin')
    .execute();
});

describe('a transfer keeps the status and the resident’s clock', () => {
  it('keeps the status and the date the resident was given; the receiving body’s own target runs from the transfer', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'clock@example.com' });
    const author = await staffActor(db, dales, ['service_officer']);
    await services.workflow.changeStatus(author, id, { status: 'in_progress', message: '' });
    await pinInAmberValley(id);
    const before = (await services.repository.findById(id))!;

    const response = await officer.client.post(
      transfer(id),
      { transferTo: String(amberValley), transferReason: 'Over the border in Amber Valley' },
      casePage(id),
    );
    expect(response.statusCode).toBe(303);

    const after = (await services.repository.findById(id))!;
    expect(after.organisation_id).toBe(amberValley);
    expect(after.status).toBe('in_progress');
    expect(after.resident_due_on).toBe(before.due_on);
    const target = addWorkingDays(dayInEngland(new Date()), 15, await services.catalogue.bankHolidays());
    expect(after.due_on).toBe(target);
    expect(after.due_on).not.toBe(before.due_on);
    expect(after.transferred_at).toBeInstanceOf(Date);
    const [event] = await db
      .selectFrom('case_events')
      .select(['from_status', 'to_status'])
      .where('case_id', '=', id)
      .where('kind', '=', 'transferred')
      .execute();
    expect(event).toEqual({ from_status: 'in_progress', to_status: 'in_progress' });

    const receiver = await signedInStaff(context.app, db, { organisationId: amberValley, roles: ['service_officer'] });
    const page = text((await receiver.client.get(casePage(id))).body);
    expect(page).toContain(`Due ${formatDay(target)}`);
    expect(page).toContain(`Resident was told ${formatDay(before.due_on)}`);

    const resident = new TestClient(context.app);
    await resident.post('/track', { reference, email: 'clock@example.com' }, '/track');
    const publicPage = text((await resident.get(`/track/${reference}`)).body);
    expect(publicPage).toContain('Your request');
    expect(publicPage).toContain(`Aim to deal with it by ${formatDay(before.due_on)}`);
    expect(publicPage).not.toContain(formatDay(target));
  });

  it('warns when the receiving body does not serve the place for that service, and transfers only when the officer confirms', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const form = { transferTo: String(amberValley), transferReason: 'They asked for it' };

    const warned = await officer.client.post(transfer(id), form, casePage(id));
    expect(warned.statusCode).toBe(409);
    expect(text(warned.body)).toContain(
      'Amber Valley Borough Council does not deal with missed bin collection requests at this place: its area does not include where the case is.',
    );
    expect(warned.body).toContain('name="confirmOutsideArea" type="checkbox" value="yes"');
    expect(warned.body).toContain('>They asked for it</textarea>');
    expect((await services.repository.findById(id))?.organisation_id).toBe(dales);

    const confirmed = await officer.client.post(transfer(id), { ...form, confirmOutsideArea: 'yes' }, casePage(id));
    expect(confirmed.statusCode).toBe(303);
    expect((await services.repository.findById(id))?.organisation_id).toBe(amberValley);
    const note = await db
      .selectFrom('case_events')
      .select(['body', 'is_public'])
      .where('case_id', '=', id)
      .where('kind', '=', 'internal_note')
      .executeTakeFirstOrThrow();
    expect(note).toEqual({
      body: 'Transferred to Amber Valley Borough Council, which does not deal with missed bin collection requests at this place: the officer confirmed it.',
      is_public: false,
    });
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('record_type', '=', 'case')
      .where('record_id', '=', String(id))
      .where('action', '=', 'transfer')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ to: amberValley, outsideAreaConfirmed: true });
  });

  it('does not warn when the receiving body serves the place', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    await pinInAmberValley(id);
    const page = await officer.client.get(casePage(id));
    expect(page.body).not.toContain('confirmOutsideArea');
    const moved = await officer.client.post(
      transfer(id),
      { transferTo: String(amberValley), transferReason: 'Over the border' },
      casePage(id),
    );
    expect(moved.statusCode).toBe(303);
    const notes = await db
      .selectFrom('case_events')
      .select('body')
      .where('case_id', '=', id)
      .where('kind', '=', 'internal_note')
      .execute();
    expect(notes).toEqual([]);
  });
});
