import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { hashPassword } from '../../../src/modules/identity/secrets.js';
import { testConfig } from '../../support/app.js';
import { organisationId, signedInStaff } from '../../support/accounts.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { TestClient } from '../../support/http.js';
import { jpegBytes, jpegWithLocation, pngBytes, textPretendingToBeJpeg } from '../../support/images.js';

let database: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ config: testConfig(), db: database.db });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

const text = (response: LightMyRequestResponse) => response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const potholeAnswers = {
  'answer-where_on_road': 'carriageway',
  'answer-depth_cm': '12',
  description: 'A deep hole in the middle of the lane',
};
const guest = { name: 'Ada Resident', email: 'ada@example.com', phone: '' };
const photoRows = () => database.db.selectFrom('case_photos').selectAll().orderBy('id').execute();

/** A browser part way through the journey: the kind and the place answered, at the questions. */
async function atQuestions() {
  const client = new TestClient(app);
  await client.post('/report', { serviceCode: 'pothole' });
  const where = await client.post('/report/where', {
    postcode: 'DE4 3AG',
    locationDescription: 'Outside number 12, by the post box',
  });
  // Once the first test's report is sent, it is offered as a nearby report first.
  expect(['/report/questions', '/report/nearby']).toContain(where.headers.location);
  return client;
}

async function send(client: TestClient) {
  await client.post('/report/about-you', { identify: 'details', ...guest });
  const sent = await client.post('/report/check', {});
  expect(sent.headers.location).toBe('/report/confirmation');
  const confirmation = await client.get('/report/confirmation');
  const reference = /DBY-\d{4}-\d{6}/.exec(confirmation.body)![0];
  return database.db.selectFrom('cases').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

describe('photos on a resident’s report', () => {
  it('offers a GOV.UK file upload on the questions page, in a multipart form that works without JavaScript', async () => {
    const client = await atQuestions();
    const page = await client.get('/report/questions');
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toMatch(
      /<input class="govuk-file-upload[^"]*" id="photos" name="photos" type="file"[^>]* multiple/,
    );
    expect(page.body).toContain('accept="image/jpeg,image/png,image/heic,image/heif,.jpg,.jpeg,.png,.heic,.heif"');
  });

  it('keeps the photos with the draft and gives them to the case when it is sent, without their GPS position', async () => {
    const client = await atQuestions();
    const posted = await client.postMultipart('/report/questions', potholeAnswers, [
      { filename: 'IMG_0001.JPG', bytes: await jpegWithLocation(3000, 2000) },
      { filename: 'lane.png', bytes: await pngBytes(), contentType: 'image/png' },
    ]);
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/report/about-you');
    const waiting = await photoRows();
    expect(waiting.map((row) => [row.case_id, row.report_draft_id !== null])).toEqual([
      [null, true],
      [null, true],
    ]);
    await client.post('/report/about-you', { identify: 'details', ...guest });
    const check = await client.get('/report/check');
    expect(text(check)).toContain('Photos 2 photos');

    const record = await send(client);
    const photos = await photoRows();
    expect(photos.map((row) => [row.case_id, row.report_draft_id, row.original_format])).toEqual([
      [record.id, null, 'jpeg'],
      [record.id, null, 'png'],
    ]);
    expect([photos[0].width, photos[0].height]).toEqual([2048, 1365]);

    // Anyone may see a photo of a public case, from its own address; nothing of its EXIF is left.
    const served = await new TestClient(app).get(`/photos/${photos[0].id}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('public, max-age=3600');
    const metadata = await sharp(served.rawPayload).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(served.rawPayload.includes(Buffer.from('Pothole 3000'))).toBe(false);
    const thumbnail = await new TestClient(app).get(`/photos/${photos[0].id}/thumbnail`);
    expect((await sharp(thumbnail.rawPayload).metadata()).width).toBe(320);
  });

  it('refuses text named .jpg beside the field, keeping what was typed and saving nothing', async () => {
    const client = await atQuestions();
    const before = await photoRows();
    const posted = await client.postMultipart(
      '/report/questions',
      { ...potholeAnswers, description: 'A hole, and my photo' },
      [
        { filename: 'good.jpg', bytes: await jpegBytes() },
        { filename: 'holiday.jpg', bytes: textPretendingToBeJpeg },
      ],
    );
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('govuk-error-summary');
    expect(posted.body).toContain('href="#photos">‘holiday.jpg’ must be a JPG, PNG or HEIC photo</a>');
    expect(posted.body).toMatch(
      /id="photos-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:<\/span> ‘holiday.jpg’ must be a JPG, PNG or HEIC photo/,
    );
    expect(posted.body).toContain('A hole, and my photo');
    expect(await photoRows()).toEqual(before);
    // The answers were not saved either: the journey is still at the questions.
    expect((await client.get('/report/about-you')).headers.location).toBe('/report/questions');
  });

  it('refuses a file over 10MB beside the field', async () => {
    const client = await atQuestions();
    const huge = Buffer.concat([await jpegBytes(), Buffer.alloc(11 * 1024 * 1024, 1)]);
    const posted = await client.postMultipart('/report/questions', potholeAnswers, [
      { filename: 'big.jpg', bytes: huge },
    ]);
    expect(posted.statusCode).toBe(400);
    expect(text(posted)).toContain('‘big.jpg’ must be smaller than 10MB');
    expect(await photoRows()).toHaveLength(2);
  });

  it('refuses more than 5 photos in one go', async () => {
    const client = await atQuestions();
    const photo = await jpegBytes(200, 150);
    const posted = await client.postMultipart(
      '/report/questions',
      potholeAnswers,
      Array.from({ length: 6 }, (_, index) => ({ filename: `p${index}.jpg`, bytes: photo })),
    );
    expect(posted.statusCode).toBe(400);
    expect(text(posted)).toContain('Select up to 5 photos');
  });

  it('refuses a post of far more files than any form takes as a whole, with 400 and nothing saved', async () => {
    const client = await atQuestions();
    const photo = await jpegBytes(100, 80);
    const posted = await client.postMultipart(
      '/report/questions',
      potholeAnswers,
      Array.from({ length: 9 }, (_, index) => ({ filename: `p${index}.jpg`, bytes: photo })),
    );
    expect(posted.statusCode).toBe(400);
    expect(await photoRows()).toHaveLength(2);
  });

  it('checks the CSRF token of a multipart form like any other: missing or forged, refused and nothing saved', async () => {
    const client = await atQuestions();
    const photo = [{ filename: 'a.jpg', bytes: await jpegBytes(200, 150) }];
    for (const token of [null, 'forged-token']) {
      const posted = await client.postMultipart('/report/questions', potholeAnswers, photo, { token });
      expect(posted.statusCode).toBe(403);
    }
    expect(await photoRows()).toHaveLength(2);
  });

  it('answers a cut-off multipart body with 400, not 500', async () => {
    const client = await atQuestions();
    const token = await client.csrfToken('/report/questions');
    const response = await client.send({
      method: 'POST',
      url: '/report/questions',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: `--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--xyz\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff`,
    });
    expect(response.statusCode).toBe(400);
  });

  it('throws away a file sent to a form that takes none', async () => {
    const client = await atQuestions();
    const posted = await client.postMultipart(
      '/report/where',
      { postcode: 'DE4 3AG', locationDescription: 'By the bench' },
      [{ filename: 'a.jpg', bytes: await jpegBytes(200, 150) }],
    );
    expect(posted.statusCode).toBe(303);
    expect(await photoRows()).toHaveLength(2);
  });
});

describe('the photos on a draft', () => {
  it('are shown back to the browser that added them, which may remove one, and to nobody else', async () => {
    const client = await atQuestions();
    await client.postMultipart('/report/questions', potholeAnswers, [
      { filename: 'one.jpg', bytes: await jpegBytes(300, 200) },
      { filename: 'two.jpg', bytes: await jpegBytes(300, 200) },
    ]);
    const draft = await database.db
      .selectFrom('report_drafts')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const [first, second] = await database.db
      .selectFrom('case_photos')
      .selectAll()
      .where('report_draft_id', '=', draft.id)
      .orderBy('id')
      .execute();
    const page = await client.get('/report/questions');
    expect(page.body).toContain(`<img src="/report/photos/${first.id}/thumbnail"`);
    expect(text(page)).toContain('You have added 2 photos');
    expect((await client.get(`/report/photos/${first.id}/thumbnail`)).headers['content-type']).toBe('image/jpeg');
    // Another browser, and the public address of a sent case's photo, see nothing of a draft's.
    expect((await new TestClient(app).get(`/report/photos/${first.id}/thumbnail`)).statusCode).toBe(404);
    expect((await new TestClient(app).get(`/photos/${first.id}`)).statusCode).toBe(404);
    expect((await new TestClient(app).post(`/report/photos/${first.id}/remove`, {}, '/report')).statusCode).toBe(404);

    const removed = await client.post(`/report/photos/${first.id}/remove`, {}, '/report/questions');
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe('/report/questions');
    const left = await database.db
      .selectFrom('case_photos')
      .select('id')
      .where('report_draft_id', '=', draft.id)
      .execute();
    expect(left).toEqual([{ id: second.id }]);
    const files = await database.db
      .selectFrom('photo_files')
      .select('storage_key')
      .where('storage_key', 'in', [first.image_key, first.thumbnail_key])
      .execute();
    expect(files).toEqual([]);
  });
});

describe('an expired draft', () => {
  it('takes its photos with it, bytes and all, when the next draft is made', async () => {
    const client = await atQuestions();
    await client.postMultipart('/report/questions', potholeAnswers, [
      { filename: 'left.jpg', bytes: await jpegBytes(300, 200) },
    ]);
    const draft = await database.db
      .selectFrom('report_drafts')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const [photo] = await database.db
      .selectFrom('case_photos')
      .selectAll()
      .where('report_draft_id', '=', draft.id)
      .execute();
    await database.db
      .updateTable('report_drafts')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', draft.id)
      .execute();
    await new TestClient(app).post('/report', { serviceCode: 'pothole' });
    expect(await database.db.selectFrom('case_photos').select('id').where('id', '=', photo.id).execute()).toEqual([]);
    const files = await database.db
      .selectFrom('photo_files')
      .select('storage_key')
      .where('storage_key', 'in', [photo.image_key, photo.thumbnail_key])
      .execute();
    expect(files).toEqual([]);
  });
});

describe('who may see a photo', () => {
  it('shows a photo of a case that is not public only to staff who may read the case, and records their read', async () => {
    const [photo] = await photoRows();
    await database.db.updateTable('cases').set({ is_public: false }).where('id', '=', photo.case_id!).execute();
    expect((await new TestClient(app).get(`/photos/${photo.id}`)).statusCode).toBe(404);

    const record = await database.db
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', photo.case_id!)
      .executeTakeFirstOrThrow();
    const owner = await signedInStaff(app, database.db, {
      organisationId: record.organisation_id,
      roles: ['service_officer'],
    });
    const seen = await owner.client.get(`/photos/${photo.id}/thumbnail`);
    expect(seen.statusCode).toBe(200);
    expect(seen.headers['cache-control']).toBe('private, no-store');
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'record_type', 'record_id'])
      .where('record_type', '=', 'case_photo')
      .execute();
    expect(audit).toEqual([{ action: 'read', record_type: 'case_photo', record_id: String(photo.id) }]);

    const stranger = await signedInStaff(app, database.db, {
      organisationId: await organisationId(database.db, 'E06000015'),
      roles: ['service_officer'],
    });
    expect((await stranger.client.get(`/photos/${photo.id}`)).statusCode).toBe(404);
    await database.db.updateTable('cases').set({ is_public: true }).where('id', '=', photo.case_id!).execute();
  });

  it('shows the resident who reported it, signed in, their own photo of a case that is not public', async () => {
    const [photo] = await photoRows();
    const email = 'rita.reporter@example.com';
    const citizen = await database.db
      .insertInto('citizens')
      .values({
        email,
        name: 'Rita Reporter',
        phone: null,
        password_hash: await hashPassword('three random words'),
        email_verified_at: new Date(),
        oidc_issuer: null,
        oidc_subject: null,
        locked_until: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable('cases')
      .set({ is_public: false, citizen_id: citizen.id })
      .where('id', '=', photo.case_id!)
      .execute();
    const reporter = new TestClient(app);
    expect((await reporter.post('/account/sign-in', { email, password: 'three random words' })).statusCode).toBe(303);
    expect((await reporter.get(`/photos/${photo.id}`)).statusCode).toBe(200);
    expect((await new TestClient(app).get(`/photos/${photo.id}`)).statusCode).toBe(404);
    await database.db
      .updateTable('cases')
      .set({ is_public: true, citizen_id: null })
      .where('id', '=', photo.case_id!)
      .execute();
  });

  it('never shows a private photo to the public, even of a public case; and nothing of a draft', async () => {
    const [first] = await photoRows();
    await database.db.updateTable('case_photos').set({ is_private: true }).where('id', '=', first.id).execute();
    expect((await new TestClient(app).get(`/photos/${first.id}`)).statusCode).toBe(404);
    expect((await new TestClient(app).get('/photos/999999')).statusCode).toBe(404);
    expect((await new TestClient(app).get('/photos/not-a-number')).statusCode).toBe(404);
  });
});
