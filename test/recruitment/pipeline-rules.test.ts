import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { recruitmentPaths as paths } from '../../src/modules/recruitment/paths.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import { TestClient } from '../support/http.js';
import { latestEmailTo, linkIn } from '../support/outbox.js';
import { createApplication, createVacancy, signedInApplicant } from '../support/recruitment.js';
import { addToPanel, dales, referees, textOf } from './pipeline-fixtures.js';

/** The pipeline's edges: where anonymity ends, who else may act, appointment and slots in less usual cases. */
const context = useTestApp();
let db: Kysely<Database>;
let employer: number;
let recruiter: TestClient;
let recruiterId: number;
let admin: TestClient;
let partnershipAdmin: TestClient;

beforeAll(async () => {
  db = context.database.db;
  employer = await organisationId(db, dales);
  const signedIn = await signedInStaff(context.app, db, { organisationId: employer, roles: ['recruiter'] });
  recruiter = signedIn.client;
  recruiterId = signedIn.staff.id;
  admin = (await signedInStaff(context.app, db, { organisationId: employer, roles: ['organisation_admin'] })).client;
  partnershipAdmin = (await signedInStaff(context.app, db, { organisationId: employer, roles: ['partnership_admin'] }))
    .client;
});

const errors = (html: string) => errorSummary(html).map((entry) => entry.text);
const move = (client: TestClient, id: number, to: string, reason = '') =>
  client.post(paths.staff.applicationStage({ id }), { to, message: '', reason }, paths.staff.application({ id }));

describe('anonymity', () => {
  it('lasts for an application turned down at the sift, and ends for one turned down after shortlisting', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const atSift = await createApplication(db, { vacancyId: vacancy.id, personal: { last_name: 'Siftwell' } });
    const later = await createApplication(db, { vacancyId: vacancy.id, personal: { last_name: 'Laterby' } });
    expect((await move(recruiter, atSift.id, 'unsuccessful')).statusCode).toBe(303);
    expect((await move(recruiter, later.id, 'shortlisted')).statusCode).toBe(303);
    expect((await move(recruiter, later.id, 'unsuccessful')).statusCode).toBe(303);
    const list = textOf((await recruiter.get(paths.staff.applications({ id: vacancy.id }))).body);
    expect(list).not.toContain('Siftwell');
    expect(list).toContain(`Applicant A-${atSift.id}`);
    expect(list).toContain('Laterby');
    const csv = (await recruiter.get(paths.staff.applicationsCsv({ id: vacancy.id }))).body;
    expect(csv).not.toContain('Siftwell');
    expect(csv).toContain('Laterby');
  });

  it('writes a name that looks like a formula into the CSV as text', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer, anonymised_shortlisting: false });
    await createApplication(db, {
      vacancyId: vacancy.id,
      personal: { first_name: '=HYPERLINK("x")', last_name: 'Evil' },
    });
    const csv = (await recruiter.get(paths.staff.applicationsCsv({ id: vacancy.id }))).body;
    expect(csv).toContain(`"'=HYPERLINK(""x"") Evil"`);
  });
});

describe('who may act', () => {
  it('lets an organisation administrator work the pipeline and refuses a partnership administrator', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const application = await createApplication(db, { vacancyId: vacancy.id });
    expect((await admin.get(paths.staff.applications({ id: vacancy.id }))).statusCode).toBe(200);
    expect((await move(admin, application.id, 'reserve')).statusCode).toBe(303);
    expect((await partnershipAdmin.get(paths.staff.applications({ id: vacancy.id }))).statusCode).toBe(403);
    expect((await partnershipAdmin.get(paths.staff.templates)).statusCode).toBe(403);
  });

  it('lets a recruiter on the panel score, and refuses a panel member the recruiter’s pages', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    await addToPanel(db, vacancy.id, recruiterId);
    const application = await createApplication(db, { vacancyId: vacancy.id });
    const form = Object.fromEntries(vacancy.criteria.map((criterion) => [`score-${criterion.id}`, '2']));
    const tooLong = await recruiter.post(paths.staff.applicationScores({ id: application.id }), {
      ...form,
      [`note-${vacancy.criteria[0].id}`]: 'x'.repeat(2001),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(errors(tooLong.body)).toEqual(['The note on criterion 1 must be 2,000 characters or fewer']);
    expect((await recruiter.post(paths.staff.applicationScores({ id: application.id }), form)).statusCode).toBe(303);
    // Scores change while shortlisting lasts, and no longer once the interview is arranged.
    await db
      .updateTable('applications')
      .set({ status: 'interview_invited' })
      .where('id', '=', application.id)
      .execute();
    const late = await recruiter.postWithToken(
      paths.staff.applicationScores({ id: application.id }),
      form,
      /name="_csrf" value="([^"]+)"/.exec(
        (await recruiter.get(paths.staff.applicationScores({ id: application.id }))).body,
      )?.[1],
    );
    expect(late.statusCode).toBe(403);

    const member = await signedInStaff(context.app, db, { organisationId: employer, roles: ['service_manager'] });
    await addToPanel(db, vacancy.id, member.staff.id);
    const shortlist = await member.client.get(paths.staff.shortlist({ id: vacancy.id }));
    expect(shortlist.statusCode).toBe(200);
    expect(textOf(shortlist.body)).not.toContain('Add to the panel');
    const token = /name="_csrf" value="([^"]+)"/.exec(
      (await member.client.get(paths.staff.application({ id: application.id }))).body,
    )?.[1];
    const addition = await member.client.postWithToken(
      paths.staff.shortlist({ id: vacancy.id }),
      { action: 'add', staffId: String(member.staff.id) },
      token,
    );
    expect(addition.statusCode).toBe(403);
    for (const url of [
      paths.staff.applicationsCsv({ id: vacancy.id }),
      paths.staff.interviewSlots({ id: vacancy.id }),
      paths.staff.applicationChecks({ id: application.id }),
    ])
      expect((await member.client.get(url)).statusCode, url).toBe(403);
  });

  it('adds to the panel only staff of the organisation who may shortlist', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const analyst = await signedInStaff(context.app, db, { organisationId: employer, roles: ['analyst'] });
    const response = await recruiter.post(paths.staff.shortlist({ id: vacancy.id }), {
      action: 'add',
      staffId: String(analyst.staff.id),
    });
    expect(response.statusCode).toBe(400);
    expect(errors(response.body)).toEqual(['Select a member of your organisation’s staff who may shortlist']);
    expect(
      await db.selectFrom('vacancy_panel_members').select('staff_id').where('vacancy_id', '=', vacancy.id).execute(),
    ).toEqual([]);
  });
});

describe('bad input', () => {
  it('answers ids beyond the database’s integers with a field error, not a failure', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const bulk = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      { applicationIds: '9999999999', to: 'shortlisted' },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(bulk.statusCode).toBe(400);
    expect(errors(bulk.body)).toEqual(['Select applications from the list']);
    const panel = await recruiter.post(paths.staff.shortlist({ id: vacancy.id }), {
      action: 'add',
      staffId: '9999999999',
    });
    expect(errors(panel.body)).toEqual(['Select a member of staff']);
    expect((await recruiter.get(paths.staff.application({ id: 9_999_999_999 }))).statusCode).toBe(404);
  });
});

describe('the invitation’s wording', () => {
  it('must keep ((message)), which carries the link to book', async () => {
    const response = await recruiter.post(paths.staff.template({ stage: 'interview_invited' }), {
      subject: 'Interview: ((job_title))',
      body: 'Dear ((name)), please call us.',
      action: 'save',
    });
    expect(response.statusCode).toBe(400);
    expect(errors(response.body)).toEqual(['The body must include ((message)): it holds the link the applicant needs']);
  });
});

describe('the guaranteed interview in bulk', () => {
  it('moves everyone when the reason is given', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const guaranteed = await createApplication(db, { vacancyId: vacancy.id, guaranteed_interview: ['care_leaver'] });
    const other = await createApplication(db, { vacancyId: vacancy.id });
    const response = await recruiter.post(
      paths.staff.bulk({ id: vacancy.id }),
      {
        applicationIds: [String(guaranteed.id), String(other.id)],
        to: 'unsuccessful',
        message: '',
        reason: 'The post closed after a restructure',
      },
      paths.staff.applications({ id: vacancy.id }),
    );
    expect(response.statusCode).toBe(303);
    const events = await db
      .selectFrom('application_events')
      .select('reason')
      .where('application_id', 'in', [guaranteed.id, other.id])
      .execute();
    expect(events.map((event) => event.reason)).toEqual([
      'The post closed after a restructure',
      'The post closed after a restructure',
    ]);
  });
});

describe('appointment and slots', () => {
  it('appoints without a DBS check where the post needs none, once the right to work is confirmed', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer, requires_dbs: false });
    const application = await createApplication(db, { vacancyId: vacancy.id, status: 'pre_employment_checks' });
    const checks = paths.staff.applicationChecks({ id: application.id });
    expect(textOf((await recruiter.get(checks)).body)).not.toContain('DBS check');
    const early = await recruiter.post(checks, { action: 'appoint' });
    expect(errors(early.body)).toEqual(['Cannot appoint yet: the right to work has not been confirmed']);
    expect((await recruiter.post(checks, { action: 'dbs' })).statusCode).toBe(403);
    expect((await recruiter.post(checks, { action: 'right_to_work' })).statusCode).toBe(303);
    const confirmed = await db
      .selectFrom('pre_employment_checks')
      .select(['right_to_work_staff_id'])
      .where('application_id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(confirmed.right_to_work_staff_id).toBe(recruiterId);
    expect((await recruiter.post(checks, { action: 'appoint' })).statusCode).toBe(303);
  });

  it('awaits only the newest link to a referee asked again after the first expired', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      status: 'pre_employment_checks',
      referees: referees('slow.referee@test.example'),
    });
    const checks = paths.staff.applicationChecks({ id: application.id });
    expect((await recruiter.post(checks, { action: 'right_to_work' })).statusCode).toBe(303);
    expect((await recruiter.post(checks, { action: 'references', referees: '0' })).statusCode).toBe(303);
    const firstLink = linkIn((await latestEmailTo(db, 'slow.referee@test.example'))!.body_text, '/references/');
    await db
      .updateTable('reference_requests')
      .set({ requested_at: new Date(Date.now() - 31 * 86_400_000) })
      .where('application_id', '=', application.id)
      .execute();
    expect(textOf((await recruiter.get(checks)).body)).toContain('the link has expired');
    expect((await recruiter.post(checks, { action: 'references', referees: '0' })).statusCode).toBe(303);
    const secondLink = linkIn((await latestEmailTo(db, 'slow.referee@test.example'))!.body_text, '/references/');
    expect(secondLink).not.toBe(firstLink);
    const referee = new TestClient(context.app);
    expect((await referee.get(firstLink)).statusCode).toBe(404);
    const answer = await referee.post(secondLink, {
      relationship: 'Colleague',
      howLong: '1 year',
      suitability: 'Suitable',
      hasConcerns: 'no',
      declaration: 'yes',
    });
    expect(answer.statusCode).toBe(200);
    expect((await recruiter.post(checks, { action: 'appoint' })).statusCode).toBe(303);
  });

  it('gives the slot back when a booked applicant withdraws', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const { client, applicant } = await signedInApplicant(context.app, db);
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: applicant.id,
      status: 'interview_invited',
    });
    const slot = await db
      .insertInto('interview_slots')
      .values({ vacancy_id: vacancy.id, starts_at: new Date(Date.now() + 86_400_000), place: 'Room 1' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(
      (await client.post(paths.applicant.interview({ id: application.id }), { slotId: String(slot.id) })).statusCode,
    ).toBe(303);
    // A booked applicant cannot book a second time.
    const again = await client.get(paths.applicant.interview({ id: application.id }));
    expect(textOf(again.body)).toContain('Your interview is booked');
    expect(
      (
        await db
          .selectFrom('interview_slots')
          .select('booked_application_id')
          .where('id', '=', slot.id)
          .executeTakeFirstOrThrow()
      ).booked_application_id,
    ).toBe(application.id);
    expect((await move(recruiter, application.id, 'vacancy_cancelled')).statusCode).toBe(303);
    const freed = await db
      .selectFrom('interview_slots')
      .select('booked_application_id')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    expect(freed.booked_application_id).toBeNull();
  });
});
