import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffActor } from '../../../src/shared/actor.js';
import { anonymous } from '../../../src/shared/actor.js';
import { ForbiddenError } from '../../../src/shared/errors.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

// Two transactions at once need two connections: the embedded database has one, so it cannot
// interleave them (there every change waits for the other to end, and the question does not arise).
describe.runIf(process.env.DATABASE_URL)('a change to a case that changes hands while it waits for the lock', () => {
  let database: TestDatabase;
  let services: Awaited<ReturnType<typeof casesServices>>;
  const clock = () => new Date('2026-11-26T10:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    services = await casesServices(database.db, clock);
  });
  afterAll(() => database.destroy());

  async function officerOf(gss: string): Promise<StaffActor> {
    const orgId = await organisationId(database.db, gss);
    const staff = await createStaff(database.db, { organisationId: orgId, roles: ['service_officer'] });
    return {
      kind: 'staff',
      staffId: staff.id,
      name: 'Officer',
      email: staff.email,
      organisationId: orgId,
      organisationName: gss,
      roles: ['service_officer'],
    };
  }

  async function waitForAWaitingLock(): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const { rows } = await sql<{
        waiting: string;
      }>`select count(*) as waiting from pg_locks where not granted`.execute(database.db);
      if (Number(rows[0].waiting) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the change never waited for the lock');
  }

  it('is checked again on the locked row, and refused to the body that no longer owns it', async () => {
    const dales = 'E07000035'; // Derbyshire Dales District Council
    const created = await services.cases.submit(anonymous, {
      serviceCode: 'missed-bin',
      place: await services.place('DE4 3AG'),
      locationDescription: 'Outside number 12',
      description: 'Not collected',
      answers: { bin_type: ['general'] },
      channel: 'web',
      contact: { name: 'Ada Resident', email: 'ada@example.com', phone: null },
      citizenId: null,
    });
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const officer = await officerOf(dales);
    const county = await organisationId(database.db, 'E10000007');

    // Another transaction holds the case's lock while it hands the case to the county.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transfer = database.db.transaction().execute(async (trx) => {
      await services.repository.lock(trx, created.caseId);
      await trx.updateTable('cases').set({ organisation_id: county }).where('id', '=', created.caseId).execute();
      holding();
      await released;
    });
    await held;

    // The district's officer checks the case (still the district's, as far as anyone can see) and waits on the lock.
    const change = services.workflow.changeStatus(officer, created.caseId, {
      status: 'in_progress',
      message: 'On our way',
    });
    const outcome = change.then(
      () => 'changed',
      (error: unknown) => error,
    );
    await waitForAWaitingLock();
    release();
    await transfer;

    expect(await outcome).toBeInstanceOf(ForbiddenError);
    const after = await services.repository.findById(created.caseId);
    expect(after?.organisation_id).toBe(county);
    expect(after?.status).toBe('open');
  });
});
