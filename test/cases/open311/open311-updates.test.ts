import { beforeAll, describe, expect, it } from 'vitest';
import { createStaff, organisationId } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { issueTestKey, missedBin, parseXml, postForm, type FormEntries, type Xml } from '../../support/open311.js';

const context = useTestApp();
const base = '/open311/v2';
const db = () => context.database.db;

let fixMyStreet: { id: number; key: string };
let dalesBackOffice: { id: number; key: string };
let countyBackOffice: { id: number; key: string };

const post = (url: string, entries: FormEntries, headers: Record<string, string> = {}) =>
  postForm(context.app, `${base}/${url}`, entries, headers);
const update = (key: string, serviceRequestId: string, status: string, description = '', extra: FormEntries = []) =>
  post('servicerequestupdates.xml', [
    ['api_key', key],
    ['service_request_id', serviceRequestId],
    ['update_id', String(Math.floor(Math.random() * 1e6))],
    ['status', status],
    ['description', description],
    ['updated_datetime', new Date().toISOString()],
    ['first_name', 'Bob'],
    ['last_name', 'Mould'],
    ...extra,
  ]);
const caseOf = (reference: string) =>
  db().selectFrom('cases').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();

/** A new request from FixMyStreet, for a resident with an email address. */
async function newRequest(extra: FormEntries = []): Promise<string> {
  const response = await post(
    'requests.xml',
    missedBin(fixMyStreet.key, [['email', 'resident@example.com'], ...extra]),
  );
  expect(response.statusCode).toBe(201);
  return parseXml(response.body).service_requests.request[0].service_request_id;
}

beforeAll(async () => {
  fixMyStreet = await issueTestKey(db(), 'FixMyStreet');
  dalesBackOffice = await issueTestKey(db(), 'Dales back office', await organisationId(db(), 'E07000035'));
  countyBackOffice = await issueTestKey(db(), 'County back office', await organisationId(db(), 'E10000007'));
});

describe('POST servicerequestupdates from a back office', () => {
  it('moves the case through the workflow as the back office, telling the resident each time', async () => {
    const reference = await newRequest();
    const investigating = await update(dalesBackOffice.key, reference, 'INVESTIGATING', 'A crew will look tomorrow');
    expect(investigating.statusCode).toBe(201);
    const [answer] = parseXml(investigating.body).service_request_updates.request_update;
    expect(answer.update_id).toMatch(/^\d+$/);
    expect((await caseOf(reference)).status).toBe('acknowledged');

    const event = await db()
      .selectFrom('case_events')
      .selectAll()
      .where('id', '=', Number(answer.update_id))
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      kind: 'status_changed',
      is_public: true,
      body: 'A crew will look tomorrow',
      from_status: 'open',
      to_status: 'acknowledged',
      staff_id: null,
      organisation_id: await organisationId(db(), 'E07000035'),
      channel: 'open311',
    });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('actor_type', '=', 'api_client')
      .where('actor_id', '=', dalesBackOffice.id)
      .orderBy('id')
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['update', 'open311-post']);
    expect(audit[0].detail).toMatchObject({ status: { from: 'open', to: 'acknowledged' }, sent: 'INVESTIGATING' });

    expect((await update(dalesBackOffice.key, reference, 'ACTION_SCHEDULED', 'Booked for Friday')).statusCode).toBe(
      201,
    );
    expect((await caseOf(reference)).status).toBe('in_progress');
    // An open status never moves a case back: this is a message only.
    expect((await update(dalesBackOffice.key, reference, 'OPEN', 'Still booked for Friday')).statusCode).toBe(201);
    expect((await caseOf(reference)).status).toBe('in_progress');
    const fixed = await update(dalesBackOffice.key, reference, 'FIXED', 'Emptied on Friday');
    expect(fixed.statusCode).toBe(201);
    const resolved = await caseOf(reference);
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolved_at).not.toBeNull();

    const timeline = await db()
      .selectFrom('case_events')
      .select(['kind', 'to_status', 'body'])
      .where('case_id', '=', resolved.id)
      .orderBy('id')
      .execute();
    expect(timeline).toEqual([
      { kind: 'created', to_status: 'open', body: 'Reported to Derbyshire Dales District Council' },
      { kind: 'status_changed', to_status: 'acknowledged', body: 'A crew will look tomorrow' },
      { kind: 'status_changed', to_status: 'in_progress', body: 'Booked for Friday' },
      { kind: 'public_update', to_status: null, body: 'Still booked for Friday' },
      { kind: 'status_changed', to_status: 'resolved', body: 'Emptied on Friday' },
    ]);
    const emails = await db()
      .selectFrom('email_outbox')
      .select(['subject', 'body_text'])
      .where('to_address', '=', 'resident@example.com')
      .where('subject', 'like', `%${reference}%`)
      .orderBy('id')
      .execute();
    expect(emails.map((email) => email.subject)).toEqual([
      `We have your report: Missed bin collection (${reference})`,
      `We are looking at your report ${reference}`,
      `Work has started on your report ${reference}`,
      `Update on your report ${reference}`,
      `Your report ${reference} has been resolved`,
    ]);
    expect(emails[4].body_text).toContain('/satisfaction?token=');
  });

  it('closes with the reason FixMyStreet gives, reopens a resolved case, and never reopens a closed one', async () => {
    const reference = await newRequest();
    await update(dalesBackOffice.key, reference, 'fixed', 'Done');
    // A resolved case that the back office says is open again goes back to work.
    expect((await update(dalesBackOffice.key, reference, 'REOPEN', 'The crew missed one bin')).statusCode).toBe(201);
    expect((await caseOf(reference)).status).toBe('in_progress');

    expect(
      (await update(dalesBackOffice.key, reference, 'NOT_COUNCILS_RESPONSIBILITY', 'A private collection')).statusCode,
    ).toBe(201);
    expect(await caseOf(reference)).toMatchObject({ status: 'closed', closure_reason: 'not_our_responsibility' });
    // A back office's open status on a closed case is a message, not a refusal that FixMyStreet would retry for ever.
    const reopen = await update(dalesBackOffice.key, reference, 'OPEN', 'Open it again');
    expect(reopen.statusCode).toBe(201);
    expect(await caseOf(reference)).toMatchObject({ status: 'closed', closure_reason: 'not_our_responsibility' });
    const nothing = await update(dalesBackOffice.key, reference, 'DUPLICATE');
    expect(nothing.statusCode).toBe(409);
    expect(parseXml(nothing.body).errors.error[0].description).toBe(
      'The request is already closed: send a description to add an update',
    );
    expect((await update(dalesBackOffice.key, reference, 'CLOSED', 'A note after closing')).statusCode).toBe(201);
    expect((await update(dalesBackOffice.key, reference, 'FIXED', 'Another note')).statusCode).toBe(201);
    expect(await caseOf(reference)).toMatchObject({ status: 'closed', closure_reason: 'not_our_responsibility' });

    const duplicate = await newRequest();
    await update(dalesBackOffice.key, duplicate, 'DUPLICATE', `Same as ${reference}`);
    expect(await caseOf(duplicate)).toMatchObject({ status: 'closed', closure_reason: 'duplicate' });
  });

  it('records an update FixMyStreet sends again with the same update_id once, answering as the first time', async () => {
    const reference = await newRequest();
    const send = (updatedAt: string) =>
      post('servicerequestupdates.xml', [
        ['api_key', fixMyStreet.key],
        ['service_request_id', reference],
        ['update_id', '9001'],
        ['status', 'OPEN'],
        ['description', 'The resident adds: the lid is broken too'],
        ['updated_datetime', updatedAt],
        ['first_name', 'Bob'],
        ['last_name', 'Mould'],
      ]);
    const first = await send('2026-11-26T10:00:00Z');
    expect(first.statusCode).toBe(201);
    // FixMyStreet did not hear back, and sends the same comment again a minute later.
    const again = await send('2026-11-26T10:01:00Z');
    expect(again.statusCode).toBe(201);
    expect(parseXml(again.body).service_request_updates.request_update).toEqual(
      parseXml(first.body).service_request_updates.request_update,
    );
    const messages = await db()
      .selectFrom('case_events')
      .select('body')
      .where('case_id', '=', (await caseOf(reference)).id)
      .where('kind', '=', 'public_update')
      .execute();
    expect(messages).toEqual([{ body: 'The resident adds: the lid is broken too' }]);
    // Another update_id is another update.
    const other = await update(fixMyStreet.key, reference, 'OPEN', 'And the wheel');
    expect(other.statusCode).toBe(201);
    expect(parseXml(other.body).service_request_updates.request_update[0].update_id).not.toBe(
      parseXml(first.body).service_request_updates.request_update[0].update_id,
    );
  });

  it('keeps a request FixMyStreet sent for one council in that jurisdiction after it is transferred', async () => {
    const jurisdiction: FormEntries = [['jurisdiction_id', 'derbyshiredales.gov.uk']];
    const reference = await newRequest(jurisdiction);
    const dales = await organisationId(db(), 'E07000035');
    const officer = await createStaff(db(), { organisationId: dales, roles: ['service_officer'] });
    const services = await casesServices(db(), () => new Date());
    await services.workflow.transfer(
      {
        kind: 'staff',
        staffId: officer.id,
        name: 'Officer',
        email: officer.email,
        organisationId: dales,
        organisationName: 'Derbyshire Dales District Council',
        roles: ['service_officer'],
      },
      (await caseOf(reference)).id,
      {
        toOrganisationId: await organisationId(db(), 'E07000032'),
        reason: 'The bins there are Amber Valley’s',
        // The request's pin is in the Dales: Amber Valley takes it on the officer's word.
        confirmOutsideArea: true,
      },
    );

    // FixMyStreet, set up for Derbyshire Dales, still reads the request and its updates…
    const query = `api_key=${fixMyStreet.key}&jurisdiction_id=derbyshiredales.gov.uk`;
    const request = await context.app.inject(`${base}/requests/${reference}.xml?${query}`);
    expect(request.statusCode).toBe(200);
    expect(parseXml(request.body).service_requests.request.map((found: Xml) => found.service_request_id)).toEqual([
      reference,
    ]);
    const updates = await context.app.inject(`${base}/servicerequestupdates.xml?${query}`);
    expect(updates.statusCode).toBe(200);
    const ours = parseXml(updates.body).service_request_updates.request_update.filter(
      (found: Xml) => found.service_request_id === reference,
    );
    expect(ours.length).toBeGreaterThan(0);
    // …and its resident's comments still reach the case.
    const comment = await update(fixMyStreet.key, reference, 'OPEN', 'Still not collected', jurisdiction);
    expect(comment.statusCode).toBe(201);
  });

  it('reopens a closed request for the resident whose client sent it, within 28 days, and keeps their words after', async () => {
    const reference = await newRequest();
    await update(dalesBackOffice.key, reference, 'NO_FURTHER_ACTION', 'Nothing more we can do');
    expect((await caseOf(reference)).status).toBe('closed');

    // FixMyStreet sends its resident's "this is not fixed" as REOPEN: within 28 days the case goes back to work.
    const reopened = await update(fixMyStreet.key, reference, 'REOPEN', 'It has not been collected at all');
    expect(reopened.statusCode).toBe(201);
    const open = await caseOf(reference);
    expect(open).toMatchObject({ status: 'open', closure_reason: null, closed_at: null });
    const last = await db()
      .selectFrom('case_events')
      .select(['kind', 'body', 'from_status', 'to_status', 'channel'])
      .where('case_id', '=', open.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toEqual({
      kind: 'reopened',
      body: 'It has not been collected at all',
      from_status: 'closed',
      to_status: 'open',
      channel: 'open311',
    });
    // The resident is told of the closure and of the reopening, as on the staff pages.
    const told = await db()
      .selectFrom('email_outbox')
      .select(['subject', 'body_text'])
      .where('subject', 'like', `%${reference}%`)
      .orderBy('id')
      .execute();
    expect(told.map((email) => email.subject).slice(-2)).toEqual([
      `Your report ${reference} has been closed`,
      `Your report ${reference} has been reopened`,
    ]);
    expect(told.at(-2)?.body_text).toContain('Why: No further action needed.');
    expect(told.at(-1)?.body_text).toContain('The reason: It has not been collected at all');

    // Closed 40 days ago: too late to reopen, but the resident's words are kept, and the answer is not a refusal.
    await update(dalesBackOffice.key, reference, 'NO_FURTHER_ACTION', 'Closed again');
    await db()
      .updateTable('cases')
      .set({ closed_at: new Date(Date.now() - 40 * 86_400_000) })
      .where('id', '=', open.id)
      .execute();
    const late = await update(fixMyStreet.key, reference, 'OPEN', 'Still there');
    expect(late.statusCode).toBe(201);
    expect((await caseOf(reference)).status).toBe('closed');
    const message = await db()
      .selectFrom('case_events')
      .select(['kind', 'body'])
      .where('case_id', '=', open.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ kind: 'public_update', body: 'Still there' });
    // With no words at all it is still taken, and says what was asked.
    expect((await update(fixMyStreet.key, reference, 'REOPEN')).statusCode).toBe(201);
  });

  it('lets the client that sent a request update it, and no one else’s', async () => {
    const own = await newRequest();
    expect((await update(fixMyStreet.key, own, 'OPEN', 'The resident adds: it is the blue bin')).statusCode).toBe(201);
    const other = await issueTestKey(db(), 'Another app');
    const refused = await update(other.key, own, 'FIXED', 'Done');
    expect(refused.statusCode).toBe(403);
    expect(parseXml(refused.body).errors.error[0].description).toMatch(/^This API key may not update this request/);
    // Nor may another council's back office.
    expect((await update(countyBackOffice.key, own, 'FIXED', 'Done')).statusCode).toBe(403);
    expect((await caseOf(own)).status).toBe('open');
  });

  it('refuses what it cannot apply, in the spec’s shape', async () => {
    const reference = await newRequest();
    const json = async (entries: FormEntries) => {
      const response = await post('servicerequestupdates.json', [['api_key', dalesBackOffice.key], ...entries]);
      return {
        status: response.statusCode,
        descriptions: (response.json() as { description: string }[]).map((error) => error.description),
      };
    };
    expect(
      await json([
        ['service_request_id', reference],
        ['status', 'ON_HOLD'],
        ['description', 'x'],
      ]),
    ).toEqual({
      status: 400,
      descriptions: [
        expect.stringMatching(
          /^status must be one of OPEN, REOPEN, INTERNAL_REFERRAL, INVESTIGATING, ACTION_SCHEDULED, IN_PROGRESS, FIXED, CLOSED, /,
        ),
      ],
    });
    expect(await json([['status', 'OPEN']])).toEqual({ status: 400, descriptions: ['service_request_id is required'] });
    expect(
      await json([
        ['service_request_id', 'DBY-1999-000001'],
        ['status', 'OPEN'],
        ['description', 'x'],
      ]),
    ).toEqual({
      status: 404,
      descriptions: ['There is no request DBY-1999-000001 that we can show you'],
    });
    expect(
      (
        await json([
          ['service_request_id', reference],
          ['status', 'OPEN'],
          ['description', 'x'],
          ['updated_datetime', 'last Tuesday'],
        ])
      ).status,
    ).toBe(400);
    expect(
      (
        await json([
          ['service_request_id', reference],
          ['status', 'OPEN'],
          ['description', 'x'],
          ['jurisdiction_id', 'E10000007'],
        ])
      ).status,
    ).toBe(404);
    const noKey = await post('servicerequestupdates.json', [
      ['service_request_id', reference],
      ['status', 'FIXED'],
    ]);
    expect(noKey.statusCode).toBe(403);
    expect((await caseOf(reference)).status).toBe('open');
  });

  it('applies a retried update once, with an Idempotency-Key', async () => {
    const reference = await newRequest();
    const entries: FormEntries = [
      ['api_key', dalesBackOffice.key],
      ['service_request_id', reference],
      ['status', 'OPEN'],
      ['description', 'Said once'],
    ];
    const first = await post('servicerequestupdates.json', entries, { 'idempotency-key': 'update-1' });
    const again = await post('servicerequestupdates.json', entries, { 'idempotency-key': 'update-1' });
    expect(first.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    const record = await caseOf(reference);
    const messages = await db()
      .selectFrom('case_events')
      .select('body')
      .where('case_id', '=', record.id)
      .where('body', '=', 'Said once')
      .execute();
    expect(messages).toHaveLength(1);
  });
});

describe('GET servicerequestupdates', () => {
  it('lists each public change since a date, with FixMyStreet’s statuses, and the words only for those who may read them', async () => {
    const start = new Date().toISOString();
    const reference = await newRequest();
    await update(dalesBackOffice.key, reference, 'INVESTIGATING', 'Looking into it');
    await update(dalesBackOffice.key, reference, 'IN_PROGRESS', 'On the way');
    await update(dalesBackOffice.key, reference, 'FIXED', 'Emptied');
    const closed = await newRequest();
    await update(dalesBackOffice.key, closed, 'NO_FURTHER_ACTION', 'Nothing to do');
    const end = new Date(Date.now() + 1000).toISOString();
    const window = `start_date=${encodeURIComponent(start)}&end_date=${encodeURIComponent(end)}`;

    const asXml = await context.app.inject(`${base}/servicerequestupdates.xml?api_key=${fixMyStreet.key}&${window}`);
    expect(asXml.statusCode).toBe(200);
    // Only this test's requests: the others of this file may have changed within the same second.
    const ours = (item: { service_request_id: string }) => [reference, closed].includes(item.service_request_id);
    const updates = parseXml(asXml.body).service_request_updates.request_update.filter(ours);
    expect(
      updates.map((item: { service_request_id: string; status: string; description: string }) => [
        item.service_request_id,
        item.status,
        item.description,
      ]),
    ).toEqual([
      [reference, 'investigating', 'Looking into it'],
      [reference, 'in_progress', 'On the way'],
      [reference, 'fixed', 'Emptied'],
      [closed, 'no_further_action', 'Nothing to do'],
    ]);
    expect(updates[0].update_id).toMatch(/^\d+$/);
    expect(updates[0].updated_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[01]:00$/);

    // Anyone may follow public requests, without the words written for the resident.
    const anonymous = await context.app.inject(`${base}/servicerequestupdates.json?${window}`);
    expect(anonymous.json().filter(ours)[0]).toEqual({
      update_id: updates[0].update_id,
      service_request_id: reference,
      status: 'investigating',
      updated_datetime: updates[0].updated_datetime,
      description: null,
      media_url: null,
    });
    expect(anonymous.body).not.toContain('Looking into it');
    expect(
      (await context.app.inject(`${base}/servicerequestupdates.json?api_key=${dalesBackOffice.key}&${window}`))
        .json()
        .filter(ours)[0].description,
    ).toBe('Looking into it');

    const later = (
      await context.app.inject(`${base}/servicerequestupdates.json?start_date=${encodeURIComponent(end)}`)
    ).json();
    expect(later).toEqual([]);
    expect((await context.app.inject(`${base}/servicerequestupdates.json?start_date=soon`)).statusCode).toBe(400);
    expect((await context.app.inject(`${base}/servicerequestupdates.json?api_key=wrong`)).statusCode).toBe(403);
    expect(
      (await context.app.inject(`${base}/servicerequestupdates.json?jurisdiction_id=E10000007&${window}`)).json(),
    ).toEqual([]);
  });

  it('keeps the updates of a private kind of request to the council and the client that sent it', async () => {
    const start = new Date().toISOString();
    const response = await post('requests.json', [
      ['api_key', fixMyStreet.key],
      ['service_code', 'noise'],
      ['address_string', 'DE4 3AG'],
      ['attribute[source]', 'music'],
      ['attribute[when]', 'Every night'],
    ]);
    const [{ service_request_id: noise }] = response.json();
    await update(dalesBackOffice.key, noise, 'INVESTIGATING', 'We will visit');
    const window = `start_date=${encodeURIComponent(start)}`;
    const seen = async (key?: string) =>
      (
        (
          await context.app.inject(`${base}/servicerequestupdates.json?${window}${key ? `&api_key=${key}` : ''}`)
        ).json() as { service_request_id: string }[]
      ).map((item) => item.service_request_id);
    expect(await seen()).not.toContain(noise);
    expect(await seen(fixMyStreet.key)).toContain(noise);
    expect(await seen(dalesBackOffice.key)).toContain(noise);
    expect(await seen(countyBackOffice.key)).not.toContain(noise);
    // A client that may not see it is not told it exists.
    const refused = await update(countyBackOffice.key, noise, 'FIXED', 'Done');
    expect(refused.statusCode).toBe(404);
    expect(parseXml(refused.body).errors.error[0].description).toBe(
      `There is no request ${noise} that we can show you`,
    );
  });
});
