import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type Database, type StaffRole } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';
import { casesAgreement, gss, organisationId, referencesIn, report, servicesFor } from './staff-cases-fixtures.js';

// Who may see a case, per case-policy.ts: the case roles; acting on it, the owner's officers, managers and administrators.
const caseRoles: StaffRole[] = [
  'contact_centre_agent',
  'service_officer',
  'service_manager',
  'organisation_admin',
  'partner_adviser',
];
const actingRoles: StaffRole[] = ['service_officer', 'service_manager', 'organisation_admin'];
const managerRoles: StaffRole[] = ['service_manager', 'organisation_admin'];

type Situation =
  'own organisation' | 'other organisation without an agreement' | 'other organisation with an active cases agreement';

const context = useTestApp();
let db: Kysely<Database>;
let caseId: number;
let reference: string;
const clients = new Map<string, TestClient>();
const key = (situation: Situation, role: StaffRole) => `${situation}|${role}`;

beforeAll(async () => {
  db = context.database.db;
  const services = await servicesFor(db);
  const [dales, amberValley, chesterfield] = await Promise.all(
    [gss.dales, gss.amberValley, gss.chesterfield].map((code) => organisationId(db, code)),
  );
  ({ id: caseId, reference } = await report(services, 'missed-bin', 'DE4 3AG'));
  await casesAgreement(db, [dales, chesterfield]);
  const organisations: Record<Situation, number> = {
    'own organisation': dales,
    'other organisation without an agreement': amberValley,
    'other organisation with an active cases agreement': chesterfield,
  };
  for (const [situation, organisation] of Object.entries(organisations) as [Situation, number][]) {
    for (const role of staffRoles) {
      clients.set(
        key(situation, role),
        (await signedInStaff(context.app, db, { organisationId: organisation, roles: [role] })).client,
      );
    }
  }
}, 120_000);

const situations: Situation[] = [
  'own organisation',
  'other organisation without an agreement',
  'other organisation with an active cases agreement',
];

describe.each(situations)('staff of the %s', (situation) => {
  it.each([...staffRoles])('%s: the case page answers as the policy says', async (role) => {
    const client = clients.get(key(situation, role))!;
    // An agreement alone opens no case of the other body: its relationship test does (test/sharing-by-purpose.test.ts).
    const maySee = caseRoles.includes(role) && situation === 'own organisation';
    const response = await client.get(`/staff/cases/${caseId}`);
    expect(response.statusCode).toBe(maySee ? 200 : 403);
    if (!maySee) {
      expect(response.body).not.toContain(reference);
      return;
    }
    const mayAct = situation === 'own organisation' && actingRoles.includes(role);
    expect(response.body.includes(`action="/staff/cases/${caseId}/status"`)).toBe(mayAct);
    expect(response.body).toContain(`action="/staff/cases/${caseId}/contact"`);
    if (!mayAct) {
      const refused = await client.post(
        `/staff/cases/${caseId}/internal-note`,
        { note: 'Should not be saved' },
        `/staff/cases/${caseId}`,
      );
      expect(refused.statusCode).toBe(403);
    }
  });

  it.each([...staffRoles])(
    '%s: the worklist answers as the policy says, with only their own organisation’s cases',
    async (role) => {
      const client = clients.get(key(situation, role))!;
      const response = await client.get('/staff/cases?applied=yes&whose=ours');
      expect(response.statusCode).toBe(caseRoles.includes(role) ? 200 : 403);
      if (response.statusCode === 200)
        expect(referencesIn(response.body).includes(reference)).toBe(situation === 'own organisation');
      // Finding the case by its reference follows the case page's rule.
      const found = await client.get(`/staff/cases/find?reference=${reference}`);
      const maySee = caseRoles.includes(role) && situation === 'own organisation';
      expect(found.statusCode).toBe(maySee ? 303 : caseRoles.includes(role) ? 404 : 403);
    },
  );
});

describe('the other staff pages of the organisation', () => {
  it.each([...staffRoles])('%s: CSV export, record a contact and the manager view', async (role) => {
    const client = clients.get(key('own organisation', role))!;
    expect((await client.get('/staff/cases.csv')).statusCode).toBe(caseRoles.includes(role) ? 200 : 403);
    expect((await client.get('/staff/record-a-contact')).statusCode).toBe(caseRoles.includes(role) ? 200 : 403);
    // Analysts see the figures (and no case), as managers do.
    expect((await client.get('/staff/cases/overview')).statusCode).toBe(
      [...managerRoles, 'analyst'].includes(role) ? 200 : 403,
    );
  });

  it('nothing in the internal notes leaked through a refused note', async () => {
    const notes = await db
      .selectFrom('case_events')
      .select('body')
      .where('case_id', '=', caseId)
      .where('kind', '=', 'internal_note')
      .execute();
    expect(notes).toEqual([]);
  });
});
