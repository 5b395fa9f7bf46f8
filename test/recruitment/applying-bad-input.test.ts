import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import type { TestClient } from '../support/http.js';
import { createVacancy, signedInApplicant } from '../support/recruitment.js';
import { job, personalDetails, sectionPath } from './applying-support.js';

const context = useTestApp();
let db: Kysely<Database>;
let client: TestClient;
let token: string;
let id: number;

beforeAll(async () => {
  db = context.database.db;
  const dales = await organisationId(db, 'E07000035');
  ({ client } = await signedInApplicant(context.app, db));
  token = await client.csrfToken('/jobs/applications');
  const vacancy = await createVacancy(db, { organisationId: dales });
  const started = await client.postWithToken(`/jobs/${vacancy.slug}/apply`, {}, token);
  id = Number(/(\d+)$/.exec(started.headers.location as string)![1]);
});

const row = () => db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const post = (path: string, form: Record<string, string | string[]>) => client.postWithToken(path, form, token);

describe('bad input to the applicant’s forms', () => {
  it('answers addresses that name nothing with 404', async () => {
    for (const path of [
      sectionPath(id, 'salary'),
      `${sectionPath(id, 'employment')}?item=7`,
      `${sectionPath(id, 'employment')}?item=-1`,
      `${sectionPath(id, 'referees')}?remove=new`,
      '/jobs/applications/99999999999',
      '/jobs/applications/0',
      '/jobs/profile/statement',
      '/jobs/no-such-job/apply',
    ])
      expect((await client.get(path)).statusCode, path).toBe(404);
    expect((await post(sectionPath(id, 'salary'), {})).statusCode).toBe(404);
    expect((await post('/jobs/no-such-job/apply', {})).statusCode).toBe(404);
    expect((await post('/jobs/no-such-job/save', {})).statusCode).toBe(404);
  });

  it('does not let anyone apply for, or save, a vacancy that is not public yet', async () => {
    const dales = await organisationId(db, 'E07000035');
    const scheduled = await createVacancy(db, { organisationId: dales, publish_at: new Date(Date.now() + 86_400_000) });
    expect((await client.get(`/jobs/${scheduled.slug}/apply`)).statusCode).toBe(404);
    expect((await post(`/jobs/${scheduled.slug}/apply`, {})).statusCode).toBe(404);
    expect((await post(`/jobs/${scheduled.slug}/save`, {})).statusCode).toBe(404);
  });

  it('reads a field sent twice as its first value, and refuses what is too long', async () => {
    const twice = await post(sectionPath(id, 'personal'), {
      ...personalDetails,
      first_name: ['Ada', 'Eve'],
      save: ['later', 'complete'],
    });
    expect(twice.statusCode).toBe(303);
    expect((await row()).personal).toMatchObject({ first_name: 'Ada' });
    const long = await post(sectionPath(id, 'personal'), {
      ...personalDetails,
      last_name: 'x'.repeat(101),
      save: 'later',
    });
    expect(long.statusCode).toBe(400);
    expect(errorSummary(long.body)).toEqual([
      { text: 'Last name must be 100 characters or fewer', href: '#last_name' },
    ]);
    const adjustments = await post(sectionPath(id, 'adjustments'), {
      adjustments: 'x'.repeat(2001),
      guaranteed_interview: ['armed_forces', 'royalty'],
      save: 'later',
    });
    expect(adjustments.statusCode).toBe(400);
    expect(errorSummary(adjustments.body).map((item) => item.href)).toEqual(['#adjustments', '#guaranteed_interview']);
    expect((await row()).adjustments).toBe('');
  });

  it('ignores an item that does not exist, and a future month', async () => {
    const missing = await post(sectionPath(id, 'employment'), { ...job('Council', [2019, 4], null), item: '12' });
    expect(missing.statusCode).toBe(303);
    expect((await row()).employment_history).toEqual([]);
    const future = await post(sectionPath(id, 'employment'), job('Council', [2999, 1], null));
    expect(future.statusCode).toBe(400);
    expect(errorSummary(future.body)).toEqual([
      { text: 'The month you started must be this month or before', href: '#from-month' },
    ]);
    const removeMissing = await post(sectionPath(id, 'employment'), { remove: '5' });
    expect(removeMissing.statusCode).toBe(303);
  });

  it('refuses a form without its CSRF token', async () => {
    const refused = await client.postWithToken(
      sectionPath(id, 'personal'),
      { ...personalDetails, save: 'later' },
      undefined,
    );
    expect(refused.statusCode).toBe(403);
  });
});
