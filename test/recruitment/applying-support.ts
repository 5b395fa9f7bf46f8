import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { TestClient } from '../support/http.js';

/** Recruitment's applicant-side test helpers: filling in sections as a browser posts them. */

export const personalDetails = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada.applicant@test.example',
  phone: '01629 580000',
  address: '1 Bank Road, Matlock',
  postcode: 'DE4 3AG',
  right_to_work: 'yes',
};

export const job = (employer: string, from: [number, number], to: [number, number] | null) => ({
  item: 'new',
  employer,
  job_title: 'Customer adviser',
  'from-month': String(from[1]),
  'from-year': String(from[0]),
  'to-month': to ? String(to[1]) : '',
  'to-year': to ? String(to[0]) : '',
  duties: 'Answering the public',
  reason_for_leaving: '',
});

export const referee = (name: string) => ({
  item: 'new',
  name,
  email: `${name.toLowerCase().replace(/\W+/g, '.')}@referee.example`,
  phone: '',
  relationship: 'My line manager',
  contact_before_offer: 'yes',
});

export const sectionPath = (id: number, section: string) => `/jobs/applications/${id}/${section}`;

/** Completes every section of a draft, as an applicant would, one form at a time. */
export async function completeEverySection(client: TestClient, db: Kysely<Database>, id: number) {
  const expectRedirect = (response: { statusCode: number; body: string }, what: string) => {
    if (response.statusCode !== 303)
      throw new Error(`${what}: ${response.statusCode}\n${response.body.slice(0, 3000)}`);
  };
  expectRedirect(await client.post(sectionPath(id, 'personal'), { ...personalDetails, save: 'complete' }), 'personal');
  expectRedirect(
    await client.post(sectionPath(id, 'employment'), job('Derbyshire Dales District Council', [2019, 4], null)),
    'job',
  );
  expectRedirect(await client.post(sectionPath(id, 'employment'), { save: 'complete' }), 'employment');
  expectRedirect(
    await client.post(sectionPath(id, 'qualifications'), {
      item: 'new',
      subject: 'English',
      level: 'GCSE',
      grade: 'B',
      awarded: '2010',
      institution: 'Highfields School',
    }),
    'qualification',
  );
  expectRedirect(await client.post(sectionPath(id, 'qualifications'), { save: 'complete' }), 'qualifications');
  const application = await db
    .selectFrom('applications')
    .select('vacancy_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const criteria = await db
    .selectFrom('vacancy_criteria')
    .select('id')
    .where('vacancy_id', '=', application.vacancy_id)
    .execute();
  expectRedirect(
    await client.post(sectionPath(id, 'statement'), {
      ...Object.fromEntries(criteria.map((criterion) => [`criterion-${criterion.id}`, 'I have done this for years.'])),
      save: 'complete',
    }),
    'statement',
  );
  expectRedirect(await client.post(sectionPath(id, 'referees'), referee('Grace Hopper')), 'referee 1');
  expectRedirect(await client.post(sectionPath(id, 'referees'), referee('Alan Turing')), 'referee 2');
  expectRedirect(await client.post(sectionPath(id, 'referees'), { save: 'complete' }), 'referees');
  expectRedirect(
    await client.post(sectionPath(id, 'adjustments'), {
      adjustments: 'A step-free room',
      guaranteed_interview: ['armed_forces'],
      save: 'complete',
    }),
    'adjustments',
  );
  expectRedirect(
    await client.post(sectionPath(id, 'equality'), {
      age_band: '35-44',
      sex: 'female',
      ethnic_group: 'white_irish',
      save: 'complete',
    }),
    'equality',
  );
}
