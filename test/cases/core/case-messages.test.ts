import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../../src/db/schema.js';
import { createSmtpMailer } from '../../../src/modules/notify/mailer.js';
import { createOutboxRepository } from '../../../src/modules/notify/repository.js';
import { createOutboxWorker } from '../../../src/modules/notify/worker.js';
import { anonymous, type StaffActor } from '../../../src/shared/actor.js';
import { formatDay } from '../../../src/shared/dates.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
let now = new Date('2026-11-24T10:00:00Z');
const clock = () => now;
let services: Awaited<ReturnType<typeof casesServices>>;
let dales: number;
let amberValley: number;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await casesServices(database.db, clock);
  [dales, amberValley] = await Promise.all(['E07000035', 'E07000032'].map((gss) => organisationId(database.db, gss)));
  for (const [organisation, email] of [
    [dales, 'waste@dales.test'],
    [amberValley, 'waste@ambervalley.test'],
  ] as const)
    await database.db
      .updateTable('teams')
      .set({ email })
      .where('organisation_id', '=', organisation)
      .where('name', '=', 'Waste and recycling')
      .execute();
}, 60_000);
afterAll(async () => {
  await database?.destroy();
});

async function staffOf(organisation: number, roles: StaffRole[] = ['service_officer']): Promise<StaffActor> {
  const staff = await createStaff(database.db, { organisationId: organisation, roles });
  return {
    kind: 'staff',
    staffId: staff.id,
    name: 'Officer',
    email: staff.email,
    organisationId: organisation,
    organisationName: organisation === dales ? 'Derbyshire Dales District Council' : 'Amber Valley Borough Council',
    roles,
  };
}

async function report(contact: { name: string | null; email: string | null; phone: string | null }) {
  const result = await services.cases.submit(anonymous, {
    serviceCode: 'missed-bin',
    place: await services.place('DE4 3AG'),
    locationDescription: 'Outside number 12',
    description: 'Not emptied',
    answers: { bin_type: 'general' },
    channel: 'web',
    contact,
    citizenId: null,
  });
  if (result.outcome !== 'created') throw new Error(result.outcome);
  return result;
}

const emailsTo = (to: string) =>
  database.db
    .selectFrom('email_outbox')
    .select(['id', 'subject', 'body_text as body'])
    .where('to_address', '=', to)
    .orderBy('id')
    .execute();

const later = (days: number) => (now = new Date(now.getTime() + days * 86_400_000));

describe('a message at every step', () => {
  it('tells the resident at each step from report to closure, and the teams and assignee of new, transferred and reopened work', async () => {
    const { caseId, reference, dueOn } = await report({ name: 'Ada Resident', email: 'ada@example.com', phone: null });
    const officer = await staffOf(dales);
    await services.workflow.changeStatus(officer, caseId, { status: 'acknowledged', message: 'A crew will call' });
    await services.workflow.addUpdate(officer, caseId, { body: 'Crew booked for Tuesday', isPublic: true });
    await services.workflow.transfer(officer, caseId, {
      toOrganisationId: amberValley,
      reason: 'The bins there are Amber Valley’s',
      confirmOutsideArea: true,
    });
    const receiver = await staffOf(amberValley);
    later(1);
    await services.workflow.changeStatus(receiver, caseId, { status: 'in_progress', message: '' });
    const assignee = await staffOf(amberValley);
    const team = await database.db
      .selectFrom('cases')
      .select('team_id')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    await services.workflow.assign(receiver, caseId, { teamId: team.team_id, assigneeStaffId: assignee.staffId });
    await services.workflow.changeStatus(receiver, caseId, { status: 'resolved', message: 'Emptied today' });
    later(2);
    await services.workflow.reopen((await services.repository.findById(caseId))!, 'Still full', anonymous);
    await services.workflow.changeStatus(receiver, caseId, {
      status: 'closed',
      closureReason: 'no_further_action',
      message: 'Emptied again; it was a one-off',
    });

    const resident = await emailsTo('ada@example.com');
    expect(resident.map((email) => email.subject)).toEqual([
      `We have your report: Missed bin collection (${reference})`,
      `We are looking at your report ${reference}`,
      `Update on your report ${reference}`,
      `Your report ${reference} is now with Amber Valley Borough Council`,
      `Work has started on your report ${reference}`,
      `Your report ${reference} has been resolved`,
      `Your report ${reference} has been reopened`,
      `Your report ${reference} has been closed`,
    ]);
    const [received, acknowledged, updated, transferred, , resolved, reopened, closed] = resident.map((e) => e.body);
    expect(received).toContain(`Dear Ada Resident,\n\nThank you. Derbyshire Dales District Council has your report.`);
    expect(received).toContain(`We aim to deal with it by ${formatDay(dueOn)}.`);
    expect(acknowledged).toContain('A crew will call');
    expect(updated).toContain('Crew booked for Tuesday');
    expect(transferred).toContain(
      'Derbyshire Dales District Council has passed your report about Missed bin collection to Amber Valley Borough Council',
    );
    expect(transferred).toContain(
      `Your reference is still ${reference}. We still aim to deal with it by ${formatDay(dueOn)}.`,
    );
    expect(transferred).toContain(`http://shirehall.test/track?reference=${reference}`);
    expect(resolved).toMatch(/Tell us in one click: http:\/\/shirehall\.test\/satisfaction\?token=\S+/);
    expect(reopened).toContain('The reason: Still full');
    expect(closed).toContain('Why: No further action needed.');
    expect(closed).toContain('Emptied again; it was a one-off');
    // An empty message leaves no run of blank lines behind.
    for (const body of resident.map((email) => email.body)) expect(body).not.toMatch(/\n{3,}|\(\(/);

    expect((await emailsTo('waste@dales.test')).map((email) => email.subject)).toEqual([
      `New case: ${reference} (Missed bin collection)`,
    ]);
    expect((await emailsTo('waste@ambervalley.test')).map((email) => email.subject)).toEqual([
      `Case transferred to you: ${reference}`,
      `Case reopened: ${reference}`,
    ]);
    expect((await emailsTo(assignee.email)).map((email) => email.subject)).toEqual([
      `Case assigned to you: ${reference}`,
      `Case reopened: ${reference}`,
    ]);
  });

  it('closes a duplicate with a link to the original, whose later news reaches the duplicate’s resident', async () => {
    const original = await report({ name: 'First Reporter', email: 'first@example.com', phone: null });
    const duplicate = await report({ name: 'Second Reporter', email: 'second@example.com', phone: null });
    const officer = await staffOf(dales);
    await services.workflow.changeStatus(officer, duplicate.caseId, {
      status: 'closed',
      closureReason: 'duplicate',
      duplicateOf: original.caseId,
      message: '',
    });
    const [, closed] = await emailsTo('second@example.com');
    expect(closed.subject).toBe(`Your report ${duplicate.reference} was already reported`);
    expect(closed.body).toContain(`as ${original.reference}, so we have closed your report ${duplicate.reference}`);
    expect(closed.body).toContain(`See it at http://shirehall.test/track?reference=${original.reference}`);

    await services.workflow.addUpdate(officer, original.caseId, { body: 'Crew sent', isPublic: true });
    expect((await emailsTo('first@example.com')).at(-1)?.subject).toBe(`Update on your report ${original.reference}`);
    const news = (await emailsTo('second@example.com')).at(-1)!;
    expect(news.subject).toBe(`News of report ${original.reference}, which you are following`);
    expect(news.body).toContain(`as your report ${duplicate.reference} was about the same problem.\n\nCrew sent`);
    expect(news.body).toContain(`Follow it at http://shirehall.test/track?reference=${original.reference}`);
  });

  it('says why a case was closed as not the council’s responsibility', async () => {
    const { caseId, reference } = await report({ name: 'Nora Notours', email: 'notours@example.com', phone: null });
    await services.workflow.changeStatus(await staffOf(dales), caseId, {
      status: 'closed',
      closureReason: 'not_our_responsibility',
      message: 'The bin store belongs to the housing association',
    });
    const closed = (await emailsTo('notours@example.com')).at(-1)!;
    expect(closed.subject).toBe(`Your report ${reference} has been closed`);
    expect(closed.body).toContain(
      'Why: Not the council’s responsibility.\n\nThe bin store belongs to the housing association',
    );
  });

  it('keeps a letter, not an email, for a resident who gave a telephone number and no email address', async () => {
    const { caseId, reference } = await report({ name: 'Pat Phone', email: null, phone: '07700 900123' });
    await services.workflow.addUpdate(await staffOf(dales), caseId, { body: 'Crew sent', isPublic: true });
    const letters = await database.db
      .selectFrom('case_letters')
      .select(['kind', 'subject', 'body'])
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();
    expect(letters.map((letter) => [letter.kind, letter.subject])).toEqual([
      ['received', `We have your report: Missed bin collection (${reference})`],
      ['updated', `Update on your report ${reference}`],
    ]);
    expect(letters[0].body).toContain('Dear Pat Phone,');
    const emails = await database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('subject', 'like', `%${reference}%`)
      .where('to_address', 'not like', '%.test')
      .execute();
    expect(emails).toEqual([]);
  });

  it('sends each in the organisation’s own wording when it has changed it', async () => {
    await database.db
      .insertInto('message_templates')
      .values({
        organisation_id: dales,
        kind: 'received',
        subject: 'Thanks from the Dales: ((reference))',
        body: 'Hello ((name)), we will deal with it by ((due_date)). ((track_url))',
        updated_by_staff_id: null,
      })
      .execute();
    const { reference, dueOn } = await report({ name: 'Wendy Words', email: 'words@example.com', phone: null });
    const [email] = await emailsTo('words@example.com');
    expect(email.subject).toBe(`Thanks from the Dales: ${reference}`);
    expect(email.body).toBe(
      `Hello Wendy Words, we will deal with it by ${formatDay(dueOn)}. http://shirehall.test/track?reference=${reference}`,
    );
    await database.db.deleteFrom('message_templates').execute();
  });

  it('delivers the messages through a real SMTP server', async () => {
    const received: { to: string; subject: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const headers = Buffer.concat(chunks)
            .toString('utf8')
            .split('\r\n\r\n')[0]
            .replace(/\r\n[ \t]+/g, ' ');
          const subject = /^Subject: (.*)$/m.exec(headers)?.[1] ?? '';
          received.push({ to: session.envelope.rcptTo[0].address, subject });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, 'x@test');
    try {
      await database.db.updateTable('email_outbox').set({ sent_at: new Date() }).execute();
      const { caseId, reference } = await report({ name: 'Sam Smtp', email: 'sam@example.com', phone: null });
      await services.workflow.transfer(await staffOf(dales), caseId, {
        toOrganisationId: amberValley,
        reason: 'Theirs',
        confirmOutsideArea: true,
      });
      const worker = createOutboxWorker({
        repository: createOutboxRepository(database.db),
        mailer,
        clock: () => new Date(Date.now() + 5_000),
        random: () => 0,
      });
      await worker.sendDue();
      expect(received.filter((email) => email.to === 'sam@example.com').map((email) => email.subject)).toEqual([
        `We have your report: Missed bin collection (${reference})`,
        `Your report ${reference} is now with Amber Valley Borough Council`,
      ]);
      expect(received.filter((email) => email.to === 'waste@ambervalley.test').map((email) => email.subject)).toEqual([
        `Case transferred to you: ${reference}`,
      ]);
    } finally {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
