import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { TestClient } from '../../support/http.js';
import { jpegBytes, jpegWithLocation, textPretendingToBeJpeg } from '../../support/images.js';
import { gss, organisationId, report, servicesFor, type CasesServices } from './staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let county: number;
let officer: { client: TestClient; staff: { id: number } };

const details = '/staff/record-a-contact/details';
const detailsFor = (channel: string, kind: string, postcode: string) =>
  `${details}?${new URLSearchParams({ channel, kind, postcode })}`;
const potholeForm = {
  channel: 'phone',
  kind: 'pothole',
  postcode: 'DE4 3AG',
  locationDescription: 'Outside the post office',
  q_where_on_road: 'carriageway',
  q_depth_cm: '8',
  description: 'Caller says it is getting deeper',
  contactName: 'Bea Caller',
  contactEmail: 'bea@example.com',
  contactPhone: '01629 580002',
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const count = async (table: 'cases' | 'case_photos' | 'case_events') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  );

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  county = await organisationId(db, gss.county);
  officer = await signedInStaff(context.app, db, { organisationId: county, roles: ['service_officer'] });
});

describe('photos when staff record a contact', () => {
  it('takes photos on the details form and keeps them with the new case', async () => {
    const form = await officer.client.get(detailsFor('phone', 'pothole', 'DE4 3AG'));
    expect(form.body).toContain('enctype="multipart/form-data"');
    expect(form.body).toMatch(/class="govuk-file-upload[^"]*" id="photos" name="photos" type="file"/);
    const posted = await officer.client.postMultipart(
      details,
      potholeForm,
      [{ filename: 'from-caller.jpg', bytes: await jpegWithLocation(1200, 900) }],
      { from: detailsFor('phone', 'pothole', 'DE4 3AG') },
    );
    expect(posted.statusCode).toBe(303);
    const caseId = Number(/recorded\/(\d+)/.exec(String(posted.headers.location))![1]);
    const photos = await db.selectFrom('case_photos').selectAll().where('case_id', '=', caseId).execute();
    expect(photos.map((photo) => [photo.is_private, photo.uploaded_by_staff_id, photo.width])).toEqual([
      [false, officer.staff.id, 1200],
    ]);
    const page = await officer.client.get(`/staff/cases/${caseId}`);
    expect(page.body).toContain(`<img src="/photos/${photos[0].id}/thumbnail"`);
  });

  it('refuses a file that is not a photo beside the field, and makes no case', async () => {
    const [cases, photos] = [await count('cases'), await count('case_photos')];
    const posted = await officer.client.postMultipart(
      details,
      potholeForm,
      [{ filename: 'notes.jpg', bytes: textPretendingToBeJpeg }],
      { from: detailsFor('phone', 'pothole', 'DE4 3AG') },
    );
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('href="#photos">‘notes.jpg’ must be a JPG, PNG or HEIC photo</a>');
    expect(text(posted.body)).toContain('Caller says it is getting deeper');
    expect([await count('cases'), await count('case_photos')]).toEqual([cases, photos]);
  });
});

describe('photos with an update on the case page', () => {
  it('adds a public update’s photo to the update, for anyone to see on a public case', async () => {
    const made = await report(services, 'pothole', 'DE4 3AG');
    const casePage = `/staff/cases/${made.id}`;
    const page = await officer.client.get(casePage);
    expect(page.body).toMatch(/id="public-update-photos" name="photos" type="file"/);
    const posted = await officer.client.postMultipart(
      `${casePage}/public-update`,
      { update: 'Filled today; here it is' },
      [{ filename: 'after.jpg', bytes: await jpegBytes(640, 480) }],
      { from: casePage },
    );
    expect(posted.statusCode).toBe(303);
    const [photo] = await db.selectFrom('case_photos').selectAll().where('case_id', '=', made.id).execute();
    const event = await db
      .selectFrom('case_events')
      .select(['id', 'kind'])
      .where('id', '=', photo.case_event_id!)
      .executeTakeFirstOrThrow();
    expect([event.kind, photo.is_private]).toEqual(['public_update', false]);
    expect((await new TestClient(context.app).get(`/photos/${photo.id}`)).statusCode).toBe(200);
  });

  it('keeps an internal note’s photo private: staff see it, the public never does', async () => {
    const made = await report(services, 'pothole', 'DE4 3AG');
    const casePage = `/staff/cases/${made.id}`;
    const posted = await officer.client.postMultipart(
      `${casePage}/internal-note`,
      { note: 'Van number plate visible' },
      [{ filename: 'van.jpg', bytes: await jpegBytes(640, 480) }],
      { from: casePage },
    );
    expect(posted.statusCode).toBe(303);
    const [photo] = await db.selectFrom('case_photos').selectAll().where('case_id', '=', made.id).execute();
    expect(photo.is_private).toBe(true);
    expect((await new TestClient(context.app).get(`/photos/${photo.id}`)).statusCode).toBe(404);
    expect((await officer.client.get(`/photos/${photo.id}`)).statusCode).toBe(200);
    const page = await officer.client.get(casePage);
    expect(text(page.body)).toContain('Private: staff only');
  });

  it('refuses a wrong file beside the update’s own field, adding neither the update nor the photo', async () => {
    const made = await report(services, 'pothole', 'DE4 3AG');
    const casePage = `/staff/cases/${made.id}`;
    const [events, photos] = [await count('case_events'), await count('case_photos')];
    const posted = await officer.client.postMultipart(
      `${casePage}/public-update`,
      { update: 'Look at this' },
      [{ filename: 'a.jpg', bytes: textPretendingToBeJpeg }],
      { from: casePage },
    );
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('href="#public-update-photos">‘a.jpg’ must be a JPG, PNG or HEIC photo</a>');
    expect(posted.body).toContain('Look at this');
    expect([await count('case_events'), await count('case_photos')]).toEqual([events, photos]);
  });
});
