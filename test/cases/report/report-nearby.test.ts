import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { anonymous } from '../../../src/shared/actor.js';
import { hashPassword } from '../../../src/modules/identity/secrets.js';
import { createPhotos } from '../../../src/modules/cases/photos/index.js';
import { processPhoto } from '../../../src/modules/cases/photos/image.js';
import { organisationId } from '../../support/accounts.js';
import { testConfig } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { TestClient } from '../../support/http.js';
import { jpegBytes } from '../../support/images.js';
import { latestEmailTo, linkIn } from '../../support/outbox.js';
import { staffActor } from '../staff/staff-cases-fixtures.js';

let database: TestDatabase;
let app: FastifyInstance;
let services: Awaited<ReturnType<typeof casesServices>>;
const clock = () => new Date();
let existing: { id: number; reference: string };
let photoId: number;

const text = (response: LightMyRequestResponse) => response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** A street light already reported at the centre of DE45 1AA, with a photo, by someone else. */
async function reportedStreetLight(description: string) {
  const result = await services.cases.submit(anonymous, {
    serviceCode: 'street-light',
    place: await services.place('DE45 1AA'),
    locationDescription: 'Outside the house of Mrs Private',
    description,
    answers: { fault: 'out' },
    channel: 'web',
    contact: { name: 'Prue Private', email: 'prue@example.com', phone: null },
    citizenId: null,
  });
  if (result.outcome !== 'created') throw new Error(result.outcome);
  return { id: result.caseId, reference: result.reference };
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ config: testConfig(), db: database.db, clock });
  services = await casesServices(database.db, clock);
  existing = await reportedStreetLight('The lamp by the bus stop flickers all night');
  const photos = createPhotos({
    db: database.db,
    clock,
    cases: services.cases,
    caseRepository: services.repository,
    publicUrl: 'http://shirehall.test',
  });
  const processed = await processPhoto(await jpegBytes(400, 300));
  if ('problem' in processed) throw new Error(processed.problem);
  [photoId] = await database.db
    .transaction()
    .execute((trx) => photos.attach(trx, { caseId: existing.id }, [processed]));
}, 60_000);
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

/** A resident who put the pin about 120 m north of the postcode's centre, where the light already reported is. */
async function residentWithPin(client = new TestClient(app)) {
  const centre = await services.place('DE45 1AA');
  await client.post('/report', { serviceCode: 'street-light' });
  const where = await client.post('/report/where', {
    postcode: 'DE45 1AA',
    locationDescription: '',
    latitude: String((centre.latitude + 0.00108).toFixed(6)),
    longitude: String(centre.longitude.toFixed(6)),
  });
  expect(where.headers.location).toBe('/report/nearby');
  return client;
}

describe('nearby reports a resident can judge', () => {
  it('shows each one’s description, thumbnail, distance from the pin and a small map, but nothing of its reporter', async () => {
    const client = await residentWithPin();
    const page = await client.get('/report/nearby');
    expect(page.statusCode).toBe(200);
    expect(text(page)).toContain('The lamp by the bus stop flickers all night');
    expect(page.body).toContain(`<img src="/photos/${photoId}/thumbnail"`);
    // From the pin, not from the postcode's centre (where it would be "less than 10 metres").
    expect(text(page)).toContain('About 120 metres away');
    expect(page.body).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="nearby-map-title"/);
    expect(page.body).toContain('<title id="nearby-map-title">');
    expect(text(page)).toContain('1 is 120 metres south of the place you gave');
    for (const personal of ['Prue Private', 'prue@example.com', 'Mrs Private'])
      expect(page.body).not.toContain(personal);
    expect(page.body).toMatch(
      /<form method="post" action="\/report\/nearby\/follow"[\s\S]*?name="reference" value="DBY-/,
    );
  });

  it('lets a guest follow one instead, confirmed by an emailed link, and tells them so', async () => {
    const client = await residentWithPin();
    const asked = await client.post('/report/nearby/follow', { reference: existing.reference }, '/report/nearby');
    expect(asked.statusCode).toBe(200);
    expect(text(asked)).toContain('What is your email address?');
    const wrong = await client.post(
      '/report/nearby/follow',
      { reference: existing.reference, email: 'not an email' },
      '/report/nearby',
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('govuk-error-summary');

    const sent = await client.post(
      '/report/nearby/follow',
      { reference: existing.reference, email: 'Fay.Follower@example.com' },
      '/report/nearby',
    );
    expect(sent.statusCode).toBe(200);
    expect(text(sent)).toContain('Check your email');
    expect(text(sent)).toContain('fay.follower@example.com');
    const rows = await database.db.selectFrom('case_followers').selectAll().execute();
    expect(rows.map((row) => [row.case_id, row.email, row.confirmed_at])).toEqual([
      [existing.id, 'fay.follower@example.com', null],
    ]);

    // Not confirmed yet: a public update reaches the reporter, not the follower.
    const officer = await staffActor(database.db, (await services.repository.findById(existing.id))!.organisation_id, [
      'service_officer',
    ]);
    await services.workflow.addUpdate(officer, existing.id, { body: 'An engineer is booked', isPublic: true });
    const confirmation = await latestEmailTo(database.db, 'fay.follower@example.com');
    expect(confirmation?.subject).toBe(`Confirm you want to follow ${existing.reference}`);
    expect(confirmation?.body_text).not.toContain('Prue');

    const confirmed = await new TestClient(app).get(linkIn(confirmation!.body_text, '/report/follow/confirm'));
    expect(confirmed.statusCode).toBe(200);
    expect(text(confirmed)).toContain(`You are following ${existing.reference}`);
    expect(text(confirmed)).toContain('We will email fay.follower@example.com');

    await services.workflow.addUpdate(officer, existing.id, { body: 'Fixed the wiring', isPublic: true });
    await services.workflow.addUpdate(officer, existing.id, { body: 'Internal: cost £40', isPublic: false });
    const update = await latestEmailTo(database.db, 'fay.follower@example.com');
    expect(update?.subject).toBe(`Update on ${existing.reference}, which you follow`);
    expect(update?.body_text).toContain('Fixed the wiring');
    expect(update?.body_text).not.toContain('Prue');
    expect(update?.body_text).not.toContain('Internal');
    const reporter = await latestEmailTo(database.db, 'prue@example.com');
    expect(reporter?.body_text).toContain('Fixed the wiring');

    // And they can stop: the link in every email leads to a button.
    const stopPage = await new TestClient(app).get(linkIn(update!.body_text, '/report/follow/stop'));
    expect(stopPage.statusCode).toBe(200);
    const stopClient = new TestClient(app);
    const stopPath = linkIn(update!.body_text, '/report/follow/stop');
    const stopped = await stopClient.post(stopPath, {}, stopPath);
    expect(stopped.statusCode).toBe(200);
    expect(text(stopped)).toContain(`You are no longer following ${existing.reference}`);
    expect(await database.db.selectFrom('case_followers').selectAll().execute()).toEqual([]);
  });

  it('follows at once for a signed-in resident, by their account', async () => {
    const email = 'cy.citizen@example.com';
    const citizen = await database.db
      .insertInto('citizens')
      .values({
        email,
        name: 'Cy Citizen',
        phone: null,
        password_hash: await hashPassword('three random words'),
        email_verified_at: new Date(),
        oidc_issuer: null,
        oidc_subject: null,
        locked_until: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const client = new TestClient(app);
    expect((await client.post('/account/sign-in', { email, password: 'three random words' })).statusCode).toBe(303);
    await residentWithPin(client);
    const followed = await client.post('/report/nearby/follow', { reference: existing.reference }, '/report/nearby');
    expect(followed.statusCode).toBe(200);
    expect(text(followed)).toContain(`You are following ${existing.reference}`);
    expect(text(followed)).toContain(`We will email ${email}`);
    const [row] = await database.db.selectFrom('case_followers').selectAll().execute();
    expect([row.citizen_id, row.email, row.confirmed_at !== null]).toEqual([citizen.id, null, true]);
    // Following twice is still following once.
    await client.post('/report/nearby/follow', { reference: existing.reference }, '/report/nearby');
    expect(await database.db.selectFrom('case_followers').selectAll().execute()).toHaveLength(1);
  });

  it('will not follow a request that is not public, or not open', async () => {
    const hidden = await reportedStreetLight('Hidden one');
    await database.db.updateTable('cases').set({ is_public: false }).where('id', '=', hidden.id).execute();
    const client = await residentWithPin();
    for (const reference of [hidden.reference, 'DBY-1999-000001']) {
      const refused = await client.post(
        '/report/nearby/follow',
        { reference, email: 'nosy@example.com' },
        '/report/nearby',
      );
      expect(refused.statusCode).toBe(404);
    }
    expect(await latestEmailTo(database.db, 'nosy@example.com')).toBeUndefined();
    expect(await organisationId(database.db, 'E10000007')).toBeGreaterThan(0);
  });
});

describe('a followed request that stops being public', () => {
  it('tells its followers nothing more', async () => {
    const before = await latestEmailTo(database.db, 'cy.citizen@example.com');
    await database.db.updateTable('cases').set({ is_public: false }).where('id', '=', existing.id).execute();
    const officer = await staffActor(database.db, (await services.repository.findById(existing.id))!.organisation_id, [
      'service_officer',
    ]);
    await services.workflow.addUpdate(officer, existing.id, { body: 'Moved to the private list', isPublic: true });
    expect((await latestEmailTo(database.db, 'cy.citizen@example.com'))?.id).toBe(before?.id);
    expect((await latestEmailTo(database.db, 'prue@example.com'))?.body_text).toContain('Moved to the private list');
  });
});
