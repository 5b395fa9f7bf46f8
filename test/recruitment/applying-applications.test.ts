import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import { TestClient } from '../support/http.js';
import { latestEmailTo } from '../support/outbox.js';
import { createApplication, createVacancy, signedInApplicant } from '../support/recruitment.js';
import { TEST_PASSWORD } from '../support/accounts.js';
import { completeEverySection, job, personalDetails, referee, sectionPath } from './applying-support.js';

const context = useTestApp();
let db: Kysely<Database>;
let dales: number;

beforeAll(async () => {
  db = context.database.db;
  dales = await organisationId(db, 'E07000035');
});

const applicationRow = (id: number) =>
  db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Starts an application for the vacancy and answers its id, read from where the start redirects. */
async function start(client: TestClient, slug: string): Promise<number> {
  const response = await client.postWithToken(`/jobs/${slug}/apply`, {}, await client.csrfToken('/jobs/applications'));
  expect(response.statusCode).toBe(303);
  const id = /\/jobs\/applications\/(\d+)$/.exec(response.headers.location as string)?.[1];
  if (!id) throw new Error(`Started to ${response.headers.location}`);
  return Number(id);
}

describe('an applicant’s account', () => {
  it('sends someone not signed in to sign in, and back to the vacancy’s application after', async () => {
    const vacancy = await createVacancy(db, { organisationId: dales });
    const client = new TestClient(context.app);
    const page = await client.get('/jobs/applications');
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/account/sign-in?next=%2Fjobs%2Fapplications');
    const started = await client.get(`/jobs/${vacancy.slug}/apply`);
    expect(started.headers.location).toBe(`/account/sign-in?next=${encodeURIComponent(`/jobs/${vacancy.slug}/apply`)}`);
    const staff = await signedInStaff(context.app, db, { organisationId: dales, roles: ['recruiter'] });
    expect((await staff.client.get('/jobs/profile')).headers.location).toContain('/account/sign-in');
  });

  it('keeps a profile that pre-fills each new application', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    expect((await client.post('/jobs/profile/personal', personalDetails)).statusCode).toBe(303);
    expect((await client.post('/jobs/profile/referees', referee('Grace Hopper'))).statusCode).toBe(303);
    expect(
      (await client.post('/jobs/profile/employment', job('Derbyshire County Council', [2018, 1], null))).statusCode,
    ).toBe(303);
    const profilePage = await client.get('/jobs/profile');
    expect(profilePage.body).toContain('Grace Hopper');

    const vacancy = await createVacancy(db, { organisationId: dales });
    const id = await start(client, vacancy.slug);
    const row = await applicationRow(id);
    expect(row).toMatchObject({ status: 'draft', citizen_id: applicant.id });
    expect(row.personal).toMatchObject({ first_name: 'Ada', postcode: 'DE4 3AG' });
    expect(row.referees).toEqual([expect.objectContaining({ name: 'Grace Hopper', contact_before_offer: true })]);
    expect(row.employment_history).toEqual([
      expect.objectContaining({ employer: 'Derbyshire County Council', from: '2018-01', to: '' }),
    ]);

    // Changing the application leaves the profile as it was.
    expect(
      (await client.post(sectionPath(id, 'personal'), { ...personalDetails, first_name: 'Augusta', save: 'later' }))
        .statusCode,
    ).toBe(303);
    const profile = await db
      .selectFrom('applicant_profiles')
      .select('personal')
      .where('citizen_id', '=', applicant.id)
      .executeTakeFirstOrThrow();
    expect(profile.personal).toMatchObject({ first_name: 'Ada' });
  });

  it('refuses a profile form with errors, saving nothing', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const response = await client.post('/jobs/profile/personal', {
      ...personalDetails,
      email: 'not an email',
      postcode: 'XYZ',
    });
    expect(response.statusCode).toBe(400);
    expect(errorSummary(response.body)).toEqual([
      { text: 'Enter an email address in the correct format, like name@example.com', href: '#email' },
      { text: 'Enter a real postcode, like DE4 3AG', href: '#postcode' },
    ]);
    expect(
      await db.selectFrom('applicant_profiles').selectAll().where('citizen_id', '=', applicant.id).executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('an application as a task list', () => {
  it('starts one application per applicant per vacancy, and only for a live one', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales });
    const first = await start(client, vacancy.slug);
    expect(await start(client, vacancy.slug)).toBe(first);
    const rows = await db.selectFrom('applications').select('id').where('citizen_id', '=', applicant.id).execute();
    expect(rows).toHaveLength(1);

    const closed = await createVacancy(db, { organisationId: dales, closes_at: new Date(Date.now() - 60_000) });
    const token = await client.csrfToken('/jobs/applications');
    const refused = await client.postWithToken(`/jobs/${closed.slug}/apply`, {}, token);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('This vacancy has closed');
    const draftVacancy = await createVacancy(db, { organisationId: dales, status: 'draft' });
    expect((await client.postWithToken(`/jobs/${draftVacancy.slug}/apply`, {}, token)).statusCode).toBe(404);
  });

  it('shows each section’s status, saves as you go and resumes on another device', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Waste operative' });
    const id = await start(client, vacancy.slug);
    let page = await client.get(`/jobs/applications/${id}`);
    expect(page.body).toContain('govuk-task-list');
    expect(page.body).toMatch(/Personal details[\s\S]*?In progress/); // pre-filled with the account's email
    expect(page.body).toMatch(/Qualifications[\s\S]*?Not started/);

    const later = await client.post(sectionPath(id, 'personal'), { first_name: 'Ada', save: 'later' });
    expect(later.headers.location).toBe(`/jobs/applications/${id}?saved=later`);
    page = await client.get(later.headers.location as string);
    expect(page.body).toContain('Your answers have been saved');

    // Another device: a new sign-in finds the draft and what was saved.
    const other = new TestClient(context.app);
    await other.post('/account/sign-in', { email: applicant.email, password: TEST_PASSWORD });
    const list = await other.get('/jobs/applications');
    expect(list.body).toContain('Waste operative');
    expect(list.body).toContain('Not submitted');
    const section = await other.get(sectionPath(id, 'personal'));
    expect(section.body).toContain('value="Ada"');
  });

  it('asks for every required answer to complete a section, and saves nothing from a form with errors', async () => {
    const { client } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales });
    const id = await start(client, vacancy.slug);
    const before = await applicationRow(id);
    const response = await client.post(sectionPath(id, 'personal'), {
      first_name: 'Ada',
      email: 'ada@',
      save: 'complete',
    });
    expect(response.statusCode).toBe(400);
    const summary = errorSummary(response.body).map((item) => item.text);
    expect(summary).toContain('Enter your last name');
    expect(summary).toContain('Enter an email address in the correct format, like name@example.com');
    expect(summary).toContain('Select whether you have the right to work in the UK');
    expect(response.body).toContain('govuk-error-message');
    const after = await applicationRow(id);
    expect(after.personal).toEqual(before.personal);
    expect(after.sections_completed).toEqual([]);

    const badJob = await client.post(sectionPath(id, 'employment'), {
      ...job('Council', [2019, 4], [2018, 1]),
      'from-month': '13',
    });
    expect(badJob.statusCode).toBe(400);
    expect(errorSummary(badJob.body)).toEqual([
      { text: 'Enter a real month and year you started, like 4 2019', href: '#from-month' },
    ]);
    const beforeTo = await client.post(sectionPath(id, 'employment'), job('Council', [2019, 4], [2018, 1]));
    expect(errorSummary(beforeTo.body)).toEqual([
      { text: 'The month you left must be the same as or after the month you started', href: '#to-month' },
    ]);
    expect((await applicationRow(id)).employment_history).toEqual([]);

    const criteria = vacancy.criteria;
    const tooLong = await client.post(sectionPath(id, 'statement'), {
      [`criterion-${criteria[0].id}`]: 'word '.repeat(251),
      save: 'later',
    });
    expect(tooLong.statusCode).toBe(400);
    expect(errorSummary(tooLong.body)).toEqual([
      { text: 'Your answer must be 250 words or fewer', href: `#criterion-${criteria[0].id}` },
    ]);
    expect(tooLong.body).toContain('data-maxwords="250"');
    const essentialMissing = await client.post(sectionPath(id, 'statement'), {
      [`criterion-${criteria[0].id}`]: 'Yes',
      save: 'complete',
    });
    expect(errorSummary(essentialMissing.body)).toEqual([
      { text: 'Tell us how you meet this essential criterion', href: `#criterion-${criteria[1].id}` },
    ]);
    const oneReferee = await client.post(sectionPath(id, 'referees'), referee('Grace Hopper'));
    expect(oneReferee.statusCode).toBe(303);
    const notEnough = await client.post(sectionPath(id, 'referees'), { save: 'complete' });
    expect(notEnough.statusCode).toBe(400);
    expect(errorSummary(notEnough.body)).toEqual([{ text: 'Add 2 referees', href: '#add-item' }]);
    const badEquality = await client.post(sectionPath(id, 'equality'), { sex: 'robot', save: 'complete' });
    expect(badEquality.statusCode).toBe(400);
    expect(
      await db.selectFrom('equality_monitoring').selectAll().where('application_id', '=', id).executeTakeFirst(),
    ).toBeUndefined();
    expect((await applicationRow(id)).sections_completed).toEqual([]);
  });

  it('asks for an explanation of each gap of more than 3 months, kept as a gap item', async () => {
    const { client } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales });
    const id = await start(client, vacancy.slug);
    await client.post(sectionPath(id, 'employment'), job('First employer', [2015, 1], [2018, 1]));
    await client.post(sectionPath(id, 'employment'), job('Second employer', [2018, 3], [2019, 1]));
    await client.post(sectionPath(id, 'employment'), job('Third employer', [2019, 9], null));
    const page = await client.get(sectionPath(id, 'employment'));
    expect(page.body).toContain('Tell us what you were doing between January 2019 and September 2019');
    expect(page.body).not.toContain('between January 2018'); // two months is not a gap to explain
    const unexplained = await client.post(sectionPath(id, 'employment'), { save: 'complete' });
    expect(unexplained.statusCode).toBe(400);
    expect(errorSummary(unexplained.body)).toEqual([
      { text: 'Tell us what you were doing during this gap', href: '#gap-0' },
    ]);
    expect(
      (await client.post(sectionPath(id, 'employment'), { 'gap-0': 'Caring for my father', save: 'complete' }))
        .statusCode,
    ).toBe(303);
    const row = await applicationRow(id);
    expect(row.employment_history).toContainEqual({
      kind: 'gap',
      from: '2019-01',
      to: '2019-09',
      explanation: 'Caring for my father',
    });
    expect(row.sections_completed).toContain('employment');

    // A job changed: the section is in progress again; removing one by its confirmation page.
    const confirm = await client.get(`${sectionPath(id, 'employment')}?remove=1`);
    expect(confirm.body).toContain('Are you sure you want to remove this job?');
    expect((await client.post(sectionPath(id, 'employment'), { remove: '1' })).statusCode).toBe(303);
    const after = await applicationRow(id);
    expect((after.employment_history as { employer?: string }[]).map((item) => item.employer).filter(Boolean)).toEqual([
      'First employer',
      'Third employer',
    ]);
    expect(after.sections_completed).not.toContain('employment');
  });

  it('checks answers, submits with the declaration, emails the applicant, and is read-only after', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Library assistant' });
    const id = await start(client, vacancy.slug);
    expect((await client.get(`/jobs/applications/${id}`)).body).toContain('Cannot start yet');
    await completeEverySection(client, db, id);
    const taskList = await client.get(`/jobs/applications/${id}`);
    expect(taskList.body).toContain(`href="/jobs/applications/${id}/check-answers"`);
    const check = await client.get(`/jobs/applications/${id}/check-answers`);
    expect(check.body).toContain('govuk-summary-list');
    expect(check.body).toContain('Grace Hopper');
    expect(check.body).toContain(`href="/jobs/applications/${id}/equality"`);

    const undeclared = await client.post(`/jobs/applications/${id}/check-answers`, {});
    expect(undeclared.statusCode).toBe(400);
    expect(errorSummary(undeclared.body)).toEqual([
      { text: 'Confirm that the information you have given is true and complete', href: '#declaration' },
    ]);
    expect((await applicationRow(id)).status).toBe('draft');

    const submitted = await client.post(`/jobs/applications/${id}/check-answers`, { declaration: 'yes' });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.body).toContain('Application submitted');
    const row = await applicationRow(id);
    expect(row.status).toBe('submitted');
    expect(row.submitted_at).not.toBeNull();
    const email = await latestEmailTo(db, personalDetails.email);
    expect(email?.subject).toBe('Application received: Library assistant');
    const events = await db
      .selectFrom('application_events')
      .select(['from_status', 'to_status'])
      .where('application_id', '=', id)
      .execute();
    expect(events).toEqual([{ from_status: 'draft', to_status: 'submitted' }]);
    const audits = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('record_type', '=', 'application')
      .where('record_id', '=', String(id))
      .execute();
    expect(audits.length).toBeGreaterThanOrEqual(10); // created, every section saved, submitted
    expect(JSON.stringify(audits)).not.toContain('white_irish');

    // Read-only now: the sections lead back to the application, and a post changes nothing.
    expect((await client.get(sectionPath(id, 'personal'))).headers.location).toBe(`/jobs/applications/${id}`);
    const change = await client.postWithToken(
      sectionPath(id, 'personal'),
      { ...personalDetails, first_name: 'Changed', save: 'complete' },
      await client.csrfToken(`/jobs/applications/${id}`),
    );
    expect(change.headers.location).toBe(`/jobs/applications/${id}`);
    expect((await applicationRow(id)).personal).toMatchObject({ first_name: 'Ada' });
    const list = await client.get('/jobs/applications');
    expect(list.body).toContain('Library assistant');
    expect(list.body).toContain('Submitted');
    void applicant;
  });

  it('keeps the draft when the deadline passes mid-form, and says so', async () => {
    const { client } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Gardener' });
    const id = await start(client, vacancy.slug);
    await client.post(sectionPath(id, 'personal'), { ...personalDetails, save: 'later' });
    const token = await client.csrfToken(sectionPath(id, 'personal'));
    const closesAt = new Date(Date.now() - 1000);
    await db.updateTable('vacancies').set({ closes_at: closesAt }).where('id', '=', vacancy.id).execute();

    const late = await client.postWithToken(
      sectionPath(id, 'personal'),
      { ...personalDetails, first_name: 'Late', save: 'complete' },
      token,
    );
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('This vacancy has closed');
    expect(late.body).toContain('The answers you had saved before then are kept');
    expect(late.body).toContain('has not been submitted');
    const row = await applicationRow(id);
    expect(row).toMatchObject({ status: 'draft', sections_completed: [] });
    expect(row.personal).toMatchObject({ first_name: 'Ada' });
    const page = await client.get(`/jobs/applications/${id}`);
    expect(page.body).toContain('This vacancy closed on');
    const submit = await client.postWithToken(`/jobs/applications/${id}/check-answers`, { declaration: 'yes' }, token);
    expect(submit.statusCode).toBe(409);
    expect((await applicationRow(id)).status).toBe('draft');
  });

  it('lets no one else see or change an application', async () => {
    const owner = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales });
    const id = await start(owner.client, vacancy.slug);
    const intruder = await signedInApplicant(context.app, db);
    for (const path of [
      `/jobs/applications/${id}`,
      sectionPath(id, 'personal'),
      `/jobs/applications/${id}/check-answers`,
      `/jobs/applications/${id}/withdraw`,
    ])
      expect((await intruder.client.get(path)).statusCode).toBe(404);
    const token = await intruder.client.csrfToken('/jobs/applications');
    const change = await intruder.client.postWithToken(
      sectionPath(id, 'personal'),
      { ...personalDetails, save: 'later' },
      token,
    );
    expect(change.statusCode).toBe(404);
    expect((await intruder.client.postWithToken(`/jobs/applications/${id}/withdraw`, {}, token)).statusCode).toBe(404);
    expect((await applicationRow(id)).status).toBe('draft');
    expect((await intruder.client.get('/jobs/applications/abc')).statusCode).toBe(404);
  });

  it('withdraws an application after a confirmation page', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Planner' });
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: applicant.id,
      status: 'shortlisted',
    });
    const confirm = await client.get(`/jobs/applications/${application.id}/withdraw`);
    expect(confirm.body).toContain('Are you sure you want to withdraw your application?');
    const response = await client.post(`/jobs/applications/${application.id}/withdraw`, {});
    expect(response.headers.location).toBe(`/jobs/applications/${application.id}?withdrawn=yes`);
    expect((await applicationRow(application.id)).status).toBe('withdrawn');
    const page = await client.get(response.headers.location as string);
    expect(page.body).toContain('You have withdrawn your application');
    expect(page.body).not.toContain('Withdraw this application');
  });

  it('links an applicant invited to interview to choose a time', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const vacancy = await createVacancy(db, { organisationId: dales });
    const invited = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: applicant.id,
      status: 'interview_invited',
    });
    expect((await client.get(`/jobs/applications/${invited.id}`)).body).toContain(
      `/jobs/applications/${invited.id}/interview`,
    );
  });
});

describe('saved jobs', () => {
  it('saves and unsaves a job, listing saved ones with their closing dates, closed ones marked', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const live = await createVacancy(db, { organisationId: dales, title: 'Live job' });
    const closed = await createVacancy(db, {
      organisationId: dales,
      title: 'Closed job',
      closes_at: new Date(Date.now() - 60_000),
    });
    const token = await client.csrfToken('/jobs/saved');
    const saved = await client.postWithToken(`/jobs/${live.slug}/save`, {}, token);
    expect(saved.headers.location).toBe(`/jobs/${live.slug}?saved=yes`);
    await client.postWithToken(`/jobs/${closed.slug}/save`, {}, token);
    let list = await client.get('/jobs/saved');
    expect(list.body).toContain('Live job');
    expect(list.body).toMatch(/Closed job[\s\S]*?Closed\s*<\/strong>/);
    expect(list.body).toContain(`/jobs/${live.slug}/apply`);

    const unsaved = await client.postWithToken(`/jobs/${live.slug}/save`, { next: '/jobs/saved' }, token);
    expect(unsaved.headers.location).toBe('/jobs/saved?saved=no');
    list = await client.get('/jobs/saved');
    expect(list.body).not.toContain('Live job');
    const rows = await db
      .selectFrom('saved_jobs')
      .select('vacancy_id')
      .where('citizen_id', '=', applicant.id)
      .execute();
    expect(rows).toEqual([{ vacancy_id: closed.id }]);

    const stranger = new TestClient(context.app);
    const anonymousSave = await stranger.postWithToken(
      `/jobs/${live.slug}/save`,
      {},
      await stranger.csrfToken('/account/sign-in'),
    );
    expect(anonymousSave.headers.location).toBe(`/account/sign-in?next=${encodeURIComponent(`/jobs/${live.slug}`)}`);
  });
});
