import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { anonymous } from '../../../src/shared/actor.js';
import { hashPassword } from '../../../src/modules/identity/secrets.js';
import { testConfig } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { TestClient } from '../../support/http.js';
import { latestEmailTo } from '../../support/outbox.js';

let database: TestDatabase;
let app: FastifyInstance;
let now = new Date('2026-11-26T10:00:00Z'); // a Thursday
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

const countCases = async () => (await database.db.selectFrom('cases').select('id').execute()).length;

/** The text of the page as a person reads it, without tags. */
const text = (response: LightMyRequestResponse) => response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** A browser that has answered the journey's steps up to the one a test is about. */
async function journey(
  steps: {
    serviceCode?: string;
    postcode?: string;
    where?: Record<string, string>;
    answers?: Record<string, string | string[]>;
    about?: Record<string, string>;
  },
  client = new TestClient(app),
) {
  // Only the steps asked for are answered; a test reads the responses of those.
  const result = {} as {
    what: LightMyRequestResponse;
    where: LightMyRequestResponse;
    questions: LightMyRequestResponse;
    about: LightMyRequestResponse;
  };
  result.what = await client.post('/report', { serviceCode: steps.serviceCode ?? 'pothole' });
  if (!steps.postcode && !steps.where) return { client, ...result };
  result.where = await client.post(
    '/report/where',
    steps.where ?? { postcode: steps.postcode!, locationDescription: 'Outside number 12, by the post box' },
  );
  if (!steps.answers) return { client, ...result };
  result.questions = await client.post('/report/questions', steps.answers);
  if (!steps.about) return { client, ...result };
  result.about = await client.post('/report/about-you', steps.about);
  return { client, ...result };
}

const potholeAnswers = {
  'answer-where_on_road': 'carriageway',
  'answer-depth_cm': '12',
  description: 'A deep hole in the middle of the lane',
};
const guest = { name: 'Ada Resident', email: 'ada@example.com', phone: '' };

async function citizenClient(email: string) {
  await database.db
    .insertInto('citizens')
    .values({
      email,
      name: 'Cy Citizen',
      phone: null,
      password_hash: await hashPassword('three random words'),
      email_verified_at: now,
      oidc_issuer: null,
      oidc_subject: null,
      locked_until: null,
    })
    .execute();
  const client = new TestClient(app);
  const signedIn = await client.post('/account/sign-in', { email, password: 'three random words' });
  expect(signedIn.statusCode).toBe(303);
  return client;
}

describe('what: choosing the kind of request', () => {
  it('lists every kind under its group, with radios', async () => {
    const page = await new TestClient(app).get('/report');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">What do you want to report?</h1>');
    for (const group of ['Roads and pavements', 'Bins and recycling'])
      expect(page.body).toMatch(new RegExp(`<h2[^>]*>${group}</h2>`));
    expect(page.body).toContain('id="serviceCode" name="serviceCode" type="radio" value="');
    expect(page.body).toContain('value="missed-bin"');
  });

  it('searches the kinds, says how many match, and says so when nothing does', async () => {
    const client = new TestClient(app);
    const found = await client.get('/report?search=lamp');
    expect(text(found)).toContain('1 kind of request matches ‘lamp’.');
    expect(found.body).toContain('value="street-light"');
    expect(found.body).not.toContain('value="pothole"');
    const none = await client.get('/report?search=unicorns');
    expect(text(none)).toContain('Nothing matches ‘unicorns’.');
    expect(none.body).not.toContain('name="serviceCode"');
  });

  it('asks again, with the error beside the choices, when nothing or something unknown is chosen', async () => {
    const client = new TestClient(app);
    const forms: Record<string, string>[] = [{}, { serviceCode: 'dragons' }];
    for (const form of forms) {
      const response = await client.post('/report', form);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('<title>Error: What do you want to report?');
      expect(response.body).toContain('href="#serviceCode">Select what you want to report</a>');
      expect(response.body).toContain('id="serviceCode-error"');
    }
  });

  it('keeps people from skipping ahead: each step sends them back to the first one not answered', async () => {
    const client = new TestClient(app);
    for (const path of ['/report/where', '/report/questions', '/report/about-you', '/report/check', '/report/nearby']) {
      const response = await client.get(path);
      expect(response.statusCode, path).toBe(303);
      expect(response.headers.location, path).toBe('/report');
    }
    await client.post('/report', { serviceCode: 'pothole' });
    expect((await client.get('/report/check')).headers.location).toBe('/report/where');
    const posted = await client.post('/report/questions', potholeAnswers, '/report');
    expect(posted.headers.location).toBe('/report/where');
  });
});

describe('where: the place and the council that serves it', () => {
  it('needs a postcode and a description of the spot when there is no pin, keeping what was typed', async () => {
    const { client } = await journey({});
    const response = await client.post('/report/where', { postcode: '', locationDescription: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#postcode">Enter a postcode</a>');
    expect(response.body).toContain('href="#locationDescription">Describe where the problem is');
    const malformed = await client.post('/report/where', {
      postcode: 'not a postcode',
      locationDescription: 'By the church',
    });
    expect(malformed.body).toContain('Enter a real postcode, like DE4 3AG');
    expect(malformed.body).toContain('value="not a postcode"');
    expect(malformed.body).toContain('By the church</textarea>');
    const unknown = await client.post('/report/where', { postcode: 'DE99 9ZZ', locationDescription: 'By the church' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain(
      'DE99 9ZZ is not in our list of postcodes. Check it is right; if it is, mark the place on the map instead',
    );
  });

  it('holds the map’s hidden latitude and longitude fields inside the location picker element', async () => {
    const { client } = await journey({});
    const page = await client.get('/report/where');
    expect(page.body).toMatch(
      /<div data-shirehall-location-picker>\s*<input type="hidden" name="latitude" id="latitude" value="">\s*<input type="hidden" name="longitude" id="longitude" value="">\s*<\/div>/,
    );
  });

  it('uses a pin from the map instead of the postcode, and then needs neither postcode nor description', async () => {
    const { client } = await journey({});
    // Matlock Bath, Derbyshire Dales: a point only, no postcode.
    const response = await client.post('/report/where', {
      postcode: '',
      locationDescription: '',
      latitude: '53.1223',
      longitude: '-1.5610',
    });
    expect(response.statusCode).toBe(303);
    expect(['/report/questions', '/report/nearby']).toContain(response.headers.location);
    const check = await client.post('/report/questions', potholeAnswers, '/report/questions');
    expect(check.statusCode).toBe(303);
    await client.post('/report/about-you', guest);
    const summary = await client.get('/report/check');
    expect(text(summary)).toContain('The place you marked on the map');
    expect(text(summary)).toContain('Derbyshire County Council');
  });

  it('ignores a pin that is not a real point, and falls back to the postcode', async () => {
    const { client } = await journey({});
    const response = await client.post('/report/where', {
      postcode: '',
      locationDescription: 'By the church',
      latitude: 'north',
      longitude: '-1.5',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter a postcode');
    const outside = await client.post('/report/where', {
      postcode: '',
      locationDescription: '',
      latitude: '48.85',
      longitude: '2.35',
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('The place you marked on the map is not in England');
  });

  it('names the council outside the partnership that serves the place, with its website, as a page rather than an error', async () => {
    const { client, where } = await journey({ postcode: 'DE14 1AA' });
    expect(where.statusCode).toBe(303);
    expect(where.headers.location).toBe('/report/somewhere-else');
    const page = await client.get('/report/somewhere-else');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Report it to Staffordshire County Council</h1>');
    expect(text(page)).toContain(
      'DE14 1AA is in East Staffordshire. Staffordshire County Council deals with this kind of request (pothole) there. It is not part of the Derbyshire Partnership',
    );
    expect(page.body).toMatch(
      /href="https?:\/\/www\.staffordshire\.gov\.uk\/?"[^>]*>\s*Report it on Staffordshire County Council’s website/,
    );
    // And the journey does not go on with a place no member serves.
    expect((await client.get('/report/questions')).headers.location).toBe('/report/where');
  });

  it('says when the member council does not take this kind of request through the service', async () => {
    const dales = await database.db
      .selectFrom('organisations')
      .select('id')
      .where('gss', '=', 'E07000035')
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable('request_types')
      .set({ active: false })
      .where('organisation_id', '=', dales.id)
      .where('service_code', '=', 'noise')
      .execute();
    try {
      const { client, where } = await journey({ serviceCode: 'noise', postcode: 'DE4 3AG' });
      expect(where.headers.location).toBe('/report/somewhere-else');
      const page = await client.get('/report/somewhere-else');
      expect(text(page)).toContain(
        'DE4 3AG is in Derbyshire Dales. Derbyshire Dales District Council deals with this kind of request (noise nuisance) there, but does not take it through this service.',
      );
    } finally {
      await database.db
        .updateTable('request_types')
        .set({ active: true })
        .where('organisation_id', '=', dales.id)
        .where('service_code', '=', 'noise')
        .execute();
    }
  });
});

describe('nearby: offering to follow an open request instead', () => {
  it('lists open public requests of the same kind within 250 m, each to follow or to see on its public tracking page', async () => {
    const place = await services.place('DE45 1AA');
    const existing = await services.cases.submit(anonymous, {
      serviceCode: 'street-light',
      place,
      locationDescription: 'Outside the house of Mrs Private',
      description: 'Private words about my neighbour',
      answers: { fault: 'out' },
      channel: 'web',
      contact: { name: 'Prue Private', email: 'prue@example.com', phone: null },
      citizenId: null,
    });
    if (existing.outcome !== 'created') throw new Error(existing.outcome);

    const { client, where } = await journey({ serviceCode: 'street-light', postcode: 'DE45 1AA' });
    expect(where.headers.location).toBe('/report/nearby');
    const page = await client.get('/report/nearby');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/track/${existing.reference}">View its updates`);
    // Following it instead is a form of its own (report-nearby.test.ts follows one).
    expect(page.body).toContain(`name="reference" value="${existing.reference}"`);
    expect(text(page)).toContain('Less than 10 metres away');
    expect(page.body).toContain('href="/report/questions"');
    expect(page.body).not.toContain('Mrs Private');

    const publicPage = await client.get(`/track/${existing.reference}`);
    expect(publicPage.statusCode).toBe(200);
    expect(text(publicPage)).toContain('Street light fault');
    expect(text(publicPage)).toContain('Received');
    for (const personal of ['Prue Private', 'prue@example.com', 'Mrs Private', 'Private words'])
      expect(publicPage.body).not.toContain(personal);

    // Other kinds nearby are not offered: a pothole there goes straight on.
    const pothole = await journey({ serviceCode: 'pothole', postcode: 'DE45 1AA' });
    expect(pothole.where.headers.location).toBe('/report/questions');
  });
});

describe('questions: the kind’s own questions and the description', () => {
  it('draws each datatype with its GOV.UK component', async () => {
    const { client } = await journey({ serviceCode: 'missed-bin', postcode: 'DE4 3AG' });
    const page = await client.get('/report/questions');
    expect(page.body).toContain('name="answer-bin_type" type="checkbox" value="general"');
    expect(page.body).toContain('class="govuk-date-input" id="answer-collection_day"');
    expect(page.body).toContain('name="answer-collection_day-day"');
    expect(page.body).toContain('data-maxlength="2000"');
    const noise = await journey({ serviceCode: 'noise', postcode: 'DE4 3AG' });
    const noisePage = await noise.client.get('/report/questions');
    expect(noisePage.body).toContain('name="answer-source" type="radio" value="music"');
    expect(noisePage.body).toMatch(
      /<textarea class="govuk-textarea govuk-js-character-count" id="answer-when" name="answer-when"/,
    );
    const vehicle = await journey({ serviceCode: 'abandoned-vehicle', postcode: 'DE4 3AG' });
    expect((await vehicle.client.get('/report/questions')).body).toMatch(
      /<input\s+class="govuk-input" id="answer-make_colour" name="answer-make_colour" type="text">/,
    );
    const pothole = await journey({ serviceCode: 'pothole', postcode: 'DE4 3AG' });
    const depth = /<input[^>]*id="answer-depth_cm"[^>]*>/.exec(
      (await pothole.client.get('/report/questions')).body,
    )?.[0];
    expect(depth).toContain('inputmode="decimal"');
    expect(depth).toContain('type="text"');
  });

  it('puts each mistake beside its field, in the order of the page, and keeps what was typed', async () => {
    const { client } = await journey({ serviceCode: 'missed-bin', postcode: 'DE4 3AG' });
    const response = await client.post('/report/questions', {
      'answer-collection_day-day': '31',
      'answer-collection_day-month': '2',
      'answer-collection_day-year': '2026',
      description: '',
    });
    expect(response.statusCode).toBe(400);
    const links = [...response.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((match) => [match[1], match[2]]);
    expect(links).toEqual([
      ['#answer-bin_type', 'Select which bins were missed'],
      ['#answer-collection_day-day', 'The date must be a real date'],
      ['#description', 'Describe the problem'],
    ]);
    expect(response.body).toContain('id="answer-bin_type-error"');
    expect(response.body).toContain('name="answer-collection_day-day" type="text" value="31"');

    const partial = await client.post('/report/questions', {
      'answer-bin_type': ['general', 'food'],
      'answer-collection_day-day': '3',
      description: 'x'.repeat(2001),
    });
    expect(partial.body).toContain('The date must include a month and a year');
    expect(partial.body).toContain('The description must be 2000 characters or fewer');
    expect(partial.body).toMatch(/value="general" checked/);
    expect(partial.body).toMatch(/value="food" checked/);

    const pothole = await journey({ serviceCode: 'pothole', postcode: 'DE4 3AG' });
    const wrongNumber = await pothole.client.post('/report/questions', {
      'answer-where_on_road': 'sky',
      'answer-depth_cm': 'deep',
      description: 'Hole',
    });
    expect(wrongNumber.body).toContain('Select one of the options');
    expect(wrongNumber.body).toContain('Your answer must be a number, like 5');
    expect(wrongNumber.body).toContain('value="deep"');
    const unanswered = await pothole.client.post('/report/questions', { description: 'Hole' });
    expect(unanswered.body).toContain('Select where the pothole is');
  });

  it('refuses a missed collection dated in the future: it should already have happened', async () => {
    const { client } = await journey({ serviceCode: 'missed-bin', postcode: 'DE4 3AG' });
    const response = await client.post('/report/questions', {
      'answer-bin_type': 'general',
      'answer-collection_day-day': '1',
      'answer-collection_day-month': '1',
      'answer-collection_day-year': '2099',
      description: 'Not collected',
    });
    expect(response.statusCode).toBe(400);
    const links = [...response.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((match) => [match[1], match[2]]);
    expect(links).toEqual([['#answer-collection_day-day', 'The date must be today or in the past']]);
    const past = await client.post('/report/questions', {
      'answer-bin_type': 'general',
      'answer-collection_day-day': '2',
      'answer-collection_day-month': '11',
      'answer-collection_day-year': '2026',
      description: 'Not collected',
    });
    expect(past.statusCode).toBe(303);
  });
});

describe('about you, checking and sending', () => {
  it('sends a guest’s report once: check your answers, the confirmation with the reference and due date, and a receipt email', async () => {
    const { client, questions, about } = await journey({
      serviceCode: 'missed-bin',
      postcode: 'DE4 3AG',
      answers: {
        'answer-bin_type': ['general', 'food'],
        'answer-collection_day-day': '24',
        'answer-collection_day-month': '11',
        'answer-collection_day-year': '2026',
        description: 'Not emptied on Tuesday',
      },
      about: { name: 'Ada Resident', email: 'Ada.Guest@Example.com', phone: '01629 580000' },
    });
    expect(questions.headers.location).toBe('/report/about-you');
    expect(about.headers.location).toBe('/report/check');

    const check = await client.get('/report/check');
    expect(check.statusCode).toBe(200);
    const summary = text(check);
    for (const expected of [
      'Missed bin collection',
      'Postcode DE4 3AG',
      'Outside number 12, by the post box',
      'Derbyshire Dales District Council',
      'General waste, Food waste',
      '24 November 2026',
      'Not emptied on Tuesday',
      'Ada Resident',
      'ada.guest@example.com',
      '01629 580000',
    ]) {
      expect(summary).toContain(expected);
    }
    for (const href of [
      '/report?change=yes',
      '/report/where?change=yes',
      '/report/questions?change=yes#answer-bin_type',
      '/report/questions?change=yes#description',
      '/report/about-you?change=yes',
    ]) {
      expect(check.body).toContain(`href="${href}"`);
    }
    const before = await countCases();

    const sent = await client.post('/report/check', {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/report/confirmation');
    expect(await countCases()).toBe(before + 1);

    const confirmation = await client.get('/report/confirmation');
    const reference = /Your reference is<br><strong>(DBY-2026-\d{6})<\/strong>/.exec(confirmation.body)?.[1];
    expect(reference).toBeDefined();
    expect(confirmation.body).toContain('govuk-panel--confirmation');
    expect(text(confirmation)).toContain(
      'Derbyshire Dales District Council has your report (missed bin collection). It aims to deal with it by 30 November 2026 .',
    );
    expect(text(confirmation)).toContain('We have sent a confirmation email to ada.guest@example.com');

    const record = await database.db
      .selectFrom('cases')
      .selectAll()
      .where('reference', '=', reference!)
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({
      channel: 'web',
      contact_name: 'Ada Resident',
      contact_email: 'ada.guest@example.com',
      contact_phone: '01629 580000',
      postcode: 'DE4 3AG',
      location_description: 'Outside number 12, by the post box',
      citizen_id: null,
    });
    expect(record.answers).toEqual({ bin_type: ['general', 'food'], collection_day: '2026-11-24' });
    expect((await latestEmailTo(database.db, 'ada.guest@example.com'))?.subject).toBe(
      `We have your report: Missed bin collection (${reference})`,
    );

    // The draft no longer holds the resident's details once sent.
    const drafts = await database.db
      .selectFrom('report_drafts')
      .select('answers')
      .where('case_id', '=', record.id)
      .execute();
    expect(JSON.stringify(drafts)).not.toContain('Ada Resident');
    // This browser may follow it straight away; another needs the reference and email.
    expect(confirmation.body).toContain(`href="/track/${reference}">Follow your report</a>`);
    expect(text(await client.get(`/track/${reference}`))).toContain(`Your request ${reference}`);
    const stranger = await new TestClient(app).get(`/track/${reference}`);
    expect(text(stranger)).toContain(`Public request ${reference}`);
    expect(stranger.body).not.toContain('Not emptied on Tuesday');
    // Going back to check the answers shows the confirmation, not the sent answers.
    expect((await client.get('/report/check')).headers.location).toBe('/report/confirmation');
  });

  it('goes back to check your answers after a change', async () => {
    const { client } = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers, about: guest });
    const where = await client.get('/report/where?change=yes');
    expect(where.body).toContain('<input type="hidden" name="change" value="yes">');
    expect(where.body).toContain('href="/report/check" class="govuk-back-link"');
    const changed = await client.post(
      '/report/where',
      { postcode: 'DE4 3AG', locationDescription: 'By the bus stop', change: 'yes' },
      '/report/where?change=yes',
    );
    expect(changed.headers.location).toBe('/report/check');
    expect(text(await client.get('/report/check'))).toContain('By the bus stop');

    const about = await client.post('/report/about-you', { ...guest, name: 'Ada Lovelace', change: 'yes' });
    expect(about.headers.location).toBe('/report/check');

    // Another kind means other questions: the journey asks where (kept) and its questions again.
    const kind = await client.post('/report', { serviceCode: 'street-light', change: 'yes' });
    expect(kind.headers.location).toBe('/report/where?change=yes');
    const again = await client.post(
      '/report/where',
      { postcode: 'DE4 3AG', locationDescription: 'By the bus stop', change: 'yes' },
      '/report/where?change=yes',
    );
    expect(again.headers.location).toMatch(/^\/report\/(questions|nearby)\?change=yes$/);
    const questions = await client.get('/report/questions?change=yes');
    expect(questions.body).toContain('name="answer-fault"');
    expect(questions.body).not.toContain('A deep hole');
    const answered = await client.post(
      '/report/questions',
      { 'answer-fault': 'out', description: 'Dark all night', change: 'yes' },
      '/report/questions?change=yes',
    );
    expect(answered.headers.location).toBe('/report/check');
    expect(text(await client.get('/report/check'))).toContain('Ada Lovelace');
  });

  it('offers to report anonymously only where the kind allows it, and refuses a form that asks anyway', async () => {
    const allowed = await journey({
      serviceCode: 'dog-fouling',
      postcode: 'DE4 3AG',
      answers: { description: 'On the path to the school' },
    });
    const aboutPage = await allowed.client.get('/report/about-you');
    expect(aboutPage.body).toContain('value="anonymous"');
    const unanswered = await allowed.client.post('/report/about-you', {});
    expect(unanswered.statusCode).toBe(400);
    expect(unanswered.body).toContain('href="#identify">Select whether you want to give your details');
    const anonymousAbout = await allowed.client.post('/report/about-you', { identify: 'anonymous' });
    expect(anonymousAbout.headers.location).toBe('/report/check');
    expect(text(await allowed.client.get('/report/check'))).toContain('You are reporting anonymously');
    await allowed.client.post('/report/check', {});
    const confirmation = await allowed.client.get('/report/confirmation');
    expect(text(confirmation)).toContain('You reported this anonymously, so we cannot email you about it.');
    const reference = /(DBY-2026-\d{6})/.exec(confirmation.body)![1];
    const record = await database.db
      .selectFrom('cases')
      .selectAll()
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({ contact_name: null, contact_email: null, contact_phone: null, citizen_id: null });

    const refused = await journey({
      serviceCode: 'missed-bin',
      postcode: 'DE4 3AG',
      answers: { 'answer-bin_type': 'general', description: 'Missed' },
    });
    const page = await refused.client.get('/report/about-you');
    expect(page.body).not.toContain('value="anonymous"');
    expect(text(page)).toContain('We need your name and email address for this kind of request');
    const forged = await refused.client.post('/report/about-you', { identify: 'anonymous' });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain(
      'You cannot report missed bin collection anonymously. Give your name and email address',
    );
    expect((await refused.client.get('/report/check')).headers.location).toBe('/report/about-you');
    const missing = await refused.client.post('/report/about-you', { name: '', email: 'nope' });
    expect(missing.body).toContain('href="#name">Enter your full name');
    expect(missing.body).toContain('href="#email">Enter an email address in the correct format');

    // Anonymous for dog fouling, then a change to a kind that needs details: the journey asks for them.
    const switched = await journey({
      serviceCode: 'dog-fouling',
      postcode: 'DE4 3AG',
      answers: { description: 'Again' },
      about: { identify: 'anonymous' },
    });
    await switched.client.post('/report', { serviceCode: 'missed-bin' });
    await switched.client.post('/report/where', { postcode: 'DE4 3AG', locationDescription: 'Here' });
    await switched.client.post('/report/questions', { 'answer-bin_type': 'general', description: 'Missed' });
    expect((await switched.client.get('/report/check')).headers.location).toBe('/report/about-you');
  });

  it('skips “about you” for a signed-in resident, shows who is reporting, and links the case to their account', async () => {
    const guestAbout = await new TestClient(app);
    const { client: anonymousClient } = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers }, guestAbout);
    const about = await anonymousClient.get('/report/about-you');
    expect(about.body).toContain('href="/account/sign-in?next=%2Freport%2Fabout-you"');
    expect(about.body).toContain('href="/account/register?next=%2Freport%2Fabout-you"');

    const client = await citizenClient('cy.citizen@example.com');
    const { questions } = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers }, client);
    expect(questions.headers.location).toBe('/report/check');
    expect((await client.get('/report/about-you')).headers.location).toBe('/report/check');
    const check = await client.get('/report/check');
    expect(text(check)).toContain('Cy Citizen cy.citizen@example.com (from your account)');
    expect(check.body).not.toContain('/report/about-you?change=yes');
    await client.post('/report/check', {});
    const confirmation = await client.get('/report/confirmation');
    expect(confirmation.body).toContain('href="/account/requests"');
    const reference = /(DBY-2026-\d{6})/.exec(confirmation.body)![1];
    const record = await database.db
      .selectFrom('cases')
      .innerJoin('citizens', 'citizens.id', 'cases.citizen_id')
      .select(['citizens.email'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(record.email).toBe('cy.citizen@example.com');
  });

  it('keeps answers when a guest signs in part way through', async () => {
    const client = new TestClient(app);
    await database.db
      .insertInto('citizens')
      .values({
        email: 'mid.way@example.com',
        name: 'Mid Way',
        phone: null,
        password_hash: await hashPassword('three random words'),
        email_verified_at: now,
        oidc_issuer: null,
        oidc_subject: null,
        locked_until: null,
      })
      .execute();
    await journey({ postcode: 'DE4 3AG', answers: potholeAnswers }, client);
    const signIn = await client.post(
      '/account/sign-in',
      { email: 'mid.way@example.com', password: 'three random words', next: '/report/about-you' },
      '/account/sign-in?next=%2Freport%2Fabout-you',
    );
    expect(signIn.headers.location).toBe('/report/about-you');
    expect((await client.get('/report/about-you')).headers.location).toBe('/report/check');
    expect(text(await client.get('/report/check'))).toContain('A deep hole in the middle of the lane');
  });
});

describe('sending exactly once', () => {
  it('makes one case from a draft posted twice, one after the other, and sends both posts to the same confirmation', async () => {
    const { client } = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers, about: guest });
    const page = await client.get('/report/check');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const before = await countCases();
    const first = await client.postWithToken('/report/check', {}, token);
    const second = await client.postWithToken('/report/check', {}, token);
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    expect(second.headers.location).toBe('/report/confirmation');
    expect(await countCases()).toBe(before + 1);
  });

  it('makes one case when two posts of the same draft arrive at the same moment', async () => {
    const { client } = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers, about: guest });
    const page = await client.get('/report/check');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const before = await countCases();
    const responses = await Promise.all([
      client.postWithToken('/report/check', {}, token),
      client.postWithToken('/report/check', {}, token),
      client.postWithToken('/report/check', {}, token),
    ]);
    expect(responses.map((response) => response.headers.location)).toEqual([
      '/report/confirmation',
      '/report/confirmation',
      '/report/confirmation',
    ]);
    expect(await countCases()).toBe(before + 1);
    expect((await client.get('/report/confirmation')).body).toMatch(
      /Your reference is<br><strong>DBY-2026-\d{6}<\/strong>/,
    );
  });

  it('starts a new report after one is sent, and forgets a draft left for more than 4 hours', async () => {
    const { client } = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers, about: guest });
    await client.post('/report/check', {});
    const fresh = await client.get('/report');
    expect(fresh.body).not.toContain('checked');
    await client.post('/report', { serviceCode: 'graffiti' });
    expect((await client.get('/report/where')).statusCode).toBe(200);

    const old = await journey({ postcode: 'DE4 3AG', answers: potholeAnswers, about: guest });
    const page = await old.client.get('/report/check');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    now = new Date(now.getTime() + 4 * 60 * 60 * 1000 + 1000);
    try {
      const before = await countCases();
      const late = await old.client.postWithToken('/report/check', {}, token);
      expect(late.headers.location).toBe('/report?expired=yes');
      expect(await countCases()).toBe(before);
      expect(text(await old.client.get('/report?expired=yes'))).toContain(
        'Your report was not sent: we only keep answers for 4 hours.',
      );
    } finally {
      now = new Date('2026-11-26T10:00:00Z');
    }
  });

  it('takes over a send that stopped part way, which had made nothing, and makes its one case', async () => {
    const answers = { ...potholeAnswers, description: 'A hole the size of a bath' };
    const { client } = await journey({ postcode: 'DE4 3AG', answers, about: { ...guest, email: 'stuck@example.com' } });
    const page = await client.get('/report/check');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    // As if a process claimed the draft and died: its case's transaction, which marks the draft sent, never committed.
    const draft = await database.db
      .selectFrom('report_drafts')
      .select(['id'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await database.db.updateTable('report_drafts').set({ submitting_at: now }).where('id', '=', draft.id).execute();
    const before = await countCases();

    const waiting = await client.get('/report/confirmation');
    expect(text(waiting)).toContain('We are sending your report');
    now = new Date(now.getTime() + 3 * 60 * 1000);
    try {
      const retried = await client.postWithToken('/report/check', {}, token);
      expect(retried.headers.location).toBe('/report/confirmation');
      expect(await countCases()).toBe(before + 1);
      const sent = await database.db
        .selectFrom('report_drafts')
        .innerJoin('cases', 'cases.id', 'report_drafts.case_id')
        .select('cases.reference')
        .where('report_drafts.id', '=', draft.id)
        .executeTakeFirstOrThrow();
      expect((await client.get('/report/confirmation')).body).toContain(sent.reference);
      // A second post of the same draft makes nothing more.
      expect((await client.postWithToken('/report/check', {}, token)).headers.location).toBe('/report/confirmation');
      expect(await countCases()).toBe(before + 1);
    } finally {
      now = new Date('2026-11-26T10:00:00Z');
    }
  });

  it('never leaves a case without its draft marked sent: a failure in the transaction undoes both', async () => {
    const before = await countCases();
    const failing = services.cases.submit(
      anonymous,
      {
        serviceCode: 'pothole',
        place: await services.place('DE4 3AG'),
        locationDescription: 'By the church',
        description: 'A hole',
        answers: { where_on_road: 'carriageway' },
        channel: 'web',
        contact: { name: 'Ada Resident', email: 'undone@example.com', phone: null },
        citizenId: null,
      },
      {
        withinTransaction: async () => {
          throw new Error('the draft could not be marked');
        },
      },
    );
    await expect(failing).rejects.toThrow('the draft could not be marked');
    expect(await countCases()).toBe(before);
  });
});
