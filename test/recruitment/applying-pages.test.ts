import { beforeAll, describe, expect, it } from 'vitest';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import type { TestClient } from '../support/http.js';
import { createVacancy, signedInApplicant } from '../support/recruitment.js';
import { completeEverySection, job, sectionPath } from './applying-support.js';

const context = useTestApp();
let client: TestClient;
let id: number;
let vacancyId: number;
let slug: string;

beforeAll(async () => {
  const { db } = context.database;
  const dales = await organisationId(db, 'E07000035');
  ({ client } = await signedInApplicant(context.app, db));
  const vacancy = await createVacancy(db, { organisationId: dales });
  vacancyId = vacancy.id;
  slug = vacancy.slug;
  await client.postWithToken(`/jobs/${slug}/save`, {}, await client.csrfToken('/jobs/saved'));
  const started = await client.postWithToken(`/jobs/${slug}/apply`, {}, await client.csrfToken('/jobs/applications'));
  id = Number(/(\d+)$/.exec(started.headers.location as string)![1]);
  await completeEverySection(client, db, id);
  await client.post(sectionPath(id, 'employment'), job('Second', [2010, 1], [2012, 1]));
});

/** What every page must be, whatever it shows: one h1, ids used once, a title, and no inline script. */
function expectWellFormed(html: string, path: string) {
  expect(html.match(/<h1[\s>]/g)?.length, `${path}: one h1`).toBe(1);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
  expect(
    ids.filter((value, index) => ids.indexOf(value) !== index),
    `${path}: ids used twice`,
  ).toEqual([]);
  expect(html).toMatch(/<title>[^<]+ – /);
  expect(html.match(/<script(?![^>]*nonce=)[^>]*>/g) ?? [], `${path}: scripts without the page's nonce`).toEqual([]);
}

describe('the applicant’s pages', () => {
  it('are each well formed, for every section, item form and confirmation', async () => {
    const pages = [
      '/jobs/profile',
      '/jobs/profile/personal',
      '/jobs/profile/employment',
      '/jobs/profile/employment?item=new',
      '/jobs/profile/qualifications?item=new',
      '/jobs/profile/referees?item=new',
      '/jobs/saved',
      '/jobs/applications',
      `/jobs/applications/${id}`,
      ...['personal', 'employment', 'qualifications', 'statement', 'referees', 'adjustments', 'equality'].map(
        (section) => sectionPath(id, section),
      ),
      `${sectionPath(id, 'employment')}?item=0`,
      `${sectionPath(id, 'employment')}?remove=0`,
      `${sectionPath(id, 'referees')}?item=1`,
      `${sectionPath(id, 'qualifications')}?item=0`,
      `/jobs/applications/${id}/check-answers`,
      `/jobs/applications/${id}/withdraw`,
      '/jobs/your-data',
      '/jobs/your-data/delete',
    ];
    for (const path of pages) {
      const page = await client.get(path);
      expect(page.statusCode, path).toBe(200);
      expectWellFormed(page.body, path);
    }
    // A form with errors too.
    const errors = await client.post(sectionPath(id, 'personal'), { email: 'x', save: 'complete' });
    expect(errors.statusCode).toBe(400);
    expectWellFormed(errors.body, 'personal details with errors');
  });

  it('and the staff reports are too', async () => {
    const { db } = context.database;
    const dales = await organisationId(db, 'E07000035');
    const analyst = (await signedInStaff(context.app, db, { organisationId: dales, roles: ['analyst'] })).client;
    for (const path of [`/staff/recruitment/vacancies/${vacancyId}/equality`, '/staff/recruitment/adverse-impact']) {
      const page = await analyst.get(path);
      expect(page.statusCode, path).toBe(200);
      expectWellFormed(page.body, path);
    }
  });
});
