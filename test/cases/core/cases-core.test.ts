import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../../src/db/schema.js';
import type { StaffActor } from '../../../src/shared/actor.js';
import { anonymous } from '../../../src/shared/actor.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
let now = new Date('2026-11-26T10:00:00Z'); // a Thursday
const clock = () => now;
let services: Awaited<ReturnType<typeof casesServices>>;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await casesServices(database.db, clock);
});
afterAll(() => database.destroy());

async function staffActor(gss: string | number, roles: StaffRole[]): Promise<StaffActor> {
  const orgId = typeof gss === 'number' ? gss : await organisationId(database.db, gss);
  const staff = await createStaff(database.db, { organisationId: orgId, roles });
  return {
    kind: 'staff',
    staffId: staff.id,
    name: 'Test',
    email: staff.email,
    organisationId: orgId,
    organisationName: String(gss),
    roles,
  };
}

async function report(
  serviceCode: string,
  postcode: string,
  extra: Partial<Parameters<typeof services.cases.submit>[1]> = {},
) {
  return services.cases.submit(anonymous, {
    serviceCode,
    place: await services.place(postcode),
    locationDescription: 'Outside number 12',
    description: 'Please fix',
    answers: {},
    channel: 'web',
    contact: { name: 'Ada Resident', email: 'ada@example.com', phone: null },
    citizenId: null,
    ...extra,
  });
}

describe('routing a request', () => {
  it('sends a pothole to the county and a missed bin to the district in a two-tier area', async () => {
    const pothole = await report('pothole', 'DE4 3AG', { answers: { where_on_road: 'carriageway' } });
    const bin = await report('missed-bin', 'DE4 3AG', { answers: { bin_type: ['general'] } });
    expect(pothole.outcome).toBe('created');
    expect(bin.outcome).toBe('created');
    if (pothole.outcome !== 'created' || bin.outcome !== 'created') return;
    expect((await services.repository.findById(pothole.caseId))?.organisation_name).toBe('Derbyshire County Council');
    expect((await services.repository.findById(bin.caseId))?.organisation_name).toBe(
      'Derbyshire Dales District Council',
    );
  });

  it('sends both to Derby City in the unitary', async () => {
    const pothole = await report('pothole', 'DE1 0AL', { answers: { where_on_road: 'pavement' } });
    const bin = await report('missed-bin', 'DE1 0AL', { answers: { bin_type: 'recycling' } });
    for (const result of [pothole, bin]) {
      if (result.outcome !== 'created') throw new Error(result.outcome);
      expect((await services.repository.findById(result.caseId))?.organisation_name).toBe('Derby City Council');
    }
  });

  it('refuses a place no partner serves, naming the council that does', async () => {
    const result = await report('pothole', 'DE14 1AA', { answers: { where_on_road: 'carriageway' } });
    expect(result).toEqual({
      outcome: 'not-a-member',
      providerName: 'Staffordshire County Council',
      providerUrl: expect.any(String),
    });
  });

  it('checks the type’s questions and saves nothing when they are wrong', async () => {
    const before = await database.db.selectFrom('cases').select('id').execute();
    const result = await report('pothole', 'DE4 3AG', { answers: { where_on_road: 'sky' } });
    expect(result).toEqual({
      outcome: 'invalid-answers',
      errors: { where_on_road: 'Select one of the options' },
    });
    expect(await database.db.selectFrom('cases').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses an anonymous web report unless the type allows it', async () => {
    const anonymousContact = { name: null, email: null, phone: null };
    expect(
      await report('missed-bin', 'DE4 3AG', { contact: anonymousContact, answers: { bin_type: 'general' } }),
    ).toEqual({ outcome: 'anonymous-not-allowed' });
    expect((await report('dog-fouling', 'DE4 3AG', { contact: anonymousContact })).outcome).toBe('created');
  });
});

describe('a new case', () => {
  it('gets the next reference of the year and a due date in working days', async () => {
    now = new Date('2026-12-24T10:00:00Z'); // Thursday before Christmas
    const first = await report('missed-bin', 'S41 7TD', { answers: { bin_type: 'general' } });
    const second = await report('missed-bin', 'S41 7TD', { answers: { bin_type: 'garden' } });
    if (first.outcome !== 'created' || second.outcome !== 'created') throw new Error('not created');
    expect(first.reference).toMatch(/^DBY-2026-\d{6}$/);
    expect(Number(second.reference.slice(-6))).toBe(Number(first.reference.slice(-6)) + 1);
    // Missed bins: 2 working days, skipping 25 and 28 December (bank holidays) and the weekend.
    expect((await services.repository.findById(first.caseId))?.due_on).toBe('2026-12-30');
    now = new Date('2026-11-26T10:00:00Z');
  });

  it('emails the resident a receipt with the reference and a tracking link', async () => {
    const result = await report('graffiti', 'DE4 3AG', {
      answers: { offensive: 'no' },
      contact: { name: 'Bo', email: 'bo@example.com', phone: null },
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    const email = await database.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('to_address', '=', 'bo@example.com')
      .executeTakeFirstOrThrow();
    expect(email.subject).toBe(`We have your report: Graffiti (${result.reference})`);
    expect(email.body_text).toContain(`/track?reference=${result.reference}`);
  });

  it('numbers concurrent reports without a gap or a repeat', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => report('dog-fouling', 'DE4 3AG')));
    const numbers = results
      .map((result) => (result.outcome === 'created' ? Number(result.reference.slice(-6)) : NaN))
      .sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(10);
    expect(numbers[9] - numbers[0]).toBe(9);
  });

  it('finds open requests of the same kind within 250 m, not further', async () => {
    const here = await services.place('DE4 3AG');
    const nearby = await services.cases.openNearby('pothole', here);
    expect(nearby.length).toBeGreaterThan(0);
    expect(nearby.every((candidate) => candidate.metres <= 250 && candidate.service_code === 'pothole')).toBe(true);
    const far = await services.cases.openNearby('pothole', {
      latitude: here.latitude + 0.01,
      longitude: here.longitude,
    });
    expect(far).toEqual([]);
  });
});

describe('who may see and change a case', () => {
  it('lets the owning organisation act, agents of an agreed partner read, others nothing', async () => {
    const result = await report('missed-bin', 'DE4 3AG', { answers: { bin_type: 'general' } });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    const officer = await staffActor('E07000035', ['service_officer']);
    const otherDistrictOfficer = await staffActor('E07000032', ['service_officer']);
    const analyst = await staffActor('E07000035', ['analyst']);
    expect((await services.cases.getForStaff(officer, result.caseId)).access).toBe('act');
    await expect(services.cases.getForStaff(otherDistrictOfficer, result.caseId)).rejects.toThrow('permission');
    await expect(services.cases.getForStaff(analyst, result.caseId)).rejects.toThrow('permission');
    await expect(
      services.workflow.changeStatus(otherDistrictOfficer, result.caseId, { status: 'resolved', message: '' }),
    ).rejects.toThrow('permission');
  });
});

describe('working a case', () => {
  it('moves through statuses, emails public updates, and refuses impossible changes', async () => {
    const result = await report('missed-bin', 'DE4 3AG', {
      answers: { bin_type: 'general' },
      contact: { name: 'Cy', email: 'cy@example.com', phone: null },
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    const officer = await staffActor('E07000035', ['service_officer']);
    await services.workflow.changeStatus(officer, result.caseId, {
      status: 'in_progress',
      message: 'The crew is on its way',
    });
    await services.workflow.addUpdate(officer, result.caseId, { body: 'Checked the round sheet', isPublic: false });
    await services.workflow.changeStatus(officer, result.caseId, {
      status: 'resolved',
      message: 'Emptied this afternoon',
    });
    await expect(
      services.workflow.changeStatus(officer, result.caseId, { status: 'acknowledged', message: '' }),
    ).rejects.toThrow('cannot become acknowledged');

    const record = (await services.repository.findById(result.caseId))!;
    const publicTimeline = await services.cases.timeline(record, false);
    expect(publicTimeline.map((event) => event.kind)).toEqual(['created', 'status_changed', 'status_changed']);
    const fullTimeline = await services.cases.timeline(record, true);
    expect(fullTimeline.map((event) => event.kind)).toContain('internal_note');

    const emails = await database.db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', 'cy@example.com')
      .orderBy('id')
      .execute();
    expect(emails.map((email) => email.subject)).toEqual([
      `We have your report: Missed bin collection (${result.reference})`,
      `Work has started on your report ${result.reference}`,
      `Your report ${result.reference} has been resolved`,
    ]);
  });

  it('transfers to the right partner, keeping the reference and history, and reopens within 28 days', async () => {
    const result = await report('missed-bin', 'DE4 3AG', { answers: { bin_type: 'general' } });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    const dales = await staffActor('E07000035', ['service_officer']);
    const amberValley = await organisationId(database.db, 'E07000032');
    await database.db
      .updateTable('teams')
      .set({ email: 'waste@ambervalley.example' })
      .where('organisation_id', '=', amberValley)
      .execute();
    await services.workflow.transfer(dales, result.caseId, {
      toOrganisationId: amberValley,
      reason: 'The property is in Amber Valley',
      confirmOutsideArea: true,
    });

    const moved = (await services.repository.findById(result.caseId))!;
    expect(moved.reference).toBe(result.reference);
    expect(moved.organisation_name).toBe('Amber Valley Borough Council');
    const timeline = await services.cases.timeline(moved, false);
    expect(timeline.map((event) => event.kind)).toEqual(['created', 'transferred']);
    expect(timeline[1]).toMatchObject({
      from_organisation_name: 'Derbyshire Dales District Council',
      to_organisation_name: 'Amber Valley Borough Council',
    });
    const notice = await database.db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', 'waste@ambervalley.example')
      .executeTakeFirst();
    expect(notice?.subject).toBe(`Case transferred to you: ${result.reference}`);
    await expect(services.cases.getForStaff(dales, result.caseId)).rejects.toThrow('permission');

    const av = await staffActor(amberValley, ['service_manager']);
    await services.workflow.changeStatus(av, result.caseId, { status: 'resolved', message: 'Done' });
    now = new Date(now.getTime() + 27 * 86_400_000);
    await services.workflow.reopen(
      (await services.repository.findById(result.caseId))!,
      'Still not emptied',
      anonymous,
    );
    expect((await services.repository.findById(result.caseId))?.status).toBe('open');
    await services.workflow.changeStatus(av, result.caseId, { status: 'resolved', message: 'Done again' });
    now = new Date(now.getTime() + 29 * 86_400_000);
    await expect(
      services.workflow.reopen((await services.repository.findById(result.caseId))!, 'Again', anonymous),
    ).rejects.toThrow('no longer be reopened');
    now = new Date('2026-11-26T10:00:00Z');
  });
});
