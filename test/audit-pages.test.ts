import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { createAuditBrowseService } from '../src/modules/audit/browse-service.js';
import { checkChain } from '../src/modules/audit/check.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { recordAudit } from '../src/modules/audit/service.js';
import type { StaffActor } from '../src/shared/actor.js';
import { ForbiddenError } from '../src/shared/errors.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';

const context = useTestApp();

let county: number;
let district: number;

const staffOf = (organisation: number, name: string, roles: StaffActor['roles'] = ['service_officer']): StaffActor => ({
  kind: 'staff',
  staffId: 7000 + organisation,
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@test.example`,
  organisationId: organisation,
  organisationName: `Organisation ${organisation}`,
  roles,
});

/** Record ids of the table rows on a page, top to bottom. */
function recordIdsOn(body: string, recordType: string): string[] {
  return [...body.matchAll(new RegExp(`<td class="govuk-table__cell">${recordType} ([^<]+)</td>`, 'g'))].map(
    (match) => match[1]!,
  );
}

async function csvOf(body: string): Promise<Record<string, string>[]> {
  return parse(body, { columns: true, skip_empty_lines: true });
}

/**
 * The fixture: entries of two organisations on known days, one of them just after midnight in
 * British Summer Time, which is still the previous day in UTC.
 */
async function seed(db: Kysely<Database>) {
  const cara = staffOf(county, 'Cara County');
  const dev = staffOf(district, 'Dev District');
  const entries: [StaffActor, string, string, string][] = [
    [cara, 'read', 'F1', '2026-03-10T12:00:00Z'],
    [dev, 'update', 'F2', '2026-03-12T09:30:00Z'],
    [cara, 'update', 'F3', '2026-03-20T15:45:00Z'],
    [dev, 'read', 'F4', '2026-03-31T23:30:00Z'], // 00:30 on 1 April in UK time
    [cara, 'delete', 'F5', '2026-04-02T08:00:00Z'],
  ];
  for (const [actor, action, recordId, when] of entries) {
    await recordAudit(
      db,
      { actor, action, recordType: 'filter-test', recordId, ipAddress: '198.51.100.4' },
      new Date(when),
    );
  }
  await recordAudit(
    db,
    { actor: { kind: 'system', label: 'nightly job' }, action: 'update', recordType: 'filter-test', recordId: 'F6' },
    new Date('2026-04-03T01:00:00Z'),
  );
}

beforeAll(async () => {
  const db = context.database.db;
  county = await organisationId(db, 'E10000007');
  district = await organisationId(db, 'E07000032');
  await seed(db);
});

describe('browsing the audit log', () => {
  it('shows a partnership administrator every entry, newest first, in a GOV.UK table', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    const response = await client.get('/staff/audit?recordType=filter-test');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<h1 class="govuk-heading-l">Audit log</h1>');
    expect(response.body).toContain('6 entries match these filters');
    expect(recordIdsOn(response.body, 'filter-test')).toEqual(['F6', 'F5', 'F4', 'F3', 'F2', 'F1']);
    expect(response.body).toContain('Cara County &lt;cara@test.example&gt;');
    expect(response.body).toContain('Derbyshire County Council');
    expect(response.body).toContain('Amber Valley');
    expect(response.body).toContain('198.51.100.4');
    expect(response.body).toContain('<time datetime="2026-04-02T08:00:00.000Z">2 April 2026 at 9:00am</time>');
    expect(response.body).toContain('name="organisation"');
    expect(response.body).toContain('href="/staff/audit/verify"');
  });

  it('filters by who, action, record and organisation', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    const ids = async (query: string) =>
      recordIdsOn((await client.get(`/staff/audit?recordType=filter-test&${query}`)).body, 'filter-test');
    expect(await ids('actor=cara')).toEqual(['F5', 'F3', 'F1']);
    expect(await ids('actor=DEV+DISTRICT')).toEqual(['F4', 'F2']);
    expect(await ids('action=Update')).toEqual(['F6', 'F3', 'F2']);
    expect(await ids('recordId=F3')).toEqual(['F3']);
    expect(await ids(`organisation=${district}`)).toEqual(['F4', 'F2']);
    expect(await ids(`organisation=${county}&action=update`)).toEqual(['F3']);
    // A wildcard typed into "who" is a letter to find, not a wildcard.
    expect(await ids('actor=%25')).toEqual([]);
    const none = await client.get('/staff/audit?recordType=filter-test&recordId=nothing-like-this');
    expect(none.body).toContain('No entries match these filters.');
  });

  it('filters by whole days in UK time', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    const ids = async (query: string) =>
      recordIdsOn((await client.get(`/staff/audit?recordType=filter-test&${query}`)).body, 'filter-test');
    expect(await ids('from-day=12&from-month=3&from-year=2026&to-day=20&to-month=3&to-year=2026')).toEqual([
      'F3',
      'F2',
    ]);
    expect(await ids('to-day=31&to-month=3&to-year=2026')).toEqual(['F3', 'F2', 'F1']);
    expect(await ids('from-day=1&from-month=4&from-year=2026')).toEqual(['F6', 'F5', 'F4']);
    expect(await ids('from-day=01&from-month=04&from-year=2026&to-day=1&to-month=4&to-year=2026')).toEqual(['F4']);
  });

  it('puts what is wrong with a date beside it, keeping what was typed', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });

    const unreal = await client.get('/staff/audit?actor=cara&from-day=31&from-month=2&from-year=2026');
    expect(unreal.statusCode).toBe(400);
    expect(unreal.body).toContain('There is a problem');
    expect(unreal.body).toContain('<a href="#from-day">From date must be a real date</a>');
    expect(unreal.body).toMatch(
      /id="from-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:<\/span> From date must be a real date/,
    );
    // Only the part that is wrong is highlighted.
    expect(unreal.body).toContain(
      'class="govuk-input govuk-date-input__input govuk-input--error govuk-input--width-2" id="from-day" name="from-day" type="text" value="31"',
    );
    expect(unreal.body).toContain(
      'class="govuk-input govuk-date-input__input govuk-input--width-2" id="from-month" name="from-month" type="text" value="2"',
    );
    expect(unreal.body).toContain('value="cara"');
    expect(unreal.body).toContain('<title>Error: Audit log');
    expect(unreal.body).not.toContain('govuk-table__body');

    const partial = await client.get('/staff/audit?to-day=3&to-year=2026');
    expect(partial.statusCode).toBe(400);
    expect(partial.body).toContain('<a href="#to-month">To date must include a month</a>');

    const backwards = await client.get(
      '/staff/audit?from-day=5&from-month=3&from-year=2026&to-day=4&to-month=3&to-year=2026',
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('To date must be the same as or after the from date');

    const shortYear = await client.get('/staff/audit?from-day=5&from-month=3&from-year=26');
    expect(shortYear.body).toContain('<a href="#from-year">From date year must include 4 numbers</a>');

    const badOrganisation = await client.get('/staff/audit?organisation=abc');
    expect(badOrganisation.statusCode).toBe(400);
    expect(badOrganisation.body).toContain('<a href="#organisation">Select an organisation from the list</a>');
  });

  it('pages 50 entries at a time with the GOV.UK pagination component, keeping the filters', async () => {
    const db = context.database.db;
    const officer = staffOf(county, 'Pat Pager');
    for (let index = 1; index <= 120; index++) {
      await recordAudit(
        db,
        { actor: officer, action: 'read', recordType: 'paging-test', recordId: `P${index}` },
        new Date(Date.UTC(2026, 4, 1, 0, index)),
      );
    }
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });

    const first = await client.get('/staff/audit?recordType=paging-test');
    const firstIds = recordIdsOn(first.body, 'paging-test');
    expect(firstIds).toHaveLength(50);
    expect(firstIds[0]).toBe('P120');
    expect(first.body).toContain('<nav class="govuk-pagination" aria-label="Audit log pages"');
    expect(first.body).toContain('href="/staff/audit?recordType=paging-test&amp;page=2" rel="next"');
    expect(first.body).toMatch(
      /href="\/staff\/audit\?recordType=paging-test&amp;page=1" aria-label="Page 1"\s+aria-current="page"/,
    );
    expect(first.body).toContain('aria-label="Page 3"');

    const third = await client.get('/staff/audit?recordType=paging-test&page=3');
    const thirdIds = recordIdsOn(third.body, 'paging-test');
    expect(thirdIds).toHaveLength(20);
    expect(thirdIds.at(-1)).toBe('P1');
    expect(third.body).toContain('rel="prev"');
    expect(third.body).not.toContain('rel="next"');

    const second = await client.get('/staff/audit?recordType=paging-test&page=2');
    expect(recordIdsOn(second.body, 'paging-test')[0]).toBe('P70');
  });

  it('records each reading of the log', async () => {
    const db = context.database.db;
    const { client, staff } = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['partnership_admin'],
    });
    await client.get('/staff/audit?action=delete');
    const entry = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_id', '=', staff.id)
      .where('action', '=', 'read')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      record_type: 'audit_log',
      organisation_id: county,
      ip_address: '127.0.0.1',
      detail: { filters: { action: 'delete' }, page: 1 },
    });
  });
});

describe('who may read the audit log', () => {
  it('shows an organisation administrator only their own organisation’s entries, whatever they ask for', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, {
      organisationId: district,
      roles: ['organisation_admin'],
    });
    const own = await client.get('/staff/audit?recordType=filter-test');
    expect(own.statusCode).toBe(200);
    expect(recordIdsOn(own.body, 'filter-test')).toEqual(['F4', 'F2']);
    expect(own.body).not.toContain('name="organisation"');
    expect(own.body).not.toContain('/staff/audit/verify');

    const other = await client.get(`/staff/audit?recordType=filter-test&organisation=${county}`);
    expect(recordIdsOn(other.body, 'filter-test')).toEqual(['F4', 'F2']);

    const csv = await csvOf((await client.get(`/staff/audit.csv?recordType=filter-test&organisation=${county}`)).body);
    expect(csv.map((row) => row['Record ID'])).toEqual(['F4', 'F2']);
  });

  it('refuses every other role with 403, and sends the signed-out to sign in', async () => {
    const db = context.database.db;
    for (const role of [
      'service_officer',
      'contact_centre_agent',
      'service_manager',
      'recruiter',
      'analyst',
      'partner_adviser',
    ] as const) {
      const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: [role] });
      for (const url of ['/staff/audit', '/staff/audit.csv', '/staff/audit/verify']) {
        const response = await client.get(url);
        expect(response.statusCode, `${role} ${url}`).toBe(403);
        expect(response.body).toContain('You do not have permission to see this page');
      }
      expect((await client.get('/staff')).body).not.toContain('href="/staff/audit"');
    }
    const signedOut = await context.app.inject({ method: 'GET', url: '/staff/audit' });
    expect(signedOut.statusCode).toBe(302);
    expect(signedOut.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Faudit');
  });

  it('refuses in the service itself, not only on the page', async () => {
    const db = context.database.db;
    const audit = createAuditBrowseService({ db, repository: createAuditRepository(db), clock: () => new Date() });
    const officer = staffOf(county, 'Sid Service');
    await expect(audit.browse(officer, {}, 1, null)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(audit.exportCsv(officer, {}, null)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(audit.verify(staffOf(county, 'Oona Admin', ['organisation_admin']), null)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      audit.browse({ kind: 'citizen', citizenId: 1, name: 'C', email: 'c@test.example' }, {}, 1, null),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const orgAdmin = staffOf(district, 'Oona Admin', ['organisation_admin']);
    const page = await audit.browse(orgAdmin, { recordType: 'filter-test', organisationId: county }, 1, null);
    expect(page.entries.map((entry) => entry.record_id)).toEqual(['F4', 'F2']);
  });

  it('links administrators to the log from the staff home page', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, {
      organisationId: district,
      roles: ['organisation_admin'],
    });
    expect((await client.get('/staff')).body).toContain('href="/staff/audit"');
  });
});

describe('exporting the audit log', () => {
  const header = [
    'Entry ID',
    'When (UTC)',
    'Actor type',
    'Actor ID',
    'Who',
    'Organisation ID',
    'Organisation',
    'Action',
    'Record type',
    'Record ID',
    'From where',
    'Detail',
    'Previous hash',
    'Hash',
  ];

  it('downloads the filtered entries as CSV with a header row', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    const response = await client.get('/staff/audit.csv?recordType=filter-test&action=update');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.body.split('\n')[0]).toBe(header.join(','));

    const rows = await csvOf(response.body);
    expect(rows.map((row) => row['Record ID'])).toEqual(['F6', 'F3', 'F2']);
    const f3 = rows[1]!;
    expect(f3).toMatchObject({
      'When (UTC)': '2026-03-20T15:45:00.000Z',
      'Actor type': 'staff',
      Who: 'Cara County <cara@test.example> (Organisation ' + county + ')',
      Organisation: 'Derbyshire County Council',
      Action: 'update',
      'Record type': 'filter-test',
      'From where': '198.51.100.4',
      Detail: '{}',
    });
    expect(f3.Hash).toMatch(/^[0-9a-f]{64}$/);
    const stored = await db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .where('record_id', '=', 'F3')
      .executeTakeFirstOrThrow();
    expect(f3).toMatchObject({ 'Entry ID': String(stored.id), Hash: stored.hash });
  });

  it('sends just the header row when nothing matches', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    const response = await client.get('/staff/audit.csv?recordType=no-such-type');
    expect(response.statusCode).toBe(200);
    expect(response.body.trim()).toBe(header.join(','));
  });

  it('is itself recorded in the audit log, with the filters used', async () => {
    const db = context.database.db;
    const { client, staff } = await signedInStaff(context.app, db, {
      organisationId: district,
      roles: ['organisation_admin'],
    });
    await client.get('/staff/audit.csv?recordType=filter-test');
    const entry = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_id', '=', staff.id)
      .where('action', '=', 'export')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      actor_type: 'staff',
      organisation_id: district,
      record_type: 'audit_log',
      ip_address: '127.0.0.1',
      detail: { filters: { recordType: 'filter-test', organisationId: district } },
    });
  });

  it('refuses invalid filters with the page and its errors', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    const response = await client.get('/staff/audit.csv?from-day=40&from-month=1&from-year=2026');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('From date must be a real date');
  });

  it('reads the log in batches, every entry once, newest first, and defuses spreadsheet formulas', async () => {
    const db = context.database.db;
    const officer = staffOf(county, 'Bea Batch');
    await recordAudit(
      db,
      {
        actor: { kind: 'system', label: '=HYPERLINK("http://evil.example","click")' },
        action: 'read',
        recordType: 'batch-test',
        recordId: 'B0',
      },
      new Date(),
    );
    for (let index = 1; index <= 23; index++)
      await recordAudit(
        db,
        { actor: officer, action: 'read', recordType: 'batch-test', recordId: `B${index}` },
        new Date(),
      );

    const audit = createAuditBrowseService({
      db,
      repository: createAuditRepository(db),
      clock: () => new Date(),
      batchSize: 5,
    });
    const admin = staffOf(county, 'Ada Admin', ['partnership_admin']);
    let text = '';
    for await (const chunk of await audit.exportCsv(admin, { recordType: 'batch-test' }, null)) text += String(chunk);
    const rows = await csvOf(text);
    expect(rows.map((row) => row['Record ID'])).toEqual(Array.from({ length: 24 }, (_, index) => `B${23 - index}`));
    expect(rows.at(-1)!.Who).toBe('\'=HYPERLINK("http://evil.example","click")');
  });
});

describe('after all of the above', () => {
  it('leaves the log intact and sealed: every read, export and check the pages recorded verifies', async () => {
    const db = context.database.db;
    const actions = await db
      .selectFrom('audit_log')
      .select('action')
      .where('record_type', '=', 'audit_log')
      .distinct()
      .execute();
    expect(actions.map((row) => row.action).sort()).toEqual(['export', 'read']);
    const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
    expect((await client.get('/staff/audit/verify')).body).toContain('The audit log is intact');
    // The check sealed what was there before it, which every entry still matches.
    const total = Number(
      (
        await db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('total'))
          .executeTakeFirstOrThrow()
      ).total,
    );
    expect(await db.selectFrom('audit_seals').select('id').execute()).not.toHaveLength(0);
    expect(await checkChain(createAuditRepository(db))).toMatchObject({ intact: true, checked: total });
  });
});
