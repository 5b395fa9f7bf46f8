import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';
import {
  casesAgreement,
  gss,
  organisationId,
  referencesIn,
  report,
  servicesFor,
  staffActor,
  type CasesServices,
} from './staff-cases-fixtures.js';
import { errorSummary } from '../../support/error-summary.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dales: number;
let amberValley: number;
let chesterfield: number;
let county: number;
let officer: { client: TestClient; staff: { id: number } };

const casePage = (id: number) => `/staff/cases/${id}`;
const action = (id: number, name: string) => `/staff/cases/${id}/${name}`;

/** The text of the GOV.UK error summary's links, and where they point. */
async function eventsOf(caseId: number) {
  return db
    .selectFrom('case_events')
    .select(['kind', 'body', 'channel', 'is_public'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  [dales, amberValley, chesterfield, county] = await Promise.all(
    [gss.dales, gss.amberValley, gss.chesterfield, gss.county].map((code) => organisationId(db, code)),
  );
  officer = await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] });
});

describe('the case page', () => {
  it('shows an officer of the owning council the details, answers, contact details, map, timeline and every action', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', {
      description: 'Bin not emptied\nsecond week running',
      email: 'page@example.com',
    });
    const author = await staffActor(db, dales, ['service_officer']);
    await services.workflow.addUpdate(author, id, { body: 'Round sheet says missed', isPublic: false });

    const response = await officer.client.get(casePage(id));
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain(`<title>Case ${reference} – `);
    expect(html).toContain('Derbyshire Dales District Council');
    expect(html).toMatch(/Bin not emptied<br \/>\s*second week running/);
    expect(html).toContain('Which bins were missed?');
    expect(html).toContain('General waste');
    expect(html).toContain('page@example.com');
    expect(html).toContain('01629 580000');
    expect(html).toMatch(/<div data-shirehall-map data-latitude="53\.\d+" data-longitude="-1\.\d+"/);
    expect(html).toContain('in postcode DE4 3AG: Outside number 12.');
    expect(html).toContain('Round sheet says missed');
    expect(html).toMatch(/Internal note\s*<strong class="govuk-tag govuk-tag--grey">Internal<\/strong>/);
    for (const name of ['public-update', 'internal-note', 'status', 'assign', 'transfer', 'contact'])
      expect(html).toContain(`action="${action(id, name)}"`);

    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('record_type', '=', 'case')
      .where('record_id', '=', String(id))
      .where('action', '=', 'read')
      .execute();
    expect(audit.some((entry) => entry.actor_id === officer.staff.id)).toBe(true);
  });

  it('shows an agent of another partner under an agreement the case without internal notes or changes, and lets them note a contact', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const author = await staffActor(db, dales, ['service_officer']);
    await services.workflow.addUpdate(author, id, { body: 'Secret internal remark', isPublic: false });
    await services.workflow.addUpdate(author, id, { body: 'We will come back on Friday', isPublic: true });
    await casesAgreement(db, [dales, chesterfield]);
    const agent = await signedInStaff(context.app, db, {
      organisationId: chesterfield,
      roles: ['contact_centre_agent'],
    });
    // The agreement lets an agent see the case of a caller who verifies it, not browse.
    expect((await agent.client.get(casePage(id))).statusCode).toBe(403);
    const { reference } = (await services.repository.findById(id))!;
    expect(
      (await agent.client.post('/staff/cases/find', { reference, verification: 'DE4 3AG' }, '/staff/cases/find'))
        .statusCode,
    ).toBe(303);

    const page = await agent.client.get(casePage(id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('We will come back on Friday');
    expect(page.body).not.toContain('Secret internal remark');
    expect(page.body).toContain('Derbyshire Dales District Council’s internal notes are not shown.');
    expect(page.body).toContain(`action="${action(id, 'contact')}"`);
    for (const name of ['public-update', 'internal-note', 'status', 'assign', 'transfer'])
      expect(page.body).not.toContain(`action="${action(id, name)}"`);

    const noted = await agent.client.post(
      action(id, 'contact'),
      { contactChannel: 'phone', contactNote: 'Resident rang to ask when' },
      casePage(id),
    );
    expect(noted.statusCode).toBe(303);
    expect(noted.headers.location).toBe(`${casePage(id)}?done=contact`);
    const after = await agent.client.get(noted.headers.location!);
    expect(after.body).toContain('Contact noted.');
    expect(after.body).toContain('Contact by phone');
    expect(after.body).toContain('Resident rang to ask when');
    expect((await eventsOf(id)).at(-1)).toMatchObject({ kind: 'contact_recorded', channel: 'phone', is_public: false });

    // Anything more is refused, whether the form is filled in or not.
    expect(
      (await agent.client.post(action(id, 'public-update'), { update: 'Not mine to send' }, casePage(id))).statusCode,
    ).toBe(403);
    expect((await agent.client.post(action(id, 'status'), {}, casePage(id))).statusCode).toBe(403);
    expect(
      (
        await agent.client.post(
          action(id, 'transfer'),
          { transferTo: String(amberValley), transferReason: 'x' },
          casePage(id),
        )
      ).statusCode,
    ).toBe(403);
    expect((await eventsOf(id)).filter((event) => event.kind === 'public_update')).toHaveLength(1);
  });

  it('refuses a contact note without its channel or words, keeping what was typed', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const response = await officer.client.post(action(id, 'contact'), { contactNote: 'Rang again' }, casePage(id));
    expect(response.statusCode).toBe(400);
    expect(errorSummary(response.body)).toEqual([{ href: '#contactChannel', text: 'Select how they got in touch' }]);
    expect(response.body).toContain('>Rang again</textarea>');
  });

  it('answers 404 for a case that does not exist and for an address that is not a case', async () => {
    expect((await officer.client.get(casePage(99_999_999))).statusCode).toBe(404);
    expect((await officer.client.get('/staff/cases/not-a-number')).statusCode).toBe(404);
  });
});

describe('public updates and internal notes', () => {
  it('adds a public update, emails it to the resident, and says so', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'update@example.com' });
    const response = await officer.client.post(
      action(id, 'public-update'),
      { update: 'The crew will call tomorrow' },
      casePage(id),
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${casePage(id)}?done=public-update`);
    const page = await officer.client.get(response.headers.location!);
    expect(page.body).toContain('Update added to the resident’s timeline and emailed to them.');
    expect(page.body).toContain('Update to the resident');
    const email = await db
      .selectFrom('email_outbox')
      .select(['subject', 'body_text'])
      .where('to_address', '=', 'update@example.com')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(email.subject).toBe(`Update on your report ${reference}`);
    expect(email.body_text).toContain('The crew will call tomorrow');
  });

  it('refuses an empty update with the GOV.UK error summary and the message beside the field', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const response = await officer.client.post(action(id, 'public-update'), { update: '   ' }, casePage(id));
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/<title>Error: Case /);
    expect(errorSummary(response.body)).toEqual([{ href: '#update', text: 'Enter the update for the resident' }]);
    expect(response.body).toContain('id="update-error"');
    expect((await eventsOf(id)).map((event) => event.kind)).toEqual(['created']);
  });

  it('adds an internal note that the resident never sees, and refuses an empty one', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'note@example.com' });
    const added = await officer.client.post(
      action(id, 'internal-note'),
      { note: 'Access via the back lane' },
      casePage(id),
    );
    expect(added.headers.location).toBe(`${casePage(id)}?done=internal-note`);
    expect((await officer.client.get(added.headers.location!)).body).toContain('Internal note added.');
    expect((await eventsOf(id)).at(-1)).toMatchObject({
      kind: 'internal_note',
      is_public: false,
      body: 'Access via the back lane',
    });
    const record = (await services.repository.findById(id))!;
    expect((await services.cases.timeline(record, false)).map((event) => event.body)).not.toContain(
      'Access via the back lane',
    );
    expect(
      await db.selectFrom('email_outbox').select('subject').where('to_address', '=', 'note@example.com').execute(),
    ).toHaveLength(1);

    const empty = await officer.client.post(action(id, 'internal-note'), { note: '' }, casePage(id));
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([{ href: '#note', text: 'Enter the note' }]);
  });
});

describe('changing the status', () => {
  it('moves a case on and emails the message', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'status@example.com' });
    const response = await officer.client.post(
      action(id, 'status'),
      { status: 'in_progress', statusMessage: 'On the list for today' },
      casePage(id),
    );
    expect(response.headers.location).toBe(`${casePage(id)}?done=status`);
    const page = await officer.client.get(response.headers.location!);
    expect(page.body).toContain('Status changed to in progress.');
    expect(page.body).toContain('Status changed from open to in progress');
    expect((await services.repository.findById(id))?.status).toBe('in_progress');
    const subjects = (
      await db.selectFrom('email_outbox').select('subject').where('to_address', '=', 'status@example.com').execute()
    ).map((row) => row.subject);
    expect(subjects).toContain(`Work has started on your report ${reference}`);
    const started = await db
      .selectFrom('email_outbox')
      .select('body_text')
      .where('subject', '=', `Work has started on your report ${reference}`)
      .executeTakeFirstOrThrow();
    expect(started.body_text).toContain('On the list for today');
  });

  it('needs a reason to close, and the reference of the case a duplicate repeats', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const original = await report(services, 'missed-bin', 'DE4 3AG');

    const noReason = await officer.client.post(action(id, 'status'), { status: 'closed' }, casePage(id));
    expect(noReason.statusCode).toBe(400);
    expect(errorSummary(noReason.body)).toEqual([{ href: '#closureReason', text: 'Select why the case is closed' }]);

    const noReference = await officer.client.post(
      action(id, 'status'),
      { status: 'closed', closureReason: 'duplicate' },
      casePage(id),
    );
    expect(errorSummary(noReference.body)).toEqual([
      { href: '#duplicateReference', text: 'Enter the reference of the case this one duplicates' },
    ]);

    const unknown = await officer.client.post(
      action(id, 'status'),
      { status: 'closed', closureReason: 'duplicate', duplicateReference: 'DBY-1999-000001' },
      casePage(id),
    );
    expect(unknown.statusCode).toBe(400);
    expect(errorSummary(unknown.body)).toEqual([
      { href: '#duplicateReference', text: 'No case you may see has the reference DBY-1999-000001' },
    ]);
    expect(unknown.body).toContain('value="DBY-1999-000001"');

    const closed = await officer.client.post(
      action(id, 'status'),
      { status: 'closed', closureReason: 'duplicate', duplicateReference: original.reference.toLowerCase() },
      casePage(id),
    );
    expect(closed.statusCode).toBe(303);
    const record = (await services.repository.findById(id))!;
    expect(record).toMatchObject({ status: 'closed', closure_reason: 'duplicate', duplicate_of_case_id: original.id });
    expect((await officer.client.get(casePage(id))).body).toContain(`Closed: duplicate of ${original.reference}`);
  });

  it('closes for no further action, and shows a change the workflow refuses as an error beside the status', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    expect(
      (
        await officer.client.post(
          action(id, 'status'),
          { status: 'closed', closureReason: 'no_further_action' },
          casePage(id),
        )
      ).statusCode,
    ).toBe(303);
    const refused = await officer.client.post(
      action(id, 'status'),
      { status: 'in_progress', statusMessage: 'Trying again' },
      casePage(id),
    );
    expect(refused.statusCode).toBe(409);
    expect(errorSummary(refused.body)).toEqual([
      { href: '#status', text: 'A case that is closed cannot become in progress' },
    ]);
    expect(refused.body).toContain('>Trying again</textarea>');
  });

  it('refuses a status that is not on the list', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const response = await officer.client.post(action(id, 'status'), { status: 'open' }, casePage(id));
    expect(response.statusCode).toBe(400);
    expect(errorSummary(response.body)).toEqual([{ href: '#status', text: 'Select the new status' }]);
  });
});

describe('assigning', () => {
  it('sets the team and the person, and shows them', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const team = await db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('organisation_id', '=', dales)
      .where('name', '=', 'Waste and recycling')
      .executeTakeFirstOrThrow();
    const response = await officer.client.post(
      action(id, 'assign'),
      { team: String(team.id), assignee: String(officer.staff.id) },
      casePage(id),
    );
    expect(response.headers.location).toBe(`${casePage(id)}?done=assign`);
    const page = await officer.client.get(response.headers.location!);
    expect(page.body).toContain('Team and person saved.');
    expect(page.body).toContain('Team or person changed');
    expect(await services.repository.findById(id)).toMatchObject({
      team_id: team.id,
      assignee_staff_id: officer.staff.id,
    });

    const unassigned = await officer.client.post(
      action(id, 'assign'),
      { team: String(team.id), assignee: '' },
      casePage(id),
    );
    expect(unassigned.statusCode).toBe(303);
    expect((await services.repository.findById(id))?.assignee_staff_id).toBeNull();
  });

  it('refuses someone of another organisation as an error beside the field, and nonsense with a 400', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const outsider = await staffActor(db, amberValley, ['service_officer']);
    const refused = await officer.client.post(
      action(id, 'assign'),
      { team: '', assignee: String(outsider.staffId) },
      casePage(id),
    );
    expect(refused.statusCode).toBe(409);
    expect(errorSummary(refused.body)).toEqual([
      { href: '#team', text: 'Choose someone in the organisation that owns the case' },
    ]);
    const nonsense = await officer.client.post(action(id, 'assign'), { team: 'waste', assignee: '' }, casePage(id));
    expect(nonsense.statusCode).toBe(400);
    expect(errorSummary(nonsense.body)).toEqual([{ href: '#team', text: 'Select a team from the list' }]);
  });
});

describe('transferring to another partner', () => {
  it('moves the case with its history, shows it in the receiving worklist, and the sender loses it unless an agreement covers it', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', { email: 'moved@example.com' });
    await db
      .updateTable('teams')
      .set({ email: 'waste@ambervalley.test' })
      .where('organisation_id', '=', amberValley)
      .where('name', '=', 'Waste and recycling')
      .execute();

    const page = await officer.client.get(casePage(id));
    expect(page.body).toMatch(/<option value="\d+">Amber Valley Borough Council<\/option>/);
    expect(page.body).not.toMatch(/<option value="\d+">Derbyshire County Council<\/option>/);

    const response = await officer.client.post(
      action(id, 'transfer'),
      { transferTo: String(amberValley), transferReason: 'The property is in Amber Valley', confirmOutsideArea: 'yes' },
      casePage(id),
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/staff/cases?transferred=${id}`);
    const worklist = await officer.client.get(response.headers.location!);
    expect(worklist.body).toContain(`Case ${reference} transferred to Amber Valley Borough Council.`);
    expect(referencesIn(worklist.body)).not.toContain(reference);
    expect((await officer.client.get(casePage(id))).statusCode).toBe(403);

    const receiver = await signedInStaff(context.app, db, { organisationId: amberValley, roles: ['service_officer'] });
    expect(referencesIn((await receiver.client.get('/staff/cases')).body)).toContain(reference);
    const received = await receiver.client.get(casePage(id));
    expect(received.statusCode).toBe(200);
    expect(received.body).toContain(
      'Transferred from Derbyshire Dales District Council to Amber Valley Borough Council',
    );
    expect(received.body).toContain('The property is in Amber Valley');
    expect(received.body).toContain(`Case ${reference}`);
    // Someone else's transfer is not announced on another person's worklist.
    expect((await receiver.client.get(`/staff/cases?transferred=${id}`)).body).not.toContain(
      'transferred to Amber Valley',
    );
    const notice = await db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', 'waste@ambervalley.test')
      .executeTakeFirst();
    expect(notice?.subject).toBe(`Case transferred to you: ${reference}`);

    // An agreement alone does not give it back: it names the roles it is for, and a relationship test.
    await casesAgreement(db, [dales, amberValley]);
    const underAgreement = await officer.client.get(casePage(id));
    expect(underAgreement.statusCode).toBe(403);
    await db.deleteFrom('agreement_parties').where('organisation_id', 'in', [dales, amberValley]).execute();
  });

  it('needs a reason and an organisation, and shows the workflow’s refusal beside the organisation', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const missing = await officer.client.post(
      action(id, 'transfer'),
      { transferTo: '', transferReason: '' },
      casePage(id),
    );
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toEqual([
      { href: '#transferTo', text: 'Select the organisation to transfer the case to' },
      { href: '#transferReason', text: 'Enter why you are transferring the case' },
    ]);
    // The county does not empty bins: a hand-made form naming it is refused by the workflow.
    const wrong = await officer.client.post(
      action(id, 'transfer'),
      { transferTo: String(county), transferReason: 'Try the county' },
      casePage(id),
    );
    expect(wrong.statusCode).toBe(409);
    expect(errorSummary(wrong.body)).toEqual([
      { href: '#transferTo', text: 'That organisation does not take this kind of request' },
    ]);
    expect(wrong.body).toContain('>Try the county</textarea>');
    expect((await services.repository.findById(id))?.organisation_id).toBe(dales);
  });
});
