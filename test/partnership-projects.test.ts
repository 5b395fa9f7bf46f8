import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import type { TestClient } from './support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let manager: TestClient;
let officer: TestClient;
let county: number;
let amberValley: number;
let nottinghamshire: number;
let derbyshire: number;

const count = async (table: 'partnership_projects' | 'project_lessons') =>
  Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const auditOf = (recordType: string, recordId: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('record_type', '=', recordType)
    .where('record_id', '=', String(recordId))
    .orderBy('id')
    .execute();

const validProject = () => ({
  name: 'Combined CRM',
  summary: 'One customer relationship system for the county and districts.',
  status: 'active',
  'startsOn-day': '1',
  'startsOn-month': '4',
  'startsOn-year': '2025',
  'endsOn-day': '31',
  'endsOn-month': '3',
  'endsOn-year': '2027',
  members: [String(county), String(amberValley)],
  expectedCashable: '£1,250.50',
  expectedNonCashable: '90,000',
  expectedOther: 'Fewer avoidable contacts',
  realisedCashable: '',
  realisedNonCashable: '',
  realisedOther: '',
});

async function createProject(form: Record<string, string | string[]> = validProject()) {
  const response = await manager.post(`/staff/partnerships/${derbyshire}/projects/new`, form);
  expect(response.statusCode).toBe(303);
  return Number(/projects\/(\d+)/.exec(String(response.headers.location))?.[1]);
}

beforeAll(async () => {
  db = context.database.db;
  [county, amberValley, nottinghamshire] = await Promise.all(
    ['E10000007', 'E07000032', 'E10000024'].map((gss) => organisationId(db, gss)),
  );
  derbyshire = (
    await db.selectFrom('partnerships').select('id').where('slug', '=', 'derbyshire').executeTakeFirstOrThrow()
  ).id;
  ({ client: manager } = await signedInStaff(context.app, db, {
    organisationId: amberValley,
    roles: ['service_manager'],
  }));
  ({ client: officer } = await signedInStaff(context.app, db, { organisationId: county, roles: ['service_officer'] }));
});

describe('recording a project', () => {
  it('saves its details, members, dates and benefits in pence, with an audit entry', async () => {
    const id = await createProject();
    const project = await db
      .selectFrom('partnership_projects')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(project).toMatchObject({
      partnership_id: derbyshire,
      name: 'Combined CRM',
      status: 'active',
      starts_on: '2025-04-01',
      ends_on: '2027-03-31',
      expected_cashable_pence: 125050,
      expected_non_cashable_pence: 9_000_000,
      expected_other: 'Fewer avoidable contacts',
      realised_cashable_pence: 0,
    });
    const members = await db
      .selectFrom('project_members')
      .select('organisation_id')
      .where('project_id', '=', id)
      .orderBy('organisation_id')
      .execute();
    expect(members.map((member) => member.organisation_id)).toEqual([county, amberValley].sort((a, b) => a - b));
    expect((await auditOf('partnership-project', id)).map((entry) => entry.action)).toEqual(['create']);
  });

  it('shows the project with formatted pounds and dates, to any member of staff', async () => {
    const id = await createProject();
    const page = await officer.get(`/staff/projects/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('£1,250.50');
    expect(page.body).toContain('£90,000');
    expect(page.body).toContain('1 April 2025');
    expect(page.body).toContain('31 March 2027');
    expect(page.body).toContain('Amber Valley Borough Council, Derbyshire County Council');
    expect(page.body).toContain('Fewer avoidable contacts');
    // An officer may read but not record.
    expect(page.body).not.toContain(`href="/staff/projects/${id}/edit"`);
    expect((await manager.get(`/staff/projects/${id}`)).body).toContain(`href="/staff/projects/${id}/edit"`);
  });

  it('lists the project on its partnership’s page', async () => {
    const id = await createProject({ ...validProject(), name: 'Derbyshire Maps' });
    const page = await officer.get(`/staff/partnerships/${derbyshire}`);
    expect(page.body).toContain(`<a class="govuk-link" href="/staff/projects/${id}">Derbyshire Maps</a>`);
  });

  it('refuses an end date before the start date, keeping what was typed and saving nothing', async () => {
    const before = await count('partnership_projects');
    const response = await manager.post(`/staff/partnerships/${derbyshire}/projects/new`, {
      ...validProject(),
      'endsOn-day': '31',
      'endsOn-month': '3',
      'endsOn-year': '2025',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('End date must be the same as or after the start date');
    expect(response.body).toContain('href="#endsOn-day"');
    expect(response.body).toMatch(/id="endsOn-day" name="endsOn-day" type="text" value="31"/);
    expect(response.body).toContain('value="£1,250.50"');
    expect(await count('partnership_projects')).toBe(before);
  });

  it('shows every problem at once beside its field', async () => {
    const before = await count('partnership_projects');
    const response = await manager.post(`/staff/partnerships/${derbyshire}/projects/new`, {
      ...validProject(),
      name: '',
      status: '',
      'startsOn-day': '31',
      'startsOn-month': '2',
      'endsOn-month': '',
      expectedCashable: '£12,50',
      realisedNonCashable: 'lots',
    });
    expect(response.statusCode).toBe(400);
    for (const message of [
      'Enter the project’s name',
      'Select the project’s status',
      'Start date must be a real date',
      'End date must include a month',
      'Cashable benefit expected must be an amount of money, like £1,250.50',
      'Non-cashable benefit realised must be an amount of money, like £1,250.50',
    ]) {
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('href="#startsOn-day"');
    expect(response.body).toContain('value="lots"');
    expect(await count('partnership_projects')).toBe(before);
  });

  it('refuses organisations that are not members of the partnership', async () => {
    const before = await count('partnership_projects');
    const response = await manager.post(`/staff/partnerships/${derbyshire}/projects/new`, {
      ...validProject(),
      members: [String(county), String(nottinghamshire)],
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select organisations from the partnership’s members');
    expect(await count('partnership_projects')).toBe(before);
  });

  it('is refused to staff of an organisation outside the partnership, even with the role', async () => {
    const { client: outsider } = await signedInStaff(context.app, db, {
      organisationId: nottinghamshire,
      roles: ['service_manager'],
    });
    expect((await outsider.get(`/staff/partnerships/${derbyshire}/projects/new`)).statusCode).toBe(403);
    const id = await createProject();
    expect((await outsider.get(`/staff/projects/${id}/edit`)).statusCode).toBe(403);
    expect((await outsider.get(`/staff/projects/${id}/lessons/new`)).statusCode).toBe(403);
  });
});

describe('changing a project', () => {
  it('fills the form from the saved project and saves the change', async () => {
    const id = await createProject();
    const form = await manager.get(`/staff/projects/${id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="1250.50"');
    expect(form.body).toMatch(/name="startsOn-month" type="text" value="4"/);
    const response = await manager.post(`/staff/projects/${id}/edit`, {
      ...validProject(),
      status: 'completed',
      members: [String(amberValley)],
      realisedCashable: '2,000',
      realisedOther: 'Calls answered first time rose',
    });
    expect(response.statusCode).toBe(303);
    const project = await db
      .selectFrom('partnership_projects')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(project).toMatchObject({
      status: 'completed',
      realised_cashable_pence: 200_000,
      realised_other: 'Calls answered first time rose',
    });
    const members = await db
      .selectFrom('project_members')
      .select('organisation_id')
      .where('project_id', '=', id)
      .execute();
    expect(members.map((member) => member.organisation_id)).toEqual([amberValley]);
    expect((await auditOf('partnership-project', id)).map((entry) => entry.action)).toEqual(['create', 'update']);
  });

  it('leaves the project as it was when the form has errors', async () => {
    const id = await createProject();
    const response = await manager.post(`/staff/projects/${id}/edit`, {
      ...validProject(),
      name: 'Renamed',
      'startsOn-year': '20x5',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Start date must be a real date');
    expect(
      (await db.selectFrom('partnership_projects').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name,
    ).toBe('Combined CRM');
    expect((await auditOf('partnership-project', id)).map((entry) => entry.action)).toEqual(['create']);
  });
});

describe('lessons learned', () => {
  it('records what worked and what did not, with who and when, and lists them across projects', async () => {
    const id = await createProject({ ...validProject(), name: 'e-Recruitment' });
    const worked = await manager.post(`/staff/projects/${id}/lessons/new`, {
      outcome: 'worked',
      lesson: 'Applying online 24/7 saved paper application packs.',
    });
    expect(worked.statusCode).toBe(303);
    expect(worked.headers.location).toBe(`/staff/projects/${id}?lessonAdded`);
    await manager.post(`/staff/projects/${id}/lessons/new`, {
      outcome: 'did_not_work',
      lesson: 'A big-bang launch across all partners at once overwhelmed support.',
    });

    const lessons = await db
      .selectFrom('project_lessons')
      .selectAll()
      .where('project_id', '=', id)
      .orderBy('id')
      .execute();
    expect(lessons.map((lesson) => lesson.outcome)).toEqual(['worked', 'did_not_work']);
    expect(lessons[0].recorded_by_staff_id).not.toBeNull();
    expect((await auditOf('project-lesson', lessons[0].id)).map((entry) => entry.action)).toEqual(['create']);

    const page = await officer.get(`/staff/projects/${id}`);
    expect(page.body).toContain('Applying online 24/7 saved paper application packs.');
    expect(page.body).toMatch(/Recorded by Test Staff \d+ \(Amber Valley Borough Council\) on \d{1,2} \w+ \d{4} at/);

    const all = await officer.get('/staff/lessons');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Applying online 24/7');
    expect(all.body).toContain('A big-bang launch');
    const didNotWork = await officer.get('/staff/lessons?outcome=did_not_work');
    expect(didNotWork.body).toContain('A big-bang launch');
    expect(didNotWork.body).not.toContain('Applying online 24/7');
    expect(didNotWork.body).toContain('value="did_not_work" checked');
    const worked2 = await officer.get('/staff/lessons?outcome=worked');
    expect(worked2.body).toContain('Applying online 24/7');
    expect(worked2.body).not.toContain('A big-bang launch');
    // An outcome that is not one shows everything rather than failing.
    expect((await officer.get('/staff/lessons?outcome=maybe')).body).toContain('A big-bang launch');
  });

  it('shows errors beside the fields and saves nothing', async () => {
    const id = await createProject();
    const before = await count('project_lessons');
    const response = await manager.post(`/staff/projects/${id}/lessons/new`, { lesson: '  ' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#outcome"');
    expect(response.body).toContain('Select whether this worked or did not work');
    expect(response.body).toContain('href="#lesson"');
    expect(response.body).toContain('Enter the lesson learned');
    expect(await count('project_lessons')).toBe(before);
  });

  it('is refused to staff without the role', async () => {
    const id = await createProject();
    const before = await count('project_lessons');
    const token = /name="_csrf" value="([^"]+)"/.exec((await officer.get(`/staff/projects/${id}`)).body)?.[1];
    const response = await officer.postWithToken(
      `/staff/projects/${id}/lessons/new`,
      { outcome: 'worked', lesson: 'Not mine to record' },
      token,
    );
    expect(response.statusCode).toBe(403);
    expect(await count('project_lessons')).toBe(before);
  });

  it('answers 404 for a project that does not exist', async () => {
    expect((await officer.get('/staff/projects/999999')).statusCode).toBe(404);
  });
});
