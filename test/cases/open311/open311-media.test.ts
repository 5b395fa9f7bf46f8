import { describe, expect, it } from 'vitest';
import { createPhotos } from '../../../src/modules/cases/photos/index.js';
import { processPhoto } from '../../../src/modules/cases/photos/image.js';
import { testConfig, useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { jpegBytes } from '../../support/images.js';
import { issueTestKey, missedBin, parseXml, postForm } from '../../support/open311.js';

const context = useTestApp();
const base = '/open311/v2';
const db = () => context.database.db;
const publicUrl = testConfig().publicUrl;

async function addPhoto(caseId: number, isPrivate: boolean) {
  const services = await casesServices(db(), () => new Date());
  const photos = createPhotos({
    db: db(),
    clock: () => new Date(),
    cases: services.cases,
    caseRepository: services.repository,
    publicUrl,
  });
  const processed = await processPhoto(await jpegBytes(300, 200));
  if ('problem' in processed) throw new Error(processed.problem);
  const [id] = await db()
    .transaction()
    .execute((trx) => photos.attach(trx, { caseId }, [processed], { isPrivate }));
  return id;
}

describe('media_url', () => {
  it('is recorded as a link when a client posts it, and not fetched', async () => {
    const client = await issueTestKey(db(), 'FixMyStreet');
    const link = 'https://fixmystreet.invalid/photo/1.full.jpeg';
    const response = await postForm(context.app, `${base}/requests.xml`, missedBin(client.key, [['media_url', link]]));
    expect(response.statusCode).toBe(201);
    const reference = parseXml(response.body).service_requests.request[0].service_request_id as string;
    const record = await db()
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const links = await db().selectFrom('case_media_links').select(['case_id', 'url']).execute();
    expect(links).toEqual([{ case_id: record.id, url: link }]);

    // The client that sent it reads its link back until the case has a photo of its own.
    const read = await context.app.inject({ url: `${base}/requests/${reference}.json?api_key=${client.key}` });
    expect(read.json()[0].media_url).toBe(link);

    // A private photo is never the media_url; the first public one is, as an absolute address.
    await addPhoto(record.id, true);
    const publicPhoto = await addPhoto(record.id, false);
    await addPhoto(record.id, false);
    for (const url of [
      `${base}/requests/${reference}.json`,
      `${base}/requests/${reference}.json?api_key=${client.key}`,
    ]) {
      const answer = await context.app.inject({ url });
      expect(answer.json()[0].media_url).toBe(`${publicUrl}/photos/${publicPhoto}`);
    }
    const xml = await context.app.inject({ url: `${base}/requests.xml?service_request_id=${reference}` });
    expect(parseXml(xml.body).service_requests.request[0].media_url).toBe(`${publicUrl}/photos/${publicPhoto}`);
    expect((await context.app.inject({ url: `/photos/${publicPhoto}` })).statusCode).toBe(200);
  });

  it('is empty for a request without photo or link', async () => {
    const client = await issueTestKey(db(), 'Another client');
    const response = await postForm(context.app, `${base}/requests.json`, missedBin(client.key));
    const reference = response.json()[0].service_request_id as string;
    const read = await context.app.inject({ url: `${base}/requests/${reference}.json?api_key=${client.key}` });
    expect(read.json()[0].media_url).toBeNull();
  });

  it('must be an http or https address', async () => {
    const client = await issueTestKey(db(), 'Careless client');
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'photo.jpg']) {
      const response = await postForm(
        context.app,
        `${base}/requests.json`,
        missedBin(client.key, [['media_url', url]]),
      );
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json())).toContain('media_url must be an http or https address');
    }
    expect(await db().selectFrom('case_media_links').select('id').execute()).toHaveLength(1);
  });
});

describe('multipart bodies', () => {
  it('are refused by Open311 with 415, in its own format: a photo goes to it as a media_url', async () => {
    const client = await issueTestKey(db(), 'Multipart client');
    const response = await context.app.inject({
      method: 'POST',
      url: `${base}/requests.json`,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: `--x\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${client.key}\r\n--x--\r\n`,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()[0].description).toContain('multipart/form-data is not taken here');
  });
});

describe('media_url of an update', () => {
  it('is the first public photo that came with it', async () => {
    const client = await issueTestKey(db(), 'Updates client');
    const response = await postForm(context.app, `${base}/requests.json`, missedBin(client.key));
    const reference = response.json()[0].service_request_id as string;
    const record = await db()
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const services = await casesServices(db(), () => new Date());
    const photos = createPhotos({
      db: db(),
      clock: () => new Date(),
      cases: services.cases,
      caseRepository: services.repository,
      publicUrl,
    });
    const processed = await processPhoto(await jpegBytes(300, 200));
    if ('problem' in processed) throw new Error(processed.problem);
    const event = await db()
      .insertInto('case_events')
      .values({
        case_id: record.id,
        kind: 'public_update',
        is_public: true,
        body: 'Filled',
        channel: 'web',
        from_status: null,
        to_status: null,
        from_organisation_id: null,
        to_organisation_id: null,
        staff_id: null,
        organisation_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [photo] = await db()
      .transaction()
      .execute((trx) => photos.attach(trx, { caseId: record.id, caseEventId: event.id }, [processed]));
    const feed = await context.app.inject({ url: `${base}/servicerequestupdates.json?api_key=${client.key}` });
    const updates = feed.json() as { update_id: string; media_url: string | null }[];
    expect(updates.find((update) => update.update_id === String(event.id))?.media_url).toBe(
      `${publicUrl}/photos/${photo}`,
    );
    expect(
      updates.filter((update) => update.update_id !== String(event.id)).every((update) => update.media_url === null),
    ).toBe(true);
  });
});

describe('a media_url on the case page', () => {
  it('is shown to the owning council’s staff as a link to the client’s own site', async () => {
    const { signedInStaff, organisationId } = await import('../../support/accounts.js');
    const client = await issueTestKey(db(), 'Link client');
    const link = 'https://fixmystreet.invalid/photo/2.full.jpeg';
    const response = await postForm(context.app, `${base}/requests.json`, missedBin(client.key, [['media_url', link]]));
    const reference = response.json()[0].service_request_id as string;
    const record = await db()
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const officer = await signedInStaff(context.app, db(), {
      organisationId: await organisationId(db(), 'E07000035'),
      roles: ['service_officer'],
    });
    const page = await officer.client.get(`/staff/cases/${record.id}`);
    expect(page.statusCode, page.body.match(/<h1[^>]*>[^<]*/)?.[0]).toBe(200);
    expect(page.body).toContain(`<a class="govuk-link" href="${link}" rel="noreferrer noopener" target="_blank">`);
  });
});
