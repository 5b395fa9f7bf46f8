import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import type { StaffRole } from '../../../src/db/schema.js';
import { anonymous, type StaffActor } from '../../../src/shared/actor.js';
import { hashPassword } from '../../../src/modules/identity/secrets.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { testConfig, useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { TestClient } from '../../support/http.js';
import { latestEmailTo, linkIn } from '../../support/outbox.js';

let database: TestDatabase;
let app: FastifyInstance;
const start = new Date('2026-11-26T10:00:00Z');
let now = start;
const clock = () => now;
let services: Awaited<ReturnType<typeof casesServices>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ config: testConfig(), db: database.db, clock });
  services = await casesServices(database.db, clock);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

const text = (response: LightMyRequestResponse) => response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const notFound = 'We cannot find a request with that reference and email address';

async function staffOf(gss: string, roles: StaffRole[] = ['service_officer']): Promise<StaffActor> {
  const orgId = await organisationId(database.db, gss);
  const staff = await createStaff(database.db, { organisationId: orgId, roles });
  return {
    kind: 'staff',
    staffId: staff.id,
    name: 'Officer',
    email: staff.email,
    organisationId: orgId,
    organisationName: gss,
    roles,
  };
}

async function report(
  serviceCode: string,
  contact: { name: string | null; email: string | null },
  extra: { citizenId?: number; answers?: Record<string, string> } = {},
) {
  const result = await services.cases.submit(anonymous, {
    serviceCode,
    place: await services.place('DE4 3AG'),
    locationDescription: 'Behind the library',
    description: 'My own words about it',
    answers: extra.answers ?? {},
    channel: 'web',
    contact: { ...contact, phone: null },
    citizenId: extra.citizenId ?? null,
  });
  if (result.outcome !== 'created') throw new Error(result.outcome);
  return result;
}

async function signedInCitizen(email: string) {
  const row = await database.db
    .insertInto('citizens')
    .values({
      email,
      name: 'Rita Resident',
      phone: null,
      password_hash: await hashPassword('three random words'),
      email_verified_at: now,
      oidc_issuer: null,
      oidc_subject: null,
      locked_until: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const client = new TestClient(app);
  expect((await client.post('/account/sign-in', { email, password: 'three random words' })).statusCode).toBe(303);
  return { client, citizenId: row.id };
}

describe('/track: following a request with its reference and email', () => {
  it('shows the status, every public update on one timeline, the due date and who deals with it, even after a transfer', async () => {
    const { reference, caseId } = await report(
      'missed-bin',
      { name: 'Tom Tracker', email: 'tom@example.com' },
      { answers: { bin_type: 'general' } },
    );
    const dales = await staffOf('E07000035');
    await services.workflow.changeStatus(dales, caseId, { status: 'acknowledged', message: 'We have your report' });
    await services.workflow.addUpdate(dales, caseId, { body: 'Secret internal note about the crew', isPublic: false });
    await services.workflow.addUpdate(dales, caseId, { body: 'The crew will come back tomorrow', isPublic: true });
    await services.workflow.transfer(dales, caseId, {
      toOrganisationId: await organisationId(database.db, 'E07000032'),
      reason: 'The road is in Amber Valley',
      confirmOutsideArea: true,
    });

    const client = new TestClient(app);
    const form = await client.get(`/track?reference=${reference}`);
    expect(form.body).toContain(`value="${reference}"`);
    const found = await client.post(
      '/track',
      { reference: reference.toLowerCase(), email: ' TOM@example.com ' },
      `/track?reference=${reference}`,
    );
    expect(found.statusCode).toBe(303);
    expect(found.headers.location).toBe(`/track/${reference}`);

    const page = await client.get(`/track/${reference}`);
    expect(page.statusCode).toBe(200);
    const shown = text(page);
    expect(shown).toContain(`Your request ${reference}`);
    expect(shown).toContain('Dealt with by Amber Valley Borough Council');
    expect(shown).toContain('Aim to deal with it by');
    expect(shown).toContain('Behind the library');
    expect(shown).toContain('My own words about it');
    const timeline = [
      ...shown.matchAll(
        /(Report received|Status: acknowledged|Update from [A-Za-z ]+? Council|Passed to Amber Valley Borough Council)/g,
      ),
    ].map((match) => match[1]);
    expect(timeline).toEqual([
      'Passed to Amber Valley Borough Council',
      'Update from Derbyshire Dales District Council',
      'Status: acknowledged',
      'Report received',
    ]);
    expect(shown).toContain('The road is in Amber Valley');
    expect(shown).toContain('The crew will come back tomorrow');
    expect(page.body).not.toContain('Secret internal note');
    expect(page.body).not.toContain('tom@example.com');
  });

  it('gives one message whichever of the reference and email is wrong, keeping what was typed', async () => {
    const { reference } = await report(
      'graffiti',
      { name: 'Wu', email: 'wu@example.com' },
      { answers: { offensive: 'no' } },
    );
    const client = new TestClient(app);
    const attempts = [
      { reference, email: 'someone.else@example.com' },
      { reference: 'DBY-2026-999999', email: 'wu@example.com' },
      { reference: 'DBY-2026-999999', email: 'someone.else@example.com' },
    ];
    const bodies: string[] = [];
    for (const attempt of attempts) {
      const response = await client.post('/track', attempt);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain(`href="#reference">${notFound}</a>`);
      expect(response.body).toContain(`id="lookup-error"`);
      expect(response.body.match(new RegExp(notFound, 'g'))).toHaveLength(2); // the summary and once beside the fields
      expect(response.body).toContain(`value="${attempt.email}"`);
      bodies.push(
        text(response)
          .replace(attempt.reference, '')
          .replace(attempt.email, '')
          .replace(/[a-f0-9]{20,}/g, ''),
      );
    }
    expect(new Set(bodies).size).toBe(1);

    const empty = await client.post('/track', { reference: '', email: '' });
    expect(empty.body).toContain('href="#reference">Enter your reference</a>');
    expect(empty.body).toContain('href="#email">Enter your email address</a>');
    const malformed = await client.post('/track', { reference: 'pothole', email: 'wu@example.com' });
    expect(malformed.body).toContain('Enter a reference like DBY-2026-000123');
  });

  it('shows anyone the public page of a public request without personal data, and nothing of a private one', async () => {
    const { reference } = await report(
      'graffiti',
      { name: 'Pat Public', email: 'pat@example.com' },
      { answers: { offensive: 'no' } },
    );
    const stranger = new TestClient(app);
    const page = await stranger.get(`/track/${reference}`);
    expect(page.statusCode).toBe(200);
    expect(text(page)).toContain(`Public request ${reference}`);
    expect(text(page)).toContain('Received');
    for (const personal of ['Pat Public', 'pat@example.com', 'Behind the library', 'My own words'])
      expect(page.body).not.toContain(personal);
    expect(page.body).not.toContain('name="reason"');

    const noise = await report(
      'noise',
      { name: 'Quiet Quentin', email: 'quentin@example.com' },
      { answers: { source: 'music', when: 'Every night' } },
    );
    const hidden = await stranger.get(`/track/${noise.reference}`);
    expect(hidden.statusCode).toBe(303);
    expect(hidden.headers.location).toBe(`/track?reference=${noise.reference}`);
    const missing = await stranger.get('/track/DBY-2026-999998');
    expect(missing.headers.location).toBe('/track?reference=DBY-2026-999998');
  });
});

describe('the proof of a reference and email', () => {
  it('lasts an hour, after which the page is the public one again', async () => {
    const { reference } = await report(
      'graffiti',
      { name: 'Hana Hour', email: 'hana@example.com' },
      { answers: { offensive: 'no' } },
    );
    const client = new TestClient(app);
    await client.post('/track', { reference, email: 'hana@example.com' });
    expect(text(await client.get(`/track/${reference}`))).toContain(`Your request ${reference}`);
    now = new Date(start.getTime() + 61 * 60 * 1000);
    try {
      const later = await client.get(`/track/${reference}`);
      expect(text(later)).toContain(`Public request ${reference}`);
      expect(later.body).not.toContain('My own words about it');
    } finally {
      now = start;
    }
  });
});

describe('reopening within 28 days of resolution', () => {
  it('reopens with a reason within 28 days, not after, and never for someone who has not proved it is theirs', async () => {
    const { reference, caseId } = await report(
      'missed-bin',
      { name: 'Rey', email: 'rey@example.com' },
      { answers: { bin_type: 'general' } },
    );
    const dales = await staffOf('E07000035');
    await services.workflow.changeStatus(dales, caseId, { status: 'resolved', message: 'Emptied' });

    const stranger = new TestClient(app);
    expect((await stranger.get(`/track/${reference}`)).body).not.toContain('name="reason"');
    // A form token from another page: the refusal is the policy's, not the CSRF check's.
    const token = /name="_csrf" value="([^"]+)"/.exec((await stranger.get('/track')).body)![1];
    expect(
      (await stranger.postWithToken(`/track/${reference}/reopen`, { reason: 'Not mine but still' }, token)).statusCode,
    ).toBe(403);

    const client = new TestClient(app);
    await client.post('/track', { reference, email: 'rey@example.com' });
    const resolved = await client.get(`/track/${reference}`);
    expect(text(resolved)).toContain('Resolved');
    expect(resolved.body).toContain('name="reason"');
    const noReason = await client.post(`/track/${reference}/reopen`, { reason: '' }, `/track/${reference}`);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#reason">Tell us why you are reopening it</a>');

    now = new Date(start.getTime() + 27 * 86_400_000);
    try {
      await client.post('/track', { reference, email: 'rey@example.com' }); // the proof lasts an hour
      const reopened = await client.post(
        `/track/${reference}/reopen`,
        { reason: 'Only the recycling was taken' },
        `/track/${reference}`,
      );
      expect(reopened.statusCode).toBe(303);
      expect(reopened.headers.location).toBe(`/track/${reference}?reopened=yes`);
      const page = await client.get(reopened.headers.location!);
      expect(text(page)).toContain('Your request has been reopened');
      expect(text(page)).toContain('Reopened by the person who reported it');
      expect(text(page)).toContain('Only the recycling was taken');
      expect(
        (await database.db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow())
          .status,
      ).toBe('open');
      // The public page says it was reopened, not the resident's words.
      expect(text(await stranger.get(`/track/${reference}`))).not.toContain('Only the recycling');

      await services.workflow.changeStatus(dales, caseId, { status: 'resolved', message: 'Emptied again' });
      now = new Date(now.getTime() + 29 * 86_400_000);
      await client.post('/track', { reference, email: 'rey@example.com' }); // the proof lasts an hour
      const late = await client.get(`/track/${reference}`);
      expect(late.body).not.toContain('name="reason"');
      expect(text(late)).toContain('It is more than 28 days since this was dealt with, so it cannot be reopened.');
      // The page no longer offers the form; a post made anyway is refused by the rule, not by its absence.
      const refused = await client.post(`/track/${reference}/reopen`, { reason: 'Still not emptied' }, '/track');
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('This request can no longer be reopened');
      expect(
        (await database.db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow())
          .status,
      ).toBe('resolved');
    } finally {
      now = start;
    }
  });
});

describe('your requests', () => {
  it('lists a signed-in resident’s own requests, each linking to its tracking page, which needs no email', async () => {
    const { client, citizenId } = await signedInCitizen('rita@example.com');
    const mine = await report(
      'pothole',
      { name: 'Rita Resident', email: 'rita@example.com' },
      { citizenId, answers: { where_on_road: 'pavement' } },
    );
    const noise = await report(
      'noise',
      { name: 'Rita Resident', email: 'rita@example.com' },
      { citizenId, answers: { source: 'alarm', when: 'Mornings' } },
    );
    const someoneElses = await report(
      'pothole',
      { name: 'Other', email: 'other@example.com' },
      { answers: { where_on_road: 'pavement' } },
    );

    const page = await client.get('/account/requests');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/track/${mine.reference}">${mine.reference}</a>`);
    expect(page.body).toContain(`href="/track/${noise.reference}">${noise.reference}</a>`);
    expect(page.body).not.toContain(someoneElses.reference);
    expect(page.body).toContain('href="/account" class="govuk-back-link"');

    const own = await client.get(`/track/${noise.reference}`);
    expect(own.statusCode).toBe(200);
    expect(text(own)).toContain('My own words about it');
    expect(text(await client.get('/track'))).toContain('see all your requests');

    const signedOut = await new TestClient(app).get('/account/requests');
    expect(signedOut.statusCode).toBe(302);
    expect(signedOut.headers.location).toBe('/account/sign-in?next=%2Faccount%2Frequests');
  });

  it('says so when there are none', async () => {
    const { client } = await signedInCitizen('new@example.com');
    expect(text(await client.get('/account/requests'))).toContain('You have not made any requests while signed in.');
  });
});

describe('the satisfaction survey', () => {
  it('takes one answer per link from the resolved email, then says the link has been used', async () => {
    const { caseId } = await report(
      'graffiti',
      { name: 'Sam', email: 'sam@example.com' },
      { answers: { offensive: 'yes' } },
    );
    await services.workflow.changeStatus(await staffOf('E07000035'), caseId, {
      status: 'resolved',
      message: 'Painted over',
    });
    const email = await latestEmailTo(database.db, 'sam@example.com');
    const link = linkIn(email!.body_text, '/satisfaction?token=');
    const token = new URL(link, 'http://x').searchParams.get('token')!;

    const client = new TestClient(app);
    const form = await client.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('How satisfied are you with how we dealt with your request?');
    expect([...form.body.matchAll(/name="score" type="radio" value="(\d)"/g)].map((match) => match[1])).toEqual([
      '5',
      '4',
      '3',
      '2',
      '1',
    ]);

    const unanswered = await client.post('/satisfaction', { token }, link);
    expect(unanswered.statusCode).toBe(400);
    expect(unanswered.body).toContain('href="#score">Select how satisfied you are</a>');

    const answered = await client.post('/satisfaction', { token, score: '4' }, link);
    expect(answered.statusCode).toBe(303);
    expect(answered.headers.location).toBe('/satisfaction/thank-you');
    expect(text(await client.get('/satisfaction/thank-you'))).toContain('Your answer has been recorded');
    const stored = await database.db
      .selectFrom('satisfaction_responses')
      .select(['score', 'responded_at'])
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(stored.score).toBe(4);

    const again = await client.get(link);
    expect(again.statusCode).toBe(410);
    expect(text(again)).toContain('You have already answered');
    const token2 = /name="_csrf" value="([^"]+)"/.exec((await client.get('/track')).body)![1];
    const second = await client.postWithToken('/satisfaction', { token, score: '1' }, token2);
    expect(second.statusCode).toBe(410);
    expect(
      (
        await database.db
          .selectFrom('satisfaction_responses')
          .select('score')
          .where('case_id', '=', caseId)
          .executeTakeFirstOrThrow()
      ).score,
    ).toBe(4);

    const wrong = await client.get('/satisfaction?token=not-a-real-token');
    expect(wrong.statusCode).toBe(404);
    expect(text(wrong)).toContain('This link does not work');
  });
});

describe('limits on guessing and sending', () => {
  const limited = useTestApp({ signInAttemptsPerMinute: 3 });

  it('asks someone who keeps guessing to wait', async () => {
    const client = new TestClient(limited.app);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1)
      statuses.push(
        (await client.post('/track', { reference: 'DBY-2026-000001', email: `guess${attempt}@example.com` }))
          .statusCode,
      );
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  it('asks someone who keeps sending reports to wait', async () => {
    const client = new TestClient(limited.app);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1)
      statuses.push((await client.post('/report/check', {}, '/report')).statusCode);
    expect(statuses).toEqual([303, 303, 303, 429]);
  });
});
