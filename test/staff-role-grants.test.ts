/**
 * An organisation administrator grants only what they hold: the roles of their organisation's own
 * work, which organisation administration already covers, and any other role only when they hold it
 * themselves. Partnership administration, and the roles an agreement lets reach another body's
 * records (contact-centre agent, partner adviser), are never theirs to hand out otherwise.
 */
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database, StaffRole } from '../src/db/schema.js';
import { createStaff, organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import type { TestClient } from './support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let derby: number;
let admin: { client: TestClient; staff: { id: number } };
let sequence = 0;

const newAccount = (client: TestClient, roles: StaffRole[]) => {
  sequence += 1;
  return client.post('/staff/accounts/new', {
    organisationId: String(derby),
    name: `New Person ${sequence}`,
    email: `new.person.${sequence}@derby.test`,
    roles,
  });
};
const rolesOf = async (staffId: number) =>
  (await db.selectFrom('staff').select('roles').where('id', '=', staffId).executeTakeFirstOrThrow()).roles;

beforeAll(async () => {
  db = context.database.db;
  derby = await organisationId(db, 'E06000015');
  admin = await signedInStaff(context.app, db, { organisationId: derby, roles: ['organisation_admin'] });
});

describe('an organisation administrator', () => {
  it('cannot grant partnership administration, to a new account or an existing one, nor to themselves', async () => {
    expect((await newAccount(admin.client, ['partnership_admin'])).statusCode).toBe(403);
    const officer = await createStaff(db, { organisationId: derby, roles: ['service_officer'] });
    expect(
      (
        await admin.client.post(
          `/staff/accounts/${officer.id}/roles`,
          { roles: ['service_officer', 'partnership_admin'] },
          `/staff/accounts/${officer.id}`,
        )
      ).statusCode,
    ).toBe(403);
    expect(await rolesOf(officer.id)).toEqual(['service_officer']);
    expect(
      (
        await admin.client.post(
          `/staff/accounts/${admin.staff.id}/roles`,
          { roles: ['organisation_admin', 'partnership_admin'] },
          `/staff/accounts/${admin.staff.id}`,
        )
      ).statusCode,
    ).toBe(403);
    expect(await rolesOf(admin.staff.id)).toEqual(['organisation_admin']);
  });

  it('cannot grant the roles that reach other bodies’ records, or others’ work, which they do not hold', async () => {
    for (const role of ['contact_centre_agent', 'partner_adviser', 'recruiter', 'analyst'] as const) {
      expect((await newAccount(admin.client, ['service_officer', role])).statusCode, role).toBe(403);
    }
    // Nor to themselves.
    const self = await admin.client.post(
      `/staff/accounts/${admin.staff.id}/roles`,
      { roles: ['organisation_admin', 'contact_centre_agent'] },
      `/staff/accounts/${admin.staff.id}`,
    );
    expect(self.statusCode).toBe(403);
    expect(await rolesOf(admin.staff.id)).toEqual(['organisation_admin']);
  });

  it('offers on the form only the roles they may grant', async () => {
    const form = await admin.client.get('/staff/accounts/new');
    expect(form.statusCode).toBe(200);
    for (const role of ['organisation_admin', 'service_manager', 'service_officer'])
      expect(form.body).toContain(`value="${role}"`);
    for (const role of ['partnership_admin', 'contact_centre_agent', 'partner_adviser', 'recruiter', 'analyst'])
      expect(form.body).not.toContain(`value="${role}"`);
  });

  it('grants the roles of their organisation’s own work, and a role they hold themselves', async () => {
    expect((await newAccount(admin.client, ['service_officer', 'service_manager'])).statusCode).toBe(303);
    const agentsAdmin = await signedInStaff(context.app, db, {
      organisationId: derby,
      roles: ['organisation_admin', 'contact_centre_agent'],
    });
    expect((await newAccount(agentsAdmin.client, ['contact_centre_agent'])).statusCode).toBe(303);
  });

  it('still manages an agent’s account: changes its other roles, disables it', async () => {
    const agent = await createStaff(db, { organisationId: derby, roles: ['contact_centre_agent'] });
    expect(
      (
        await admin.client.post(
          `/staff/accounts/${agent.id}/roles`,
          { roles: ['contact_centre_agent', 'service_officer'] },
          `/staff/accounts/${agent.id}`,
        )
      ).statusCode,
    ).toBe(303);
    expect(await rolesOf(agent.id)).toEqual(['contact_centre_agent', 'service_officer']);
    // Taking away a role they could not grant is not theirs either.
    expect(
      (
        await admin.client.post(
          `/staff/accounts/${agent.id}/roles`,
          { roles: ['service_officer'] },
          `/staff/accounts/${agent.id}`,
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await admin.client.post(
          `/staff/accounts/${agent.id}/status`,
          { disabled: 'true' },
          `/staff/accounts/${agent.id}`,
        )
      ).statusCode,
    ).toBe(303);
  });
});

describe('a partnership administrator', () => {
  it('grants every role', async () => {
    const county = await organisationId(db, 'E10000007');
    const partnershipAdmin = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['partnership_admin'],
    });
    expect(
      (await newAccount(partnershipAdmin.client, ['partnership_admin', 'contact_centre_agent', 'partner_adviser']))
        .statusCode,
    ).toBe(303);
  });
});
