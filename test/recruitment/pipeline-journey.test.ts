import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { createSmtpMailer } from '../../src/modules/notify/mailer.js';
import { createOutboxRepository } from '../../src/modules/notify/repository.js';
import { createOutboxWorker } from '../../src/modules/notify/worker.js';
import { changeStage } from '../../src/modules/recruitment/applications/stage-change.js';
import { createApplicantMessages } from '../../src/modules/recruitment/messages/applicant-messages.js';
import { recruitmentPaths as paths } from '../../src/modules/recruitment/paths.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import { TestClient } from '../support/http.js';
import { latestEmailTo, linkIn } from '../support/outbox.js';
import { createApplication, createVacancy, signedInApplicant } from '../support/recruitment.js';
import { addToPanel, dales, referees, startSmtpServer, textOf } from './pipeline-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let employer: number;
let recruiter: TestClient;
let manager: TestClient;
let managerId: number;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  db = context.database.db;
  employer = await organisationId(db, dales);
  recruiter = (await signedInStaff(context.app, db, { organisationId: employer, roles: ['recruiter'] })).client;
  const member = await signedInStaff(context.app, db, { organisationId: employer, roles: ['service_manager'] });
  manager = member.client;
  managerId = member.staff.id;
  smtp = await startSmtpServer();
});
afterAll(() => smtp?.close());

const DAY_MS = 86_400_000;
const errors = (html: string) => errorSummary(html).map((entry) => entry.text);

async function addSlot(vacancyId: number, place = 'Town Hall, Matlock') {
  const day = new Date(Date.now() + 10 * DAY_MS);
  return recruiter.post(paths.staff.interviewSlots({ id: vacancyId }), {
    'date-day': String(day.getUTCDate()),
    'date-month': String(day.getUTCMonth() + 1),
    'date-year': String(day.getUTCFullYear()),
    time: '10:30',
    minutes: '45',
    place,
  });
}

describe('the whole pipeline', () => {
  it('takes an application from submitted to appointed, one email at each stage through a real SMTP server, in the employer’s words', async () => {
    const vacancy = await createVacancy(db, {
      organisationId: employer,
      title: 'Countryside ranger',
      requires_dbs: true,
    });
    const { client: applicant, applicant: account } = await signedInApplicant(context.app, db);
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: account.id,
      personal: { first_name: 'Nell', last_name: 'Ranger', email: account.email },
      referees: referees('rita.referee@test.example'),
      status: 'draft',
      submitted_at: null,
    });
    await db.deleteFrom('email_outbox').execute();
    // Submitted as the applicant's side submits it: through changeStage, which emails the receipt.
    const messages = createApplicantMessages({
      citizenEmail: async () => account.email,
      publicUrl: 'https://shirehall.test',
    });
    await db.transaction().execute((tx) =>
      changeStage(tx, messages, {
        applicationId: application.id,
        to: 'submitted',
        actor: { kind: 'citizen', citizenId: account.id, name: 'Nell Ranger', email: account.email },
        now: new Date(),
      }),
    );

    // The employer words the invitation its own way; a placeholder it does not have is refused.
    const bad = await recruiter.post(paths.staff.template({ stage: 'interview_invited' }), {
      subject: 'Interview: ((job_title))',
      body: 'Dear ((first_name))',
      action: 'save',
    });
    expect(bad.statusCode).toBe(400);
    expect(errors(bad.body)[0]).toMatch(/The body uses \(\(first_name\)\)/);
    const saved = await recruiter.post(paths.staff.template({ stage: 'interview_invited' }), {
      subject: 'Come and meet the rangers: ((job_title))',
      body: 'Hello ((name)), the ranger team would like to meet you.\n\n((message))',
      action: 'save',
    });
    expect(saved.statusCode).toBe(303);

    // Panel: the hiring manager scores every criterion.
    expect(
      (await recruiter.post(paths.staff.shortlist({ id: vacancy.id }), { action: 'add', staffId: String(managerId) }))
        .statusCode,
    ).toBe(303);
    const scoreForm = Object.fromEntries(vacancy.criteria.map((criterion) => [`score-${criterion.id}`, '3']));
    expect((await manager.post(paths.staff.applicationScores({ id: application.id }), scoreForm)).statusCode).toBe(303);
    const shortlist = textOf((await recruiter.get(paths.staff.shortlist({ id: vacancy.id }))).body);
    expect(shortlist).toMatch(/9 of 9\s+1 of 1/);

    const move = (to: string, message = '') =>
      recruiter.post(
        paths.staff.applicationStage({ id: application.id }),
        { to, message, reason: '' },
        paths.staff.application({ id: application.id }),
      );
    expect((await move('shortlisted')).statusCode).toBe(303);
    expect((await addSlot(vacancy.id)).statusCode).toBe(303);
    expect((await move('interview_invited')).statusCode).toBe(303);
    const invitation = await latestEmailTo(db, account.email);
    expect(invitation?.subject).toBe('Come and meet the rangers: Countryside ranger');
    const interviewPage = await applicant.get(linkIn(invitation!.body_text, '/jobs/applications/'));
    expect(interviewPage.statusCode).toBe(200);
    const slotId = /name="slotId" type="radio" value="(\d+)"/.exec(interviewPage.body)![1];
    expect((await applicant.post(paths.applicant.interview({ id: application.id }), { slotId })).statusCode).toBe(303);
    expect((await latestEmailTo(db, account.email))?.body_text).toMatch(
      /Your interview: .* \(45 minutes\), Town Hall, Matlock\./,
    );

    expect((await move('interviewed')).statusCode).toBe(303);
    expect((await move('conditional_offer', 'Subject to references.')).statusCode).toBe(303);
    const offerLink = linkIn((await latestEmailTo(db, account.email))!.body_text, '/jobs/applications/');
    expect(offerLink).toBe(paths.applicant.offer({ id: application.id }));
    const confirm = await applicant.post(offerLink, { answer: 'accept' });
    expect(textOf(confirm.body)).toContain('Accept the offer?');
    expect((await applicant.post(offerLink, { answer: 'accept', confirmed: 'yes' })).statusCode).toBe(303);
    expect((await move('pre_employment_checks')).statusCode).toBe(303);

    // Appointment waits for every check.
    const checksPage = paths.staff.applicationChecks({ id: application.id });
    const early = await recruiter.post(checksPage, { action: 'appoint' });
    expect(early.statusCode).toBe(409);
    expect(errors(early.body)[0]).toBe(
      'Cannot appoint yet: the right to work has not been confirmed; the DBS check has not been cleared',
    );
    expect((await recruiter.post(checksPage, { action: 'right_to_work' })).statusCode).toBe(303);
    expect((await recruiter.post(checksPage, { action: 'references', referees: '0' })).statusCode).toBe(303);
    expect((await recruiter.post(checksPage, { action: 'dbs' })).statusCode).toBe(303);
    const waiting = await recruiter.post(checksPage, { action: 'appoint' });
    expect(errors(waiting.body)[0]).toBe('Cannot appoint yet: 1 requested reference has not been received');

    const referenceEmail = await latestEmailTo(db, 'rita.referee@test.example');
    const referee = new TestClient(context.app);
    const referenceLink = linkIn(referenceEmail!.body_text, '/references/');
    expect((await referee.get(referenceLink)).statusCode).toBe(200);
    expect(
      (
        await referee.post(referenceLink, {
          relationship: 'Her line manager',
          howLong: '4 years',
          suitability: 'Very suitable',
          hasConcerns: 'no',
          concerns: '',
          declaration: 'yes',
        })
      ).statusCode,
    ).toBe(200);
    expect((await recruiter.post(checksPage, { action: 'appoint' })).statusCode).toBe(303);
    const row = await db
      .selectFrom('applications')
      .select('status')
      .where('id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('appointed');

    await createOutboxWorker({
      repository: createOutboxRepository(db),
      mailer: createSmtpMailer(smtp.url, 'Shirehall <no-reply@shirehall.test>'),
      clock: () => new Date(Date.now() + 60_000),
      random: () => 0,
    }).sendDue();
    const toApplicant = smtp.received.filter((email) => email.to.includes(account.email)).map((email) => email.subject);
    expect(toApplicant).toEqual([
      'Application received: Countryside ranger',
      'You have been shortlisted: Countryside ranger',
      'Come and meet the rangers: Countryside ranger',
      'Interview booked: Countryside ranger',
      'Thank you for your interview: Countryside ranger',
      'Conditional offer: Countryside ranger',
      'Offer accepted: Countryside ranger',
      'Pre-employment checks: Countryside ranger',
      'Welcome to Derbyshire Dales District Council',
    ]);
    expect(smtp.received.filter((email) => email.to.includes('rita.referee@test.example'))).toHaveLength(1);
    const invited = smtp.received.find((email) => email.subject.startsWith('Come and meet'))!;
    expect(invited.body).toContain('Hello Nell Ranger, the ranger team would like to meet you.');
  });
});

describe('interview slots', () => {
  it('gives the last slot to exactly one of two applicants choosing it at once', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    expect((await addSlot(vacancy.id)).statusCode).toBe(303);
    const slot = await db
      .selectFrom('interview_slots')
      .select('id')
      .where('vacancy_id', '=', vacancy.id)
      .executeTakeFirstOrThrow();
    const applicants = await Promise.all(
      [1, 2].map(async () => {
        const signedIn = await signedInApplicant(context.app, db);
        const application = await createApplication(db, {
          vacancyId: vacancy.id,
          citizen_id: signedIn.applicant.id,
          status: 'interview_invited',
        });
        const page = await signedIn.client.get(paths.applicant.interview({ id: application.id }));
        return { ...signedIn, application, token: /name="_csrf" value="([^"]+)"/.exec(page.body)![1] };
      }),
    );
    const answers = await Promise.all(
      applicants.map(({ client, application, token }) =>
        client.postWithToken(paths.applicant.interview({ id: application.id }), { slotId: String(slot.id) }, token),
      ),
    );
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([303, 409]);
    const loser = answers.find((answer) => answer.statusCode === 409)!;
    expect(errors(loser.body)).toEqual(['That time has just been booked by someone else: choose another']);
    const statuses = await db
      .selectFrom('applications')
      .select('status')
      .where(
        'id',
        'in',
        applicants.map(({ application }) => application.id),
      )
      .execute();
    expect(statuses.map((row) => row.status).sort()).toEqual(['interview_booked', 'interview_invited']);

    // Staff free the slot: the booked applicant is invited again and the slot is free.
    const booked = await db
      .selectFrom('interview_slots')
      .select('booked_application_id')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    expect(
      (
        await recruiter.post(paths.staff.interviewSlots({ id: vacancy.id }), {
          free: String(booked.booked_application_id),
        })
      ).statusCode,
    ).toBe(303);
    const freed = await db
      .selectFrom('interview_slots')
      .select('booked_application_id')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    expect(freed.booked_application_id).toBeNull();
  });

  it('shows an applicant only their own application, and checks the slot form', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const owner = await signedInApplicant(context.app, db);
    const stranger = await signedInApplicant(context.app, db);
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: owner.applicant.id,
      status: 'interview_invited',
    });
    expect((await stranger.client.get(paths.applicant.interview({ id: application.id }))).statusCode).toBe(404);
    expect((await stranger.client.get(paths.applicant.offer({ id: application.id }))).statusCode).toBe(404);
    expect((await owner.client.get(paths.applicant.interview({ id: application.id }))).statusCode).toBe(200);

    const bad = await recruiter.post(paths.staff.interviewSlots({ id: vacancy.id }), {
      'date-day': '31',
      'date-month': '2',
      'date-year': '2027',
      time: '25:00',
      minutes: '0',
      place: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(errors(bad.body)).toEqual([
      'The interview date must be a real date',
      'Enter the time as hours and minutes, like 14:30',
      'Enter the length in minutes, from 5 to 480',
      'Enter where the interview is, or how to join it',
    ]);
    expect(await db.selectFrom('interview_slots').select('id').where('vacancy_id', '=', vacancy.id).execute()).toEqual(
      [],
    );
  });
});

describe('scoring', () => {
  it('takes a score of 0 to 3 for every criterion from panel members only', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    await addToPanel(db, vacancy.id, managerId);
    const application = await createApplication(db, { vacancyId: vacancy.id });
    const [first, second, third] = vacancy.criteria;
    const missing = await manager.post(paths.staff.applicationScores({ id: application.id }), {
      [`score-${first.id}`]: '4',
      [`score-${second.id}`]: '2',
    });
    expect(missing.statusCode).toBe(400);
    expect(errors(missing.body)).toEqual(['Select a score for criterion 1', 'Select a score for criterion 3']);
    expect(
      await db.selectFrom('shortlist_scores').select('score').where('application_id', '=', application.id).execute(),
    ).toEqual([]);

    const ok = await manager.post(paths.staff.applicationScores({ id: application.id }), {
      [`score-${first.id}`]: '3',
      [`score-${second.id}`]: '2',
      [`score-${third.id}`]: '0',
      [`note-${third.id}`]: 'No mention of local government',
    });
    expect(ok.statusCode).toBe(303);
    const list = textOf((await recruiter.get(`${paths.staff.applications({ id: vacancy.id })}?sort=score`)).body);
    expect(list).toMatch(/5 of 9\s+1 of 1 scored/);
    // A recruiter not on the panel does not score.
    expect((await recruiter.get(paths.staff.applicationScores({ id: application.id }))).statusCode).toBe(403);
  });
});

describe('references', () => {
  it('refuses a wrong, a used and an expired link', async () => {
    const vacancy = await createVacancy(db, { organisationId: employer });
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      status: 'pre_employment_checks',
      referees: referees('old.referee@test.example'),
    });
    const referee = new TestClient(context.app);
    expect((await referee.get(paths.reference({ token: 'not-a-real-token' }))).statusCode).toBe(404);

    expect(
      (
        await recruiter.post(paths.staff.applicationChecks({ id: application.id }), {
          action: 'references',
          referees: '0',
        })
      ).statusCode,
    ).toBe(303);
    const link = linkIn((await latestEmailTo(db, 'old.referee@test.example'))!.body_text, '/references/');
    const stored = await db
      .selectFrom('reference_requests')
      .select('token_hash')
      .where('application_id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(link).not.toContain(stored.token_hash);

    const form = {
      relationship: 'Manager',
      howLong: '2 years',
      suitability: 'Good',
      hasConcerns: 'yes',
      concerns: '',
      declaration: 'yes',
    };
    const incomplete = await referee.post(link, { ...form, declaration: '' });
    expect(errors(incomplete.body)).toEqual(['Confirm that the reference is true to the best of your knowledge']);
    const noDetail = await referee.post(link, form);
    expect(errors(noDetail.body)).toEqual(['Describe your concerns']);
    expect((await referee.post(link, { ...form, concerns: 'Often late' })).statusCode).toBe(200);
    const again = await referee.get(link);
    expect(again.statusCode).toBe(410);
    expect(textOf(again.body)).toContain('This reference has already been sent');

    expect(
      (
        await recruiter.post(paths.staff.applicationChecks({ id: application.id }), {
          action: 'references',
          referees: '0',
        })
      ).statusCode,
    ).toBe(303);
    const second = linkIn((await latestEmailTo(db, 'old.referee@test.example'))!.body_text, '/references/');
    await db
      .updateTable('reference_requests')
      .set({ requested_at: new Date(Date.now() - 31 * DAY_MS) })
      .where('application_id', '=', application.id)
      .where('received_at', 'is', null)
      .execute();
    const expired = await referee.get(second);
    expect(expired.statusCode).toBe(410);
    expect(textOf(expired.body)).toContain('This reference link has expired');
  });
});

describe('email templates', () => {
  it('previews with sample values, saves, resets and audits', async () => {
    const page = paths.staff.template({ stage: 'reserve' });
    const preview = await recruiter.post(page, {
      subject: 'Reserve: ((job_title))',
      body: 'Hi ((name))',
      action: 'preview',
    });
    expect(preview.statusCode).toBe(200);
    expect(textOf(preview.body)).toContain('Reserve: Customer adviser');
    expect(textOf(preview.body)).toContain('Hi Sam Sample');
    expect(
      await db
        .selectFrom('recruitment_message_templates')
        .select('stage')
        .where('stage', '=', 'reserve')
        .where('organisation_id', '=', employer)
        .execute(),
    ).toEqual([]);
    const unknown = await recruiter.post(page, { subject: 'Reserve ((salary))', body: 'Hi', action: 'save' });
    expect(errors(unknown.body)[0]).toMatch(/The subject uses \(\(salary\)\)/);
    expect(
      (await recruiter.post(page, { subject: 'Reserve: ((job_title))', body: 'Hi ((name))', action: 'save' }))
        .statusCode,
    ).toBe(303);
    expect((await recruiter.post(page, { action: 'reset' })).statusCode).toBe(303);
    const audits = await db
      .selectFrom('audit_log')
      .select('action')
      .where('record_type', '=', 'recruitment_message_template')
      .where('record_id', '=', `${employer}:reserve`)
      .orderBy('id')
      .execute();
    expect(audits.map((audit) => audit.action)).toEqual(['update', 'delete']);
    expect((await manager.get(page)).statusCode).toBe(403);
    expect((await recruiter.get(paths.staff.template({ stage: 'draft' }))).statusCode).toBe(404);
  });
});
