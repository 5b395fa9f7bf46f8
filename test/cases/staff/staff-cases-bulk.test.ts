import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';
import { organisationId, report, servicesFor, setCase, type CasesServices } from './staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let bolsover: number;
let officer: { client: TestClient; staff: { id: number } };
let colleague: { client: TestClient; staff: { id: number } };
let agent: TestClient;
const cases: { id: number; reference: string }[] = [];

const stateOf = (id: number) =>
  db
    .selectFrom('cases')
    .select(['status', 'closure_reason', 'assignee_staff_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  bolsover = await organisationId(db, 'E07000033');
  officer = await signedInStaff(context.app, db, { organisationId: bolsover, roles: ['service_officer'] });
  colleague = await signedInStaff(context.app, db, { organisationId: bolsover, roles: ['service_officer'] });
  agent = (await signedInStaff(context.app, db, { organisationId: bolsover, roles: ['contact_centre_agent'] })).client;
  for (const description of ['First', 'Second', 'Third', 'Fourth'])
    cases.push(await report(services, 'missed-bin', 'S44 6JJ', { description: `${description} missed bin` }));
});

describe('changing many cases at once', () => {
  it('offers officers a tick-box per case and the changes, on the worklist', async () => {
    const page = await officer.client.get('/staff/cases');
    expect(page.body).toContain(`name="case" type="checkbox" value="${cases[0].id}"`);
    expect(page.body).toContain('Change the selected cases');
    expect(page.body).toContain(`<option value="${colleague.staff.id}">`);
    // An agent answers callers; they do not work the organisation's cases.
    expect((await agent.get('/staff/cases')).body).not.toContain('Change the selected cases');
  });

  it('assigns the ticked cases, each audited and on its timeline as if done on its page', async () => {
    const result = await officer.client.post(
      '/staff/cases/bulk',
      {
        case: [String(cases[0].id), String(cases[1].id)],
        action: 'assign',
        assignee: String(colleague.staff.id),
        back: 'sort=kind',
      },
      '/staff/cases',
    );
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('2 cases changed');
    expect(result.body).toContain('href="/staff/cases?sort=kind"');
    for (const item of cases.slice(0, 2)) expect((await stateOf(item.id)).assignee_staff_id).toBe(colleague.staff.id);
    expect((await stateOf(cases[2].id)).assignee_staff_id).toBeNull();
    const events = await db
      .selectFrom('case_events')
      .select('case_id')
      .where('kind', '=', 'assigned')
      .where('case_id', 'in', [cases[0].id, cases[1].id])
      .execute();
    expect(events).toHaveLength(2);
    const audited = await db
      .selectFrom('audit_log')
      .select('record_id')
      .where('record_type', '=', 'case')
      .where('actor_id', '=', officer.staff.id)
      .execute();
    expect(audited.map((entry) => entry.record_id)).toEqual(
      expect.arrayContaining([String(cases[0].id), String(cases[1].id)]),
    );
  });

  it('closes them with a reason, telling each resident; one that cannot move is reported and the rest still are', async () => {
    await setCase(db, cases[3].id, { status: 'closed' });
    const result = await officer.client.post(
      '/staff/cases/bulk',
      {
        case: [String(cases[2].id), String(cases[3].id)],
        action: 'status',
        status: 'closed',
        closureReason: 'not_our_responsibility',
        message: 'This is for the county council.',
      },
      '/staff/cases',
    );
    expect(result.body).toContain('1 case changed');
    expect(result.body).toContain('1 could not be changed');
    expect(result.body).toContain(`${cases[3].reference}</a>: A case that is closed cannot become closed`);
    expect(await stateOf(cases[2].id)).toMatchObject({ status: 'closed', closure_reason: 'not_our_responsibility' });
    const timeline = await db
      .selectFrom('case_events')
      .select('body')
      .where('case_id', '=', cases[2].id)
      .where('kind', '=', 'status_changed')
      .executeTakeFirstOrThrow();
    expect(timeline.body).toBe('This is for the county council.');
    const told = await db
      .selectFrom('email_outbox')
      .select('body_text')
      .where('to_address', '=', 'ada@example.com')
      .where('body_text', 'like', `%This is for the county council.%`)
      .execute();
    expect(told).toHaveLength(1);
  });

  it('says what is missing and changes nothing', async () => {
    const before = await stateOf(cases[0].id);
    const noReason = await officer.client.post(
      '/staff/cases/bulk',
      { case: String(cases[0].id), action: 'status', status: 'closed' },
      '/staff/cases',
    );
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Select why the cases are closed');
    expect(noReason.body).toContain('Nothing was changed');
    const nothingTicked = await officer.client.post(
      '/staff/cases/bulk',
      { action: 'assign', assignee: 'nobody' },
      '/staff/cases',
    );
    expect(nothingTicked.body).toContain('Select the cases to change');
    expect(await stateOf(cases[0].id)).toEqual(before);
  });

  it('refuses staff who may not change cases, and another body’s cases one by one', async () => {
    expect(
      (
        await agent.post(
          '/staff/cases/bulk',
          { case: String(cases[0].id), action: 'assign', assignee: 'nobody' },
          '/staff/cases',
        )
      ).statusCode,
    ).toBe(403);
    const elsewhere = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, 'E07000032'),
      roles: ['service_officer'],
    });
    const result = await elsewhere.client.post(
      '/staff/cases/bulk',
      { case: String(cases[0].id), action: 'assign', assignee: 'nobody' },
      '/staff/cases',
    );
    expect(result.body).toContain('You may not change this case');
    expect((await stateOf(cases[0].id)).assignee_staff_id).toBe(colleague.staff.id);
  });
});
