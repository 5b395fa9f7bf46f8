import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';
import {
  casesAgreement,
  dayFromToday,
  gss,
  organisationId,
  partnerAgency,
  referencesIn,
  report,
  servicesFor,
  setCase,
  staffActor,
  type CasesServices,
} from './staff-cases-fixtures.js';
import { errorSummary } from '../../support/error-summary.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let highPeak: number;
let officer: { client: TestClient; staff: { id: number } };

/** High Peak's cases, made for this file: references in the order the worklist must show them. */
const known = {
  bins: [] as { id: number; reference: string }[],
  graffiti: [] as { id: number; reference: string }[],
  closed: { id: 0, reference: '' },
  resolved: { id: 0, reference: '' },
};

const count = (html: string) =>
  Number(/<h2 class="govuk-heading-m" id="cases">([\d,]+) cases?<\/h2>/.exec(html)?.[1].replace(',', '') ?? NaN);

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  highPeak = await organisationId(db, 'E07000037');
  officer = await signedInStaff(context.app, db, { organisationId: highPeak, roles: ['service_officer'] });

  // 27 missed bins due one a day from 5 days ago (so 5 are overdue), made in a shuffled order.
  const order = Array.from({ length: 27 }, (_, index) => (index * 11) % 27);
  const bins: { id: number; reference: string; due: number }[] = [];
  for (const due of order) {
    const made = await report(services, 'missed-bin', due % 2 ? 'SK13 0HG' : 'S33 0AA', {
      description: `Missed bin number ${due}`,
    });
    await setCase(db, made.id, { due_on: dayFromToday(due - 5) });
    bins.push({ ...made, due });
  }
  known.bins = bins.sort((a, b) => a.due - b.due);
  for (const [index, description] of ['Tag on the bus shelter', 'Paint on the chapel wall'].entries()) {
    const made = await report(services, 'graffiti', 'SK13 0HG', { description });
    await setCase(db, made.id, { due_on: dayFromToday(40 + index), assignee_staff_id: officer.staff.id });
    known.graffiti.push(made);
  }
  known.closed = await report(services, 'missed-bin', 'S33 0AA', { description: 'Closed long ago' });
  await setCase(db, known.closed.id, { due_on: dayFromToday(-30), status: 'closed' });
  known.resolved = await report(services, 'missed-bin', 'S33 0AA', { description: 'Resolved already' });
  await setCase(db, known.resolved.id, { due_on: dayFromToday(-29), status: 'resolved' });
});

describe('the worklist', () => {
  it('shows unfinished work of the organisation, soonest due first, 25 a page, overdue ones tagged', async () => {
    const first = await officer.client.get('/staff/cases');
    expect(first.statusCode).toBe(200);
    expect(count(first.body)).toBe(29);
    const expected = [...known.bins.map((bin) => bin.reference), ...known.graffiti.map((item) => item.reference)];
    expect(referencesIn(first.body)).toEqual(expected.slice(0, 25));
    expect(first.body.match(/govuk-tag--red">Overdue</g)).toHaveLength(5);
    // The default statuses are ticked, so the person sees what they are looking at.
    expect(first.body).toMatch(/name="status" type="checkbox" value="open" checked/);
    expect(first.body).not.toMatch(/name="status" type="checkbox" value="closed" checked/);
    expect(first.body).toContain('aria-label="Pages of cases"');

    const second = await officer.client.get('/staff/cases?page=2');
    expect(referencesIn(second.body)).toEqual(expected.slice(25));
    expect(second.body).not.toContain(known.closed.reference);

    const read = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('record_type', '=', 'case_list')
      .where('actor_id', '=', officer.staff.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(read.detail).toMatchObject({ page: 2, shown: 4 });
  });

  it('keeps the filters on the page links', async () => {
    const response = await officer.client.get('/staff/cases?applied=yes&status=open&type=missed-bin');
    expect(count(response.body)).toBe(27);
    expect(response.body).toContain('href="/staff/cases?applied=yes&amp;status=open&amp;type=missed-bin&amp;page=2"');
  });

  it('sorts by the column the person chooses, either way, keeping the filters; the headers say how', async () => {
    const unfinished = [...known.bins, ...known.graffiti].map((item) => item.reference).sort();
    const byReference = await officer.client.get('/staff/cases?sort=reference');
    expect(referencesIn(byReference.body)).toEqual(unfinished.slice(0, 25));
    expect(byReference.body).toContain('Oldest reference first.');
    expect(byReference.body).toMatch(
      /aria-sort="ascending"><a class="govuk-link" href="\/staff\/cases\?sort=reference&amp;order=descending#cases">Reference/,
    );
    expect(byReference.body).toMatch(
      /aria-sort="none"><a class="govuk-link" href="\/staff\/cases\?sort=due&amp;order=ascending#cases">Due/,
    );

    const backwards = await officer.client.get('/staff/cases?sort=reference&order=descending');
    expect(referencesIn(backwards.body)).toEqual([...unfinished].reverse().slice(0, 25));

    // Graffiti before Missed bin; within a kind, soonest due first.
    const byKind = await officer.client.get('/staff/cases?applied=yes&status=open&sort=kind&type=missed-bin');
    expect(referencesIn(byKind.body)).toEqual(known.bins.map((bin) => bin.reference).slice(0, 25));
    const kinds = await officer.client.get('/staff/cases?sort=kind');
    expect(referencesIn(kinds.body).slice(0, 2)).toEqual(known.graffiti.map((item) => item.reference));
    // The sort is kept on the page links, and the filters on the sort links.
    expect(kinds.body).toContain('href="/staff/cases?sort=kind&amp;page=2"');
    expect(byKind.body).toContain(
      'href="/staff/cases?applied=yes&amp;status=open&amp;type=missed-bin&amp;sort=kind&amp;order=descending#cases"',
    );

    // A sort no one offered is the usual order, not an error.
    const made = await officer.client.get('/staff/cases?sort=password&order=sideways');
    expect(made.statusCode).toBe(200);
    expect(referencesIn(made.body)).toEqual(referencesIn((await officer.client.get('/staff/cases')).body));
  });

  it('says how long each case has left, and flags what is overdue, due today or at risk', async () => {
    const page = await officer.client.get('/staff/cases');
    // The bins are due one a day from 5 days ago: 5 overdue, 1 due today, 2 due in the next 2 days.
    expect(page.body.match(/govuk-tag--red">Overdue</g)).toHaveLength(5);
    expect(page.body.match(/govuk-tag--orange">Due today</g)).toHaveLength(1);
    expect(page.body.match(/govuk-tag--yellow">At risk</g)).toHaveLength(2);
    expect(page.body).toContain('Overdue by 5 days');
    expect(page.body).toContain('Overdue by 1 day<');
    expect(page.body).toContain('1 day left');
    expect(page.body).toContain('3 days left');
    // On a narrow screen the table scrolls in its own region, which takes keyboard focus.
    expect(page.body).toContain(
      '<div class="shirehall-table-scroll" role="region" aria-label="Cases, soonest due first" tabindex="0">',
    );
  });

  it('saves filters under a name, for their owner alone, and removes them', async () => {
    const form = await officer.client.get('/staff/cases?applied=yes&status=open&type=missed-bin&sort=kind&page=2');
    expect(form.body).toContain(
      'href="/staff/cases/saved-filters?applied=yes&amp;status=open&amp;type=missed-bin&amp;sort=kind"',
    );
    const page = await officer.client.get(
      '/staff/cases/saved-filters?applied=yes&status=open&type=missed-bin&sort=kind',
    );
    expect(page.body).toContain('name="query" value="applied=yes&amp;status=open&amp;type=missed-bin&amp;sort=kind"');

    const empty = await officer.client.post(
      '/staff/cases/saved-filters',
      { name: ' ', query: 'type=missed-bin' },
      '/staff/cases/saved-filters',
    );
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([{ href: '#name', text: 'Enter a name for these filters' }]);

    // What is saved is the filters read again: a field the worklist does not know is not kept.
    const saved = await officer.client.post(
      '/staff/cases/saved-filters',
      {
        name: 'Open missed bins',
        query: 'applied=yes&status=open&type=missed-bin&sort=kind&next=https://evil.example',
      },
      '/staff/cases/saved-filters',
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(
      '/staff/cases?applied=yes&status=open&type=missed-bin&sort=kind&saved=Open+missed+bins',
    );
    const worklist = await officer.client.get(saved.headers.location as string);
    expect(worklist.body).toContain('These filters are saved as “Open missed bins”.');
    expect(worklist.body).toContain(
      '<a class="govuk-link" href="/staff/cases?applied=yes&amp;status=open&amp;type=missed-bin&amp;sort=kind">Open missed bins</a>',
    );

    const someoneElse = await signedInStaff(context.app, db, { organisationId: highPeak, roles: ['service_officer'] });
    expect((await someoneElse.client.get('/staff/cases')).body).not.toContain('Open missed bins');
    const row = await db
      .selectFrom('saved_worklist_filters')
      .select('id')
      .where('name', '=', 'Open missed bins')
      .executeTakeFirstOrThrow();
    // Another member of staff cannot remove it, and is told nothing.
    await someoneElse.client.post(`/staff/cases/saved-filters/${row.id}/remove`, {}, '/staff/cases');
    expect((await officer.client.get('/staff/cases')).body).toContain('Open missed bins');
    const removed = await officer.client.post(`/staff/cases/saved-filters/${row.id}/remove`, {}, '/staff/cases');
    expect(removed.statusCode).toBe(303);
    expect((await officer.client.get('/staff/cases')).body).not.toContain('Open missed bins');
  });

  it('puts Cases first in the staff navigation, for staff who work with cases, marked while on them', async () => {
    const navigation = (html: string) =>
      [
        ...html.matchAll(
          /<li class="govuk-service-navigation__item( govuk-service-navigation__item--active)?">\s*<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)/g,
        ),
      ].map((match) => `${match[3].trim()}${match[1] ? ' (here)' : ''}`);
    const html = (await officer.client.get('/staff/cases')).body;
    expect(navigation(html)).toEqual(['Cases (here)', 'People', 'Staff home', 'Services A to Z']);
    const recruiter = await signedInStaff(context.app, db, { organisationId: highPeak, roles: ['recruiter'] });
    expect(navigation((await recruiter.client.get('/staff')).body)).toEqual([
      'Recruitment',
      'Staff home (here)',
      'Services A to Z',
    ]);
  });

  it('filters by status: the ticked ones, or every status when none is ticked', async () => {
    const closed = await officer.client.get('/staff/cases?applied=yes&status=closed');
    expect(referencesIn(closed.body)).toEqual([known.closed.reference]);
    const finished = await officer.client.get('/staff/cases?applied=yes&status=closed&status=resolved');
    expect(referencesIn(finished.body)).toEqual([known.closed.reference, known.resolved.reference]);
    const every = await officer.client.get('/staff/cases?applied=yes');
    expect(count(every.body)).toBe(31);
  });

  it('filters by kind of request, team and assignee', async () => {
    const graffiti = await officer.client.get('/staff/cases?applied=yes&type=graffiti');
    expect(referencesIn(graffiti.body)).toEqual(known.graffiti.map((item) => item.reference));

    const streetScene = await db
      .selectFrom('teams')
      .select('id')
      .where('organisation_id', '=', highPeak)
      .where('name', '=', 'Street scene')
      .executeTakeFirstOrThrow();
    const byTeam = await officer.client.get(`/staff/cases?applied=yes&team=${streetScene.id}`);
    expect(referencesIn(byTeam.body)).toEqual(known.graffiti.map((item) => item.reference));

    const mine = await officer.client.get('/staff/cases?applied=yes&assignee=me');
    expect(referencesIn(mine.body)).toEqual(known.graffiti.map((item) => item.reference));
    const nobody = await officer.client.get('/staff/cases?applied=yes&status=open&assignee=unassigned');
    expect(count(nobody.body)).toBe(27);
  });

  it('shows overdue work only, never what is finished', async () => {
    const overdue = await officer.client.get('/staff/cases?applied=yes&overdue=yes');
    expect(referencesIn(overdue.body)).toEqual(known.bins.slice(0, 5).map((bin) => bin.reference));
  });

  it('searches by reference, postcode (however it is typed) and words of the description', async () => {
    const target = known.bins[7];
    expect(
      referencesIn((await officer.client.get(`/staff/cases?applied=yes&q=${target.reference.toLowerCase()}`)).body),
    ).toEqual([target.reference]);
    const byPostcode = await officer.client.get('/staff/cases?applied=yes&q=sk130hg');
    expect(count(byPostcode.body)).toBe(13 + 2);
    expect(referencesIn((await officer.client.get('/staff/cases?applied=yes&q=chapel')).body)).toEqual([
      known.graffiti[1].reference,
    ]);
    const none = await officer.client.get('/staff/cases?applied=yes&q=nothing+like+this');
    expect(none.body).toContain('No cases match these filters.');
  });

  it('offers to download one case as "this case", and many as "these N cases"', async () => {
    const one = await officer.client.get(`/staff/cases?applied=yes&q=${known.bins[7].reference}`);
    expect(one.body).toContain('Download this case as a CSV file');
    expect(one.body).not.toContain('Download these 1');
    const many = await officer.client.get('/staff/cases?applied=yes&q=sk130hg');
    expect(many.body).toContain('Download these 15 cases as a CSV file');
  });

  it('says what is wrong with filters made by hand, with a 400', async () => {
    const badStatus = await officer.client.get('/staff/cases?applied=yes&status=lost');
    expect(badStatus.statusCode).toBe(400);
    expect(errorSummary(badStatus.body)).toEqual([{ href: '#status', text: 'Select statuses from the list' }]);
    const dales = await organisationId(db, gss.dales);
    const otherTeam = await db
      .selectFrom('teams')
      .select('id')
      .where('organisation_id', '=', dales)
      .limit(1)
      .executeTakeFirstOrThrow();
    const badTeam = await officer.client.get(`/staff/cases?applied=yes&team=${otherTeam.id}`);
    expect(badTeam.statusCode).toBe(400);
    expect(errorSummary(badTeam.body)).toEqual([{ href: '#team', text: 'Select a team from the list' }]);
    const longSearch = await officer.client.get(`/staff/cases?q=${'x'.repeat(101)}`);
    expect(errorSummary(longSearch.body)).toEqual([{ href: '#q', text: 'Search must be 100 characters or fewer' }]);
  });

  it('never lists another organisation’s cases, and lists those it recorded for others on their own', async () => {
    const elsewhere = await report(services, 'missed-bin', 'DE4 3AG');
    const agent = await staffActor(db, highPeak, ['contact_centre_agent']);
    const recorded = await services.cases.submit(agent, {
      serviceCode: 'pothole',
      place: await services.place('SK13 0HG'),
      locationDescription: 'By the chapel',
      description: 'Deep hole',
      answers: { where_on_road: 'carriageway' },
      channel: 'phone',
      contact: { name: null, email: null, phone: '01629 580001' },
      citizenId: null,
    });
    if (recorded.outcome !== 'created') throw new Error(recorded.outcome);

    const ours = await officer.client.get('/staff/cases?applied=yes');
    expect(referencesIn(ours.body)).not.toContain(elsewhere.reference);
    expect(ours.body).not.toContain(recorded.reference);
    const forOthers = await officer.client.get('/staff/cases?applied=yes&whose=recorded');
    expect(referencesIn(forOthers.body)).toEqual([recorded.reference]);
    expect(forOthers.body).toContain('Derbyshire County Council');
  });

  it('shows a partner agency’s adviser the cases it recorded, by default', async () => {
    const agency = await partnerAgency(db, 'worklist-agency');
    const adviser = await staffActor(db, agency, ['partner_adviser']);
    const made = await services.cases.submit(adviser, {
      serviceCode: 'missed-bin',
      place: await services.place('DE7 4DF'),
      locationDescription: 'Flat 2',
      description: 'Client’s bin missed',
      answers: { bin_type: 'general' },
      channel: 'partner_agency',
      contact: { name: 'Client', email: null, phone: null },
      citizenId: null,
      consent: { givenBy: 'Client', givenOn: dayFromToday(-1), purpose: 'Report the bin' },
    });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const signedIn = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    const list = await signedIn.client.get('/staff/cases');
    expect(referencesIn(list.body)).toEqual([made.reference]);
    expect(list.body).toMatch(/name="whose" type="radio" value="recorded" checked/);
  });
});

describe('finding a case by its reference', () => {
  it('opens one the agent may see, wherever it is, and says nothing of one they may not', async () => {
    const dales = await organisationId(db, gss.dales);
    const agent = await signedInStaff(context.app, db, { organisationId: highPeak, roles: ['contact_centre_agent'] });
    const own = known.bins[0];
    const found = await agent.client.get(`/staff/cases/find?reference=${own.reference.toLowerCase()}`);
    expect(found.statusCode).toBe(303);
    expect(found.headers.location).toBe(`/staff/cases/${own.id}`);

    const other = await report(services, 'graffiti', 'DE4 3AG');
    const hidden = await agent.client.get(`/staff/cases/find?reference=${other.reference}`);
    expect(hidden.statusCode).toBe(404);
    expect(errorSummary(hidden.body)).toEqual([
      {
        href: '#reference',
        text: `No case you may see has the reference ${other.reference}. Check the reference and try again`,
      },
    ]);
    const missing = await agent.client.get('/staff/cases/find?reference=DBY-1999-000001');
    expect(errorSummary(missing.body)).toEqual([
      {
        href: '#reference',
        text: 'No case you may see has the reference DBY-1999-000001. Check the reference and try again',
      },
    ]);

    // Under an agreement, the reference alone is not enough: the caller verifies it with the postcode on it.
    await casesAgreement(db, [dales, highPeak]);
    const shared = await agent.client.get(`/staff/cases/find?reference=${other.reference}`);
    expect(shared.statusCode).toBe(404);
    const verified = await agent.client.post(
      '/staff/cases/find',
      { reference: other.reference, verification: 'DE4 3AG' },
      '/staff/cases/find',
    );
    expect(verified.statusCode).toBe(303);
    expect((await agent.client.get(verified.headers.location!)).statusCode).toBe(200);
    await db.deleteFrom('agreement_parties').where('organisation_id', 'in', [dales, highPeak]).execute();

    const empty = await agent.client.get('/staff/cases/find?reference=');
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([{ href: '#reference', text: 'Enter a case reference' }]);
  });
});

describe('the CSV export', () => {
  it('exports every case the filters select, with a header, safe cells, and an audit entry', async () => {
    const risky = await report(services, 'graffiti', 'S33 0AA', {
      description: '=HYPERLINK("http://evil.example","click")',
    });
    await setCase(db, risky.id, { due_on: dayFromToday(60) });
    const response = await officer.client.get('/staff/cases.csv?applied=yes&type=graffiti');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse(response.body) as string[][];
    expect(rows[0]).toEqual([
      'Reference',
      'Kind of request',
      'Organisation',
      'Team',
      'Assigned to',
      'Status',
      'Closed because',
      'Channel',
      'Received (UTC)',
      'Due',
      'Overdue',
      'Postcode',
      'Location',
      'Latitude',
      'Longitude',
      'Description',
    ]);
    expect(rows.slice(1).map((row) => row[0])).toEqual([
      ...known.graffiti.map((item) => item.reference),
      risky.reference,
    ]);
    const [
      reference,
      kind,
      organisation,
      team,
      assignee,
      status,
      closedBecause,
      channel,
      received,
      due,
      overdue,
      postcode,
      location,
    ] = rows[1];
    expect({
      reference,
      kind,
      organisation,
      team,
      assignee,
      status,
      closedBecause,
      channel,
      due,
      overdue,
      postcode,
      location,
    }).toEqual({
      reference: known.graffiti[0].reference,
      kind: 'Graffiti',
      organisation: 'High Peak Borough Council',
      team: 'Street scene',
      assignee: 'Test Staff ' + /Test Staff (\d+)/.exec(assignee)?.[1],
      status: 'Open',
      closedBecause: '',
      channel: 'Online',
      due: dayFromToday(40),
      overdue: 'No',
      postcode: 'SK13 0HG',
      location: 'Outside number 12',
    });
    expect(received).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(rows.at(-1)?.at(-1)).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(
      rows[1].some((cell) => /ada@example\.com|01629 580000|Ada Resident/.test(cell)),
      'no contact details',
    ).toBe(false);

    const entry = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('record_type', '=', 'case_list')
      .where('action', '=', 'export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ filters: { serviceCode: 'graffiti' } });
  });

  it('exports all pages, not just the first, and refuses bad filters as the worklist does', async () => {
    const rows = parse((await officer.client.get('/staff/cases.csv?applied=yes&type=missed-bin')).body) as string[][];
    expect(rows).toHaveLength(1 + 29);
    expect(rows.filter((row) => row[10] === 'Yes')).toHaveLength(5);
    expect((await officer.client.get('/staff/cases.csv?applied=yes&status=lost')).statusCode).toBe(400);
  });

  it('is refused to staff who do not work with cases', async () => {
    const analyst = await signedInStaff(context.app, db, { organisationId: highPeak, roles: ['analyst'] });
    expect((await analyst.client.get('/staff/cases.csv')).statusCode).toBe(403);
  });
});

describe('the manager view', () => {
  it('counts open and overdue work per team and kind against known data, and links into the worklist', async () => {
    const bolsover = await organisationId(db, 'E07000033');
    const made = async (kind: string, due: number, status?: 'resolved' | 'closed') => {
      const item = await report(services, kind, 'DE55 2AA');
      await setCase(db, item.id, { due_on: dayFromToday(due), ...(status ? { status } : {}) });
      return item;
    };
    const oldest = await made('missed-bin', -9);
    const older = await made('graffiti', -4);
    const old = await made('missed-bin', -2);
    await made('missed-bin', 3);
    await made('graffiti', 6);
    await made('graffiti', -20, 'resolved');
    await made('missed-bin', -20, 'closed');

    const manager = await signedInStaff(context.app, db, { organisationId: bolsover, roles: ['service_manager'] });
    const response = await manager.client.get('/staff/cases/overview');
    expect(response.statusCode).toBe(200);
    const html = response.body;
    const cells = (tableId: string) => {
      const table = new RegExp(`<table class="govuk-table" id="${tableId}">[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
      return [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].slice(1).map((row) =>
        [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
          cell[1]
            .replace(/<span class="govuk-visually-hidden">[^<]*<\/span>/g, '')
            .replace(/<[^>]+>/g, '')
            .trim(),
        ),
      );
    };
    expect(cells('by-team')).toEqual([
      ['Street scene', '2', '1'],
      ['Waste and recycling', '3', '2'],
    ]);
    expect(cells('by-type')).toEqual([
      ['Graffiti', '2', '1'],
      ['Missed bin collection', '3', '2'],
    ]);
    expect(cells('oldest-overdue').map((row) => row[0])).toEqual([oldest.reference, older.reference, old.reference]);
    expect(html).toMatch(/id="total-open"><a class="govuk-link" href="[^"]+">5</);
    expect(html).toMatch(/id="total-overdue"><a class="govuk-link" href="[^"]+">3</);

    const waste = await db
      .selectFrom('teams')
      .select('id')
      .where('organisation_id', '=', bolsover)
      .where('name', '=', 'Waste and recycling')
      .executeTakeFirstOrThrow();
    const link = `/staff/cases?applied=yes&amp;status=open&amp;status=acknowledged&amp;status=in_progress&amp;team=${waste.id}&amp;overdue=yes`;
    expect(html).toContain(`href="${link}"`);
    const followed = await manager.client.get(link.replace(/&amp;/g, '&'));
    expect(referencesIn(followed.body)).toEqual([oldest.reference, old.reference]);
  });

  it('gives the share of cases finished on time in the last 28 days, per team and kind, against the 28 before', async () => {
    const southDerbyshire = await organisationId(db, 'E07000039');
    const finished = async (
      kind: string,
      daysAgo: number,
      onTime: boolean,
      status: 'resolved' | 'closed' = 'resolved',
    ) => {
      const item = await report(services, kind, 'DE11 0AA');
      const at = new Date(Date.now() - daysAgo * 86_400_000);
      await db
        .updateTable('cases')
        .set({
          status,
          closure_reason: status === 'closed' ? 'no_further_action' : null,
          resolved_at: status === 'resolved' ? at : null,
          closed_at: status === 'closed' ? at : null,
          due_on: dayFromToday(onTime ? 1 - daysAgo : -daysAgo - 1),
        })
        .where('id', '=', item.id)
        .execute();
    };
    // Recent: bins 3 of 4 on time, graffiti 1 of 2. Before: bins 1 of 2, graffiti 2 of 2.
    await finished('missed-bin', 2, true);
    await finished('missed-bin', 5, true);
    await finished('missed-bin', 10, true, 'closed');
    await finished('missed-bin', 20, false);
    await finished('graffiti', 3, true);
    await finished('graffiti', 4, false);
    await finished('missed-bin', 35, true);
    await finished('missed-bin', 40, false);
    await finished('graffiti', 30, true);
    await finished('graffiti', 50, true);
    // Long ago: counted in neither.
    await finished('graffiti', 80, false);

    const manager = await signedInStaff(context.app, db, {
      organisationId: southDerbyshire,
      roles: ['service_manager'],
    });
    const html = (await manager.client.get('/staff/cases/overview')).body;
    const rows = (tableId: string) => {
      const table = new RegExp(`<table class="govuk-table" id="${tableId}">[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
      return [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
        .slice(1)
        .map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1].trim()));
    };
    expect(rows('targets-by-type')).toEqual([
      ['Graffiti', '2', '50%', 'Down from 100%'],
      ['Missed bin collection', '4', '75%', 'Up from 50%'],
    ]);
    expect(rows('targets-by-team')).toEqual([
      ['Street scene', '2', '50%', 'Down from 100%'],
      ['Waste and recycling', '4', '75%', 'Up from 50%'],
    ]);
    // 4 of 6 recently, against 3 of 4 before.
    expect(html).toMatch(/id="targets-overall">67%<\/span> on time, of 6 finished: down from 75%/);
  });

  it('is for service managers and organisation administrators; analysts get the figures and no case', async () => {
    const bolsover = await organisationId(db, 'E07000033');
    for (const [role, status] of [
      ['organisation_admin', 200],
      ['service_officer', 403],
      ['contact_centre_agent', 403],
      ['analyst', 200],
    ] as const) {
      const member = await signedInStaff(context.app, db, { organisationId: bolsover, roles: [role] });
      expect((await member.client.get('/staff/cases/overview')).statusCode, role).toBe(status);
    }
    const analyst = await signedInStaff(context.app, db, { organisationId: bolsover, roles: ['analyst'] });
    const figures = (await analyst.client.get('/staff/cases/overview')).body;
    expect(figures).toMatch(/id="total-open">\d+</);
    expect(figures).not.toContain('href="/staff/cases');
    expect(figures).not.toContain('Longest overdue');
    expect((await analyst.client.get('/staff')).body).toContain('Open work and targets met');
  });
});

describe('a large organisation', () => {
  it('counts no further than 1,000 cases, shows the first 40 pages of them, and exports every one in order', async () => {
    const erewash = await organisationId(db, 'E07000036');
    const first = await report(services, 'missed-bin', 'DE7 5RP', { description: 'The first of many' });
    // 1,099 copies of it, due over the next 60 days, made in one statement.
    await sql`
      insert into cases (reference, request_type_id, organisation_id, status, channel, description, latitude, longitude, postcode, is_public, due_on)
      select 'BULK-' || n, request_type_id, organisation_id, status, channel, 'Copy ' || n, latitude, longitude, postcode, is_public, current_date + (n % 60)
      from cases, generate_series(1, 1099) as n where cases.id = ${first.id}`.execute(db);
    const clerk = await signedInStaff(context.app, db, { organisationId: erewash, roles: ['service_officer'] });

    const list = await clerk.client.get('/staff/cases');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<h2 class="govuk-heading-m" id="cases">More than 1,000 cases</h2>');
    expect(list.body).toContain('href="/staff/cases?page=40"');
    expect(list.body).not.toContain('href="/staff/cases?page=41"');
    const beyond = await clerk.client.get('/staff/cases?page=41');
    expect(beyond.statusCode).toBe(200);
    expect(referencesIn(beyond.body)).toEqual([]);

    const rows = parse((await clerk.client.get('/staff/cases.csv')).body) as string[][];
    const made = rows.slice(1).filter((row) => row[0] === first.reference || row[0]!.startsWith('BULK-'));
    expect(new Set(made.map((row) => row[0])).size).toBe(1100);
    const dues = rows.slice(1).map((row) => row[9]!);
    expect(dues).toEqual([...dues].sort());
  });
});
