import { describe, expect, it } from 'vitest';
import { organisationId } from '../../support/accounts.js';
import { testConfig, useTestApp } from '../../support/app.js';
import { issueTestKey, missedBin, parseXml, postForm, type FormEntries } from '../../support/open311.js';

const context = useTestApp();
/** The default limit, as a new installation has it. */
const POSTS_PER_MINUTE = testConfig().open311PostsPerMinute;
const base = '/open311/v2';

const db = () => context.database.db;
const post = (url: string, entries: FormEntries, headers: Record<string, string> = {}) =>
  postForm(context.app, `${base}/${url}`, entries, headers);
const casesOf = async (clientId: number) =>
  db().selectFrom('cases').selectAll().where('created_by_api_client_id', '=', clientId).execute();

describe('POST requests', () => {
  it('creates a case from a form in XML, the way FixMyStreet sends one', async () => {
    const client = await issueTestKey(db(), 'FixMyStreet');
    const response = await post(
      'requests.xml',
      missedBin(client.key, [
        ['attribute[bin_type]', 'recycling'],
        ['first_name', 'Ada'],
        ['last_name', 'Lovelace'],
        ['email', 'Ada@Example.com'],
        ['phone', '01632 960001'],
        ['media_url', 'https://fixmystreet.example/photo/1.jpeg'],
        ['device_id', 'phone-1'],
      ]),
    );
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    const [created] = parseXml(response.body).service_requests.request;
    expect(created.service_request_id).toMatch(/^DBY-\d{4}-\d{6}$/);
    expect(created.service_notice).toMatch(
      /^Derbyshire Dales District Council has it and aims to deal with it by \d{1,2} \w+ \d{4}\. Its reference is DBY-/,
    );
    expect(created.account_id).toBe('');

    const [saved] = await casesOf(client.id);
    expect(saved).toMatchObject({
      reference: created.service_request_id,
      channel: 'open311',
      status: 'open',
      organisation_id: await organisationId(db(), 'E07000035'),
      postcode: 'DE4 3AG',
      description: 'The bin was out by 7am',
      contact_name: 'Ada Lovelace',
      contact_email: 'ada@example.com',
      contact_phone: '01632 960001',
      answers: { bin_type: ['general', 'recycling'] },
    });
    const event = await db()
      .selectFrom('case_events')
      .selectAll()
      .where('case_id', '=', saved.id)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ kind: 'created', channel: 'open311' });
    const receipt = await db()
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', 'ada@example.com')
      .executeTakeFirstOrThrow();
    expect(receipt.subject).toBe(`We have your report: Missed bin collection (${saved.reference})`);

    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_id', 'actor_label', 'detail'])
      .where('actor_id', '=', client.id)
      .where('actor_type', '=', 'api_client')
      .orderBy('id')
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['create', 'open311-post']);
    expect(audit[1]).toMatchObject({
      actor_label: 'Open311 client FixMyStreet',
      detail: { endpoint: 'requests', status: 201, replayed: false },
    });
  });

  it('creates one from a point in JSON, keeping the address as the description of the spot', async () => {
    const client = await issueTestKey(db(), 'Report-it app');
    const response = await post('requests.json', [
      ['api_key', client.key],
      ['service_code', 'pothole'],
      ['lat', '53.1428'],
      ['long', '-1.5519'],
      ['address_string', 'By the bus stop on Bank Road'],
      ['attribute[where_on_road]', 'carriageway'],
      ['attribute[depth_cm]', '12'],
      ['account_id', 'user-77'],
    ]);
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const [created] = response.json();
    expect(created).toEqual({
      service_request_id: expect.stringMatching(/^DBY-/),
      service_notice: expect.stringContaining('Derbyshire County Council has it'),
      account_id: 'user-77',
    });
    const [saved] = await casesOf(client.id);
    expect(saved).toMatchObject({
      latitude: 53.1428,
      longitude: -1.5519,
      location_description: 'By the bus stop on Bank Road',
      postcode: null,
      answers: { where_on_road: 'carriageway', depth_cm: 12 },
    });
  });

  it('takes a JSON body with its attributes as an object too', async () => {
    const client = await issueTestKey(db(), 'JSON poster');
    const response = await context.app.inject({
      method: 'POST',
      url: `${base}/requests.json`,
      payload: {
        api_key: client.key,
        service_code: 'missed-bin',
        address_string: 'de4 3ag',
        attribute: { bin_type: ['garden', 'food'] },
      },
    });
    expect(response.statusCode).toBe(201);
    expect((await casesOf(client.id))[0].answers).toEqual({ bin_type: ['garden', 'food'] });
  });

  it('shows what residents wrote only to the client that sent it and the council’s back office', async () => {
    const sender = await issueTestKey(db(), 'Sender');
    const backOffice = await issueTestKey(db(), 'Dales back office', await organisationId(db(), 'E07000035'));
    const stranger = await issueTestKey(db(), 'Stranger');
    const [created] = (await post('requests.json', missedBin(sender.key))).json();
    const seenBy = async (key?: string) =>
      (
        await context.app.inject(`${base}/requests/${created.service_request_id}.json${key ? `?api_key=${key}` : ''}`)
      ).json()[0];
    expect(await seenBy(sender.key)).toMatchObject({ description: 'The bin was out by 7am', address: 'DE4 3AG' });
    expect(await seenBy(backOffice.key)).toMatchObject({ description: 'The bin was out by 7am' });
    expect(await seenBy(stranger.key)).toMatchObject({ description: null });
    expect(await seenBy()).toMatchObject({ description: null });
  });
});

describe('POST requests refused', () => {
  it('refuses a missing, wrong or revoked api_key with 403, and audits each attempt', async () => {
    const before = await db().selectFrom('cases').select('id').execute();
    const missing = await post(
      'requests.xml',
      missedBin('').filter(([name]) => name !== 'api_key'),
    );
    expect(missing.statusCode).toBe(403);
    expect(parseXml(missing.body).errors.error).toEqual([
      { code: '403', description: 'api_key is required to post: ask the partnership’s administrators for one' },
    ]);
    const wrong = await post('requests.json', missedBin('shk_not-a-real-key'));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual([{ code: 403, description: 'api_key is not valid: it is wrong or has been revoked' }]);

    const revoked = await issueTestKey(db(), 'Old client');
    await db().updateTable('api_clients').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
    expect((await post('requests.json', missedBin(revoked.key))).statusCode).toBe(403);
    expect(await db().selectFrom('cases').select('id').execute()).toHaveLength(before.length);

    const refusals = await db()
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_label', 'detail'])
      .where('action', '=', 'open311-post')
      .where('actor_type', '=', 'system')
      .execute();
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(refusals[0]).toMatchObject({
      actor_label: 'Open311 request without a valid api_key',
      detail: { status: 403, endpoint: 'requests' },
    });
  });

  it('explains each bad request with 400, and saves nothing', async () => {
    const client = await issueTestKey(db(), 'Careless client');
    const refusal = async (entries: FormEntries) => {
      const response = await post('requests.json', entries);
      expect(response.statusCode, JSON.stringify(entries)).toBe(400);
      return (response.json() as { code: number; description: string }[]).map((error) => error.description);
    };
    const key: FormEntries = [['api_key', client.key]];
    expect(await refusal([...key, ['address_string', 'DE4 3AG']])).toEqual(['service_code is required']);
    expect(await refusal([...key, ['service_code', 'moon-landing'], ['address_string', 'DE4 3AG']])).toEqual([
      'service_code moon-landing is not one of our services: see services.xml',
    ]);
    expect(await refusal([...key, ['service_code', 'missed-bin']])).toEqual([
      'Say where the problem is: send lat and long, or a postcode in address_string',
    ]);
    expect(await refusal([...key, ['service_code', 'missed-bin'], ['lat', '53.1']])).toEqual([
      'lat and long must be sent together',
    ]);
    expect(await refusal([...key, ['service_code', 'missed-bin'], ['lat', 'north'], ['long', '-1.5']])).toEqual([
      'lat must be a decimal number, in WGS84 degrees',
    ]);
    expect(await refusal([...key, ['service_code', 'missed-bin'], ['address_string', 'Behind the church']])).toEqual([
      'address_string must be a postcode, like DE4 3AG; or send lat and long',
    ]);
    expect(await refusal([...key, ['service_code', 'missed-bin'], ['address_string', 'DE4 9ZZ']])).toEqual([
      'We do not know the postcode DE4 9ZZ: check it, or send lat and long',
    ]);
    expect(await refusal([...key, ['service_code', 'missed-bin'], ['lat', '48.8566'], ['long', '2.3522']])).toEqual([
      'lat 48.8566, long 2.3522 is not in England: we can only take requests for places in England',
    ]);
    expect(
      await refusal([
        ...key,
        ['service_code', 'pothole'],
        ['address_string', 'DE14 1AA'],
        ['attribute[where_on_road]', 'carriageway'],
      ]),
    ).toEqual([
      expect.stringMatching(
        /^Staffordshire County Council deals with this there, and is not part of this partnership: send it to them/,
      ),
    ]);
    expect(await refusal(missedBin(client.key).filter(([name]) => !name.startsWith('attribute')))).toEqual([
      'attribute[bin_type]: Select which bins were missed',
    ]);
    expect(await refusal(missedBin(client.key, [['attribute[bin_type]', 'wheelbarrow']]))).toEqual([
      'attribute[bin_type]: Select only the options given',
    ]);
    expect(await refusal(missedBin(client.key, [['email', 'not an email']]))).toEqual([
      'email: Enter an email address in the correct format, like name@example.com',
    ]);
    expect(await refusal([...missedBin(client.key), ['service_code', 'pothole']])).toEqual([
      'service_code was sent more than once',
    ]);
    expect(await casesOf(client.id)).toEqual([]);
  });

  it('takes a description of up to 4,000 characters and refuses a longer one with 400, as GeoReport v2 says', async () => {
    const client = await issueTestKey(db(), 'Wordy client');
    const longest = await post('requests.json', missedBin(client.key, [['description', 'x'.repeat(4000)]]));
    expect(longest.statusCode).toBe(201);
    const tooLong = await post('requests.json', missedBin(client.key, [['description', 'x'.repeat(4001)]]));
    expect(tooLong.statusCode).toBe(400);
    expect((tooLong.json() as { description: string }[]).map((error) => error.description)).toEqual([
      'description must be 4000 characters or fewer',
    ]);
    expect(await casesOf(client.id)).toHaveLength(1);
  });

  it('keeps a request to the member named by jurisdiction_id, naming the council that serves the place', async () => {
    const client = await issueTestKey(db(), 'Dales app');
    expect(
      (await post('requests.json', missedBin(client.key, [['jurisdiction_id', 'derbyshiredales.gov.uk']]))).statusCode,
    ).toBe(201);
    expect((await post('requests.json', missedBin(client.key, [['jurisdiction_id', 'E07000035']]))).statusCode).toBe(
      201,
    );

    const pothole = await post('requests.xml', [
      ['api_key', client.key],
      ['jurisdiction_id', 'derbyshiredales.gov.uk'],
      ['service_code', 'pothole'],
      ['address_string', 'DE4 3AG'],
      ['attribute[where_on_road]', 'pavement'],
    ]);
    expect(pothole.statusCode).toBe(400);
    expect(parseXml(pothole.body).errors.error[0].description).toBe(
      'Derbyshire County Council (jurisdiction_id E10000007) deals with pothole reports at that place, not Derbyshire Dales District Council: send it to them, or leave out jurisdiction_id',
    );
    const chesterfield = await post(
      'requests.json',
      missedBin(client.key, [
        ['jurisdiction_id', 'E07000035'],
        ['address_string', 'S41 7TD'],
      ]),
    );
    expect(chesterfield.json()[0].description).toMatch(
      /^Chesterfield Borough Council \(jurisdiction_id E07000034\) deals with missed bin collection reports at that place/,
    );
    expect(
      (await post('requests.json', missedBin(client.key, [['jurisdiction_id', 'nowhere.example']]))).statusCode,
    ).toBe(404);
    expect(await casesOf(client.id)).toHaveLength(2);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first response, and makes no second case', async () => {
    const client = await issueTestKey(db(), 'Retrying client');
    const first = await post('requests.xml', missedBin(client.key), { 'idempotency-key': 'retry-1' });
    const again = await post('requests.xml', missedBin(client.key), { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.body).toBe(first.body);
    expect(await casesOf(client.id)).toHaveLength(1);
    const audit = await db()
      .selectFrom('audit_log')
      .select('detail')
      .where('actor_id', '=', client.id)
      .where('action', '=', 'open311-post')
      .orderBy('id')
      .execute();
    expect(audit.map((entry) => entry.detail)).toEqual([
      { endpoint: 'requests', status: 201, idempotencyKey: 'retry-1', replayed: false },
      { endpoint: 'requests', status: 201, idempotencyKey: 'retry-1', replayed: true },
    ]);

    // A new key is a new request.
    expect((await post('requests.xml', missedBin(client.key), { 'idempotency-key': 'retry-2' })).body).not.toBe(
      first.body,
    );
    expect(await casesOf(client.id)).toHaveLength(2);
  });

  it('refuses the same key with a different request with 409', async () => {
    const client = await issueTestKey(db(), 'Confused client');
    await post('requests.json', missedBin(client.key), { 'idempotency-key': 'same' });
    const other = await post('requests.json', missedBin(client.key, [['description', 'Another bin entirely']]), {
      'idempotency-key': 'same',
    });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toEqual([
      {
        code: 409,
        description: 'Idempotency-Key same was first used for a different request: use a new key for a new request',
      },
    ]);
    expect(await casesOf(client.id)).toHaveLength(1);
  });

  it('keeps each client’s keys apart, and does not remember a refusal', async () => {
    const one = await issueTestKey(db(), 'Client one');
    const two = await issueTestKey(db(), 'Client two');
    expect((await post('requests.json', missedBin(one.key), { 'idempotency-key': 'shared' })).statusCode).toBe(201);
    expect((await post('requests.json', missedBin(two.key), { 'idempotency-key': 'shared' })).statusCode).toBe(201);
    expect(await casesOf(two.id)).toHaveLength(1);

    const wrong = missedBin(one.key).filter(([name]) => !name.startsWith('attribute'));
    expect((await post('requests.json', wrong, { 'idempotency-key': 'fix-me' })).statusCode).toBe(400);
    expect((await post('requests.json', missedBin(one.key), { 'idempotency-key': 'fix-me' })).statusCode).toBe(201);
    expect(await casesOf(one.id)).toHaveLength(2);
  });

  it('makes one case of concurrent duplicates, and gives each the same answer', async () => {
    const client = await issueTestKey(db(), 'Impatient client');
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => post('requests.json', missedBin(client.key), { 'idempotency-key': 'at-once' })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    expect(await casesOf(client.id)).toHaveLength(1);
  });

  it('refuses a key that is not 1 to 255 visible characters', async () => {
    const client = await issueTestKey(db(), 'Odd keys');
    const response = await post('requests.json', missedBin(client.key), { 'idempotency-key': 'x'.repeat(256) });
    expect(response.statusCode).toBe(400);
    expect(response.json()[0].description).toBe('Idempotency-Key must be 1 to 255 visible characters, such as a UUID');
  });
});

describe('rate limit', () => {
  it(
    `lets a client post ${POSTS_PER_MINUTE} times a minute, then answers 429, without slowing other clients`,
    { timeout: 120_000 },
    async () => {
      // Counted per clock minute: start early in one, so the posts below all fall in it.
      await startOfAMinute();
      const busy = await issueTestKey(db(), 'Busy client');
      const calm = await issueTestKey(db(), 'Calm client');
      const cheap: FormEntries = [['api_key', busy.key]];
      for (let count = 0; count < POSTS_PER_MINUTE; count += 1)
        expect((await post('requests.json', cheap)).statusCode).toBe(400);
      const limited = await post('requests.xml', missedBin(busy.key));
      expect(limited.statusCode).toBe(429);
      // The seconds left in the minute.
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(parseXml(limited.body).errors.error[0]).toEqual({
        code: '429',
        description: `Too many requests: each client may post ${POSTS_PER_MINUTE} times a minute. Wait a minute, then try again`,
      });
      expect(await casesOf(busy.id)).toEqual([]);
      expect((await post('requests.json', missedBin(calm.key))).statusCode).toBe(201);
    },
  );

  it(
    'counts concurrent posts atomically: of 100 at once, exactly the limit are taken',
    { timeout: 120_000 },
    async () => {
      await startOfAMinute();
      const racer = await issueTestKey(db(), 'Concurrent client');
      const statuses = await Promise.all(
        Array.from({ length: 100 }, () =>
          post('requests.json', [['api_key', racer.key]]).then((response) => response.statusCode),
        ),
      );
      expect(statuses.filter((status) => status === 400)).toHaveLength(POSTS_PER_MINUTE);
      expect(statuses.filter((status) => status === 429)).toHaveLength(100 - POSTS_PER_MINUTE);
    },
  );
});

/** Waits, when the clock minute has less than 20 seconds left, for the next one to begin. */
async function startOfAMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
