import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { recruitmentPaths as paths } from '../../src/modules/recruitment/paths.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import type { TestClient } from '../support/http.js';
import { latestEmailTo } from '../support/outbox.js';
import { createApplication, createVacancy } from '../support/recruitment.js';
import { addToPanel, county, dales, referees, textOf } from './pipeline-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let employer: number;
let recruiter: TestClient;
let panelMember: TestClient;
let panelMemberId: number;
let otherServiceManager: TestClient;
let analyst: TestClient;
let countyRecruiter: TestClient;

beforeAll(async () => {
  db = context.database.db;
  employer = await organisationId(db, dales);
  recruiter = (await signedInStaff(context.app, db, { organisationId: employer, roles: ['recruiter'] })).client;
  const member = await signedInStaff(context.app, db, { organisationId: employer, roles: ['service_manager'] });
  panelMember = member.client;
  panelMemberId = member.staff.id;
  otherServiceManager = (await signedInStaff(context.app, db, { organisationId: employer, roles: ['service_manager'] }))
    .client;
  analyst = (await signedInStaff(context.app, db, { organisationId: employer, roles: ['analyst'] })).client;
  countyRecruiter = (
    await signedInStaff(context.app, db, { organisationId: await organisationId(db, county), roles: ['recruiter'] })
  ).client;
});

async function vacancyWithApplications(options: { anonymised?: boolean } = {}) {
  const vacancy = await createVacancy(db, {
    organisationId: employer,
    anonymised_shortlisting: options.anonymised ?? true,
  });
  await addToPanel(db, vacancy.id, panelMemberId);
  const ada = await createApplication(db, {
    vacancyId: vacancy.id,
    personal: { first_name: 'Ada', last_name: 'Zebedee', email: 'ada.zebedee@test.example', phone: '07700 900123' },
    referees: referees('rita@test.example'),
    qualifications: JSON.stringify([
      { subject: 'Mathematics', level: 'A level', grade: 'A', awarded: '1994', institution: 'Matlock College' },
    ]),
    adjustments: 'A ground-floor room, please',
    supporting_statement: 'I love answering the public.',
  });
  const bert = await createApplication(db, {
    vacancyId: vacancy.id,
    personal: { first_name: 'Bert', last_name: 'Quimby' },
    guaranteed_interview: ['armed_forces'],
  });
  const draft = await createApplication(db, {
    vacancyId: vacancy.id,
    status: 'draft',
    personal: { first_name: 'Dora', last_name: 'Draftly' },
  });
  return { vacancy, ada, bert, draft };
}

describe('a vacancy’s applications', () => {
  it('lists submitted applications anonymised, with counts per stage, never drafts nor adjustments to the panel', async () => {
    const { vacancy, ada, bert } = await vacancyWithApplications();
    const page = await recruiter.get(paths.staff.applications({ id: vacancy.id }));
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(`Applicant A-${ada.id}`);
    expect(text).toContain(`Applicant A-${bert.id}`);
    expect(text).toMatch(/Submitted: 2/);
    for (const hidden of ['Zebedee', 'Quimby', 'Draftly', 'ada.zebedee@test.example', '07700 900123'])
      expect(text).not.toContain(hidden);

    const application = await recruiter.get(paths.staff.application({ id: ada.id }));
    expect(application.statusCode).toBe(200);
    const shown = textOf(application.body);
    expect(shown).toContain('Mathematics');
    expect(shown).toContain('I love answering the public.');
    expect(shown).toContain('A ground-floor room, please');
    for (const hidden of ['Zebedee', 'rita@test.example', 'Rita Referee', '1994', '2018-04', 'DE4 3AG'])
      expect(shown).not.toContain(hidden);

    const asPanel = await panelMember.get(paths.staff.application({ id: ada.id }));
    expect(asPanel.statusCode).toBe(200);
    expect(textOf(asPanel.body)).not.toContain('A ground-floor room, please');
    expect(textOf(asPanel.body)).toContain('Mathematics');
  });

  it('names applicants once shortlisted, on the page and in the CSV, and audits the export', async () => {
    const { vacancy, ada, bert } = await vacancyWithApplications();
    const before = await recruiter.get(paths.staff.applicationsCsv({ id: vacancy.id }));
    expect(before.statusCode).toBe(200);
    expect(before.headers['content-type']).toMatch(/text\/csv/);
    expect(before.body).toContain(`Applicant A-${ada.id}`);
    expect(before.body).not.toContain('Zebedee');
    expect(before.body).not.toContain('ada.zebedee@test.example');

    const moved = await recruiter.post(
      paths.staff.applicationStage({ id: ada.id }),
      { to: 'shortlisted', message: 'Well done', reason: '' },
      paths.staff.application({ id: ada.id }),
    );
    expect(moved.statusCode).toBe(303);
    const after = await recruiter.get(paths.staff.applicationsCsv({ id: vacancy.id }));
    expect(after.body).toContain('Ada Zebedee');
    expect(after.body).toContain('ada.zebedee@test.example');
    expect(after.body).not.toContain('Quimby');
    expect(textOf((await recruiter.get(paths.staff.applications({ id: vacancy.id }))).body)).toContain('Ada Zebedee');
    expect(textOf((await recruiter.get(paths.staff.application({ id: ada.id }))).body)).toContain('rita@test.example');
    expect(textOf((await recruiter.get(paths.staff.application({ id: bert.id }))).body)).not.toContain('Quimby');

    const exports = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'export')
      .where('record_type', '=', 'application_list')
      .where('record_id', '=', String(vacancy.id))
      .execute();
    expect(exports).toHaveLength(2);
    const email = await latestEmailTo(db, 'ada.zebedee@test.example');
    expect(email?.subject).toBe(`You have been shortlisted: ${vacancy.title}`);
    expect(email?.body_text).toContain('Well done');
  });

  it('shows names at once where the vacancy does not anonymise, and filters by stage', async () => {
    const { vacancy } = await vacancyWithApplications({ anonymised: false });
    await createApplication(db, {
      vacancyId: vacancy.id,
      status: 'interviewed',
      personal: { first_name: 'Cora', last_name: 'Interviewee' },
    });
    const all = textOf((await recruiter.get(paths.staff.applications({ id: vacancy.id }))).body);
    expect(all).toContain('Ada Zebedee');
    const filtered = textOf(
      (await recruiter.get(`${paths.staff.applications({ id: vacancy.id })}?stage=interviewed`)).body,
    );
    expect(filtered).toContain('Cora Interviewee');
    expect(filtered).not.toContain('Ada Zebedee');
  });

  it('is not found to another organisation’s recruiter and to a panel member of another vacancy, and refused to an analyst', async () => {
    const { vacancy, ada } = await vacancyWithApplications();
    for (const url of [
      paths.staff.applications({ id: vacancy.id }),
      paths.staff.applicationsCsv({ id: vacancy.id }),
      paths.staff.application({ id: ada.id }),
      paths.staff.shortlist({ id: vacancy.id }),
    ]) {
      expect((await countyRecruiter.get(url)).statusCode, url).toBe(404);
      expect((await otherServiceManager.get(url)).statusCode, url).toBe(404);
      expect((await analyst.get(url)).statusCode, url).toBe(403);
    }
    const draft = await createApplication(db, { vacancyId: vacancy.id, status: 'draft' });
    expect((await recruiter.get(paths.staff.application({ id: draft.id }))).statusCode).toBe(404);
    // The panel member sees the list but cannot move anything.
    expect((await panelMember.get(paths.staff.applications({ id: vacancy.id }))).statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(
      (await panelMember.get(paths.staff.application({ id: ada.id }))).body,
    )?.[1];
    const refused = await panelMember.postWithToken(
      paths.staff.applicationStage({ id: ada.id }),
      { to: 'shortlisted' },
      token,
    );
    expect(refused.statusCode).toBe(403);
    const row = await db.selectFrom('applications').select('status').where('id', '=', ada.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('submitted');
  });

  it('refuses a move the pipeline does not have, beside the field', async () => {
    const { ada } = await vacancyWithApplications();
    const response = await recruiter.post(
      paths.staff.applicationStage({ id: ada.id }),
      { to: 'appointed', message: '', reason: '' },
      paths.staff.application({ id: ada.id }),
    );
    expect(response.statusCode).toBe(409);
    expect(errorSummary(response.body).map((entry) => entry.text)).toEqual([
      'An application that is submitted cannot become appointed',
    ]);
  });
});

describe('moving applications in bulk', () => {
  it('moves every selected application in one go, each emailed', async () => {
    const { vacancy, ada, bert } = await vacancyWithApplications();
    const response = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      { applicationIds: [String(ada.id), String(bert.id)], to: 'shortlisted', message: 'See you soon', reason: '' },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(response.statusCode).toBe(303);
    const rows = await db.selectFrom('applications').select('status').where('id', 'in', [ada.id, bert.id]).execute();
    expect(rows.map((row) => row.status)).toEqual(['shortlisted', 'shortlisted']);
    expect((await latestEmailTo(db, 'ada.zebedee@test.example'))?.body_text).toContain('See you soon');
  });

  it('moves none when one move is not allowed, and says which and why', async () => {
    const { vacancy, ada, bert } = await vacancyWithApplications();
    await db.updateTable('applications').set({ status: 'interviewed' }).where('id', '=', bert.id).execute();
    const emailsBefore = await db
      .selectFrom('email_outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const response = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      { applicationIds: [String(ada.id), String(bert.id)], to: 'shortlisted', message: '', reason: '' },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(response.statusCode).toBe(409);
    expect(textOf(response.body)).toContain(
      `Applicant A-${bert.id}: An application that is interviewed cannot become shortlisted`,
    );
    const rows = await db
      .selectFrom('applications')
      .select(['id', 'status'])
      .where('id', 'in', [ada.id, bert.id])
      .orderBy('id')
      .execute();
    expect(rows.map((row) => row.status)).toEqual(['submitted', 'interviewed']);
    const events = await db
      .selectFrom('application_events')
      .select('id')
      .where('application_id', 'in', [ada.id, bert.id])
      .execute();
    expect(events).toEqual([]);
    const emailsAfter = await db
      .selectFrom('email_outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(emailsAfter.n)).toBe(Number(emailsBefore.n));
    // The selection is kept, so the recruiter can untick and try again.
    expect(response.body).toMatch(new RegExp(`value="${ada.id}" checked`));
  });

  it('asks for at least one application, and refuses another vacancy’s', async () => {
    const { vacancy } = await vacancyWithApplications();
    const other = await vacancyWithApplications();
    const empty = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      { to: 'shortlisted' },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body).map((entry) => entry.text)).toEqual(['Select at least one application']);
    const foreign = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      { applicationIds: [String(other.ada.id)], to: 'shortlisted' },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(foreign.statusCode).toBe(404);
  });
});

describe('a guaranteed-interview applicant who meets the essential criteria', () => {
  it('cannot be turned down at the sift without a reason, alone or in bulk; the reason is kept and audited', async () => {
    const { vacancy, ada, bert } = await vacancyWithApplications();
    const single = await recruiter.post(
      paths.staff.applicationStage({ id: bert.id }),
      { to: 'unsuccessful', message: '', reason: '' },
      paths.staff.application({ id: bert.id }),
    );
    expect(single.statusCode).toBe(409);
    expect(errorSummary(single.body).map((entry) => entry.text)[0]).toMatch(
      /guaranteed interview and meets the essential criteria/,
    );
    expect(single.body).toContain('id="reason-error"');

    const bulk = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      { applicationIds: [String(ada.id), String(bert.id)], to: 'unsuccessful', message: '', reason: '' },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(bulk.statusCode).toBe(409);
    expect(textOf(bulk.body)).toContain(`Applicant A-${bert.id}: This applicant has a guaranteed interview`);
    const statuses = await db
      .selectFrom('applications')
      .select('status')
      .where('id', 'in', [ada.id, bert.id])
      .execute();
    expect(statuses.map((row) => row.status)).toEqual(['submitted', 'submitted']);

    const withReason = await recruiter.post(
      paths.staff.applicationStage({ id: bert.id }),
      {
        to: 'unsuccessful',
        message: '',
        reason: 'The post needs a driving licence, which the applicant does not hold',
      },
      paths.staff.application({ id: bert.id }),
    );
    expect(withReason.statusCode).toBe(303);
    const event = await db
      .selectFrom('application_events')
      .select('reason')
      .where('application_id', '=', bert.id)
      .executeTakeFirstOrThrow();
    expect(event.reason).toMatch(/driving licence/);
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('record_type', '=', 'application')
      .where('record_id', '=', String(bert.id))
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({
      from: 'submitted',
      to: 'unsuccessful',
      reason: expect.stringMatching(/driving licence/),
    });
  });

  it('may be turned down without a reason once the panel finds an essential criterion unmet', async () => {
    const { vacancy, bert } = await vacancyWithApplications();
    const essential = vacancy.criteria.find((criterion) => criterion.kind === 'essential')!;
    await db
      .insertInto('shortlist_scores')
      .values({ application_id: bert.id, criterion_id: essential.id, staff_id: panelMemberId, score: 1 })
      .execute();
    const response = await recruiter.post(
      paths.staff.applicationStage({ id: bert.id }),
      { to: 'unsuccessful', message: '', reason: '' },
      paths.staff.application({ id: bert.id }),
    );
    expect(response.statusCode).toBe(303);
  });
});
