import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { anonymous } from '../../src/shared/actor.js';
import { signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import type { TestClient } from '../support/http.js';
import { gss, organisationId, servicesFor, type CasesServices } from '../cases/staff/staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dalesOfficer: TestClient;
let dalesManager: TestClient;
let countyOfficer: TestClient;
let amberValleyOfficer: TestClient;
let recruiter: TestClient;
const references: Record<string, string> = {};

/** A report from someone who gave these details. */
async function reportFrom(
  serviceCode: string,
  contact: { name: string | null; email: string | null; phone: string | null },
  answers: Record<string, string>,
) {
  const result = await services.cases.submit(anonymous, {
    serviceCode,
    place: await services.place('DE4 3AG'),
    locationDescription: 'By the church',
    description: 'Please deal with it',
    answers,
    channel: 'phone',
    contact,
    citizenId: null,
  });
  if (result.outcome !== 'created') throw new Error(JSON.stringify(result));
  return result.reference;
}

const personOf = async (reference: string) =>
  (await db.selectFrom('cases').select('person_id').where('reference', '=', reference).executeTakeFirstOrThrow())
    .person_id!;

/** The names in the results table of a search page, as links or (on the merge page) labels. */
const namesFound = (html: string) =>
  [...html.matchAll(/<a class="govuk-link" href="\/staff\/people\/\d+">([^<]+)<\/a>/g)].map((match) => match[1]);

const search = (client: TestClient, q: string) => client.get(`/staff/people?q=${encodeURIComponent(q)}`);

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  const [dales, county, amberValley] = await Promise.all(
    [gss.dales, gss.county, gss.amberValley].map((code) => organisationId(db, code)),
  );
  const bins = { bin_type: 'general' };
  references.adaFirst = await reportFrom(
    'missed-bin',
    { name: 'Ada Lovelace', email: 'Ada.View@example.com', phone: null },
    bins,
  );
  references.adaSecond = await reportFrom(
    'missed-bin',
    { name: 'Ada Lovelace', email: 'ada.view@example.com', phone: '01629 580001' },
    bins,
  );
  references.adaCounty = await reportFrom(
    'pothole',
    { name: 'Ada Lovelace', email: 'ada.view@example.com', phone: null },
    { where_on_road: 'carriageway' },
  );
  references.caller = await reportFrom(
    'missed-bin',
    { name: 'A. Lovelace', email: null, phone: '+44 7700 900123' },
    bins,
  );
  references.john = await reportFrom(
    'missed-bin',
    { name: 'John Smith', email: 'john.smith@example.com', phone: null },
    bins,
  );
  dalesOfficer = (await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] })).client;
  dalesManager = (await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_manager'] })).client;
  countyOfficer = (await signedInStaff(context.app, db, { organisationId: county, roles: ['service_officer'] })).client;
  amberValleyOfficer = (
    await signedInStaff(context.app, db, { organisationId: amberValley, roles: ['service_officer'] })
  ).client;
  recruiter = (await signedInStaff(context.app, db, { organisationId: dales, roles: ['recruiter'] })).client;
}, 60_000);

describe('one person across every case', () => {
  it('links a new case to the person with that email address, whatever its case; a phone number alone is a person of its own', async () => {
    const ada = await personOf(references.adaFirst);
    expect(await personOf(references.adaSecond)).toBe(ada);
    expect(await personOf(references.adaCounty)).toBe(ada);
    expect(await personOf(references.caller)).not.toBe(ada);
    // The later case's phone number fills what the record lacked.
    const person = await db.selectFrom('people').selectAll().where('id', '=', ada).executeTakeFirstOrThrow();
    expect(person).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada.view@example.com',
      phone: '01629 580001',
      postcode: 'DE4 3AG',
    });
  });

  it('shows each member of staff only the cases they may see, on one page', async () => {
    const ada = await personOf(references.adaFirst);
    const dalesPage = await dalesOfficer.get(`/staff/people/${ada}`);
    expect(dalesPage.statusCode).toBe(200);
    expect(dalesPage.body).toContain('Ada Lovelace');
    expect(dalesPage.body).toContain(references.adaFirst);
    expect(dalesPage.body).toContain(references.adaSecond);
    expect(dalesPage.body).not.toContain(references.adaCounty);
    expect(dalesPage.body).toContain('Cases (2)');
    // From a case, the person's whole history is one link away.
    const { id: caseId } = await db
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', references.adaFirst)
      .executeTakeFirstOrThrow();
    expect((await dalesOfficer.get(`/staff/cases/${caseId}`)).body).toContain(`href="/staff/people/${ada}"`);

    const countyPage = await countyOfficer.get(`/staff/people/${ada}`);
    expect(countyPage.body).toContain(references.adaCounty);
    expect(countyPage.body).not.toContain(references.adaFirst);

    // A body with none of her cases, and no agreement, may not see her record.
    expect((await amberValleyOfficer.get(`/staff/people/${ada}`)).statusCode).toBe(403);
    expect((await recruiter.get(`/staff/people/${ada}`)).statusCode).toBe(403);
    expect((await recruiter.get('/staff/people')).statusCode).toBe(403);
  });
});

describe('finding a person', () => {
  it('finds a name spelt another way, and an email, phone, postcode or reference exactly', async () => {
    expect(namesFound((await search(dalesOfficer, 'Jon Smyth')).body)).toEqual(['John Smith']);
    expect(namesFound((await search(dalesOfficer, 'lovelace')).body).sort()).toEqual(['A. Lovelace', 'Ada Lovelace']);
    expect(namesFound((await search(dalesOfficer, 'ADA.VIEW@example.com')).body)).toEqual(['Ada Lovelace']);
    expect(namesFound((await search(dalesOfficer, 'ada.vie@example.com')).body)).toEqual([]);
    expect(namesFound((await search(dalesOfficer, '07700 900123')).body)).toEqual(['A. Lovelace']);
    expect(namesFound((await search(dalesOfficer, '+447700900123')).body)).toEqual(['A. Lovelace']);
    expect(namesFound((await search(dalesOfficer, 'de43ag')).body)).toContain('Ada Lovelace');
    expect(namesFound((await search(dalesOfficer, references.adaSecond.toLowerCase())).body)).toEqual(['Ada Lovelace']);
  });

  it('takes % and _ as the letters they are', async () => {
    for (const q of ['%', '_', '%a%', 'a_a']) {
      const page = await search(dalesOfficer, q);
      expect(page.statusCode).toBe(200);
      expect(namesFound(page.body), q).toEqual([]);
      expect(page.body).toContain('No one found');
    }
  });

  it('finds no one a member of staff may not see, and records each search in the audit log', async () => {
    expect(namesFound((await search(amberValleyOfficer, 'ada.view@example.com')).body)).toEqual([]);
    expect(namesFound((await search(amberValleyOfficer, references.adaFirst)).body)).toEqual([]);
    const searches = await db
      .selectFrom('audit_log')
      .select(['detail'])
      .where('action', '=', 'search')
      .where('record_type', '=', 'person')
      .execute();
    expect(searches.length).toBeGreaterThan(5);
    expect(searches.map((entry) => entry.detail)).toContainEqual({ by: 'email', shown: [] });
  });

  it('refuses a search too long, beside the box', async () => {
    const page = await search(dalesOfficer, 'x'.repeat(101));
    expect(page.statusCode).toBe(400);
    expect(errorSummary(page.body)).toEqual([{ href: '#q', text: 'Search for 100 characters or fewer' }]);
  });
});

describe('correcting and merging', () => {
  it('changes the details, audited by field, and refuses bad ones beside the field with nothing saved', async () => {
    const john = await personOf(references.john);
    const bad = await dalesOfficer.post(`/staff/people/${john}/edit`, {
      name: 'John Smith',
      email: 'not-an-email',
      phone: '12',
      postcode: 'nowhere',
      address: '',
      needs: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body).map((error) => error.href)).toEqual(['#email', '#phone', '#postcode']);

    const good = await dalesOfficer.post(`/staff/people/${john}/edit`, {
      name: 'John Smith',
      email: 'john.smith@example.com',
      phone: '01629 580002',
      postcode: 'de4 3ag',
      address: '1 Church Street\nMatlock',
      preferredChannel: 'letter',
      needs: 'Large print',
    });
    expect(good.statusCode).toBe(303);
    const person = await db.selectFrom('people').selectAll().where('id', '=', john).executeTakeFirstOrThrow();
    expect(person).toMatchObject({
      phone_digits: '01629580002',
      postcode: 'DE4 3AG',
      preferred_channel: 'letter',
      needs: 'Large print',
    });
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'update')
      .where('record_type', '=', 'person')
      .where('record_id', '=', String(john))
      .executeTakeFirstOrThrow();
    // The postcode was already DE4 3AG, from the case.
    expect(audit.detail).toEqual({ changed: ['phone', 'address', 'preferredChannel', 'needs'] });
    const page = await dalesOfficer.get(`/staff/people/${john}`);
    expect(page.body).toContain('Letter');
    expect(page.body).toContain('1 Church Street<br />');
  });

  it('merges two records of one person, audited: the kept one lists both records, the other leads to it', async () => {
    const ada = await personOf(references.adaFirst);
    const caller = await personOf(references.caller);
    // An officer may find people but not merge them.
    expect((await dalesOfficer.get(`/staff/people/${ada}/merge/${caller}`)).statusCode).toBe(403);

    const find = await dalesManager.get(`/staff/people/${ada}/merge?q=${encodeURIComponent('07700900123')}`);
    expect(find.body).toContain(`value="${caller}"`);
    const chosen = await dalesManager.post(
      `/staff/people/${ada}/merge`,
      { otherId: String(caller) },
      `/staff/people/${ada}/merge`,
    );
    expect(chosen.headers.location).toBe(`/staff/people/${ada}/merge/${caller}`);
    const confirm = await dalesManager.get(`/staff/people/${ada}/merge/${caller}`);
    expect(confirm.body).toContain('Are these the same person?');
    expect(confirm.body).toContain('A. Lovelace');

    const merged = await dalesManager.post(`/staff/people/${ada}/merge/${caller}`, {});
    expect(merged.statusCode).toBe(303);
    const page = await dalesManager.get(`/staff/people/${ada}`);
    expect(page.body).toContain(references.caller);
    expect(page.body).toContain('Cases (3)');
    const old = await dalesManager.get(`/staff/people/${caller}`);
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toBe(`/staff/people/${ada}`);
    expect(namesFound((await search(dalesManager, '07700 900123')).body)).toEqual([]);
    expect(
      await db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'merge')
        .where('record_id', '=', String(ada))
        .executeTakeFirstOrThrow(),
    ).toEqual({ detail: { merged: caller } });

    // Once merged, never again.
    expect((await dalesManager.post(`/staff/people/${ada}/merge/${caller}`, {})).statusCode).toBe(409);
  });
});
