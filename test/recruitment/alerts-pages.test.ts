import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import { signedInApplicant } from '../support/recruitment.js';
import { TestClient } from '../support/http.js';
import { anonymous } from '../../src/shared/actor.js';
import { ForbiddenError, NotFoundError } from '../../src/shared/errors.js';
import { createPartnershipModule } from '../../src/modules/partnership/index.js';
import { createAlertsRepository } from '../../src/modules/recruitment/alerts/repository.js';
import { createAlertsService } from '../../src/modules/recruitment/alerts/service.js';
import { createJobSearch, createJobsRepository } from '../../src/modules/recruitment/jobs/index.js';

/** Making, listing, changing and deleting job alerts, and the emailed link that stops one. */
const context = useTestApp();
let db: Kysely<Database>;
let dales: number;

const alertsOf = (citizenId: number) =>
  db.selectFrom('job_alerts').selectAll().where('citizen_id', '=', citizenId).orderBy('id').execute();

beforeAll(async () => {
  db = context.database.db;
  dales = await organisationId(db, 'E07000035');
});

describe('making an alert', () => {
  it('links from the search to a page that says the search in words, and saves it normalised', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const search = (
      await client.get(`/jobs?q=park+ranger&contract=temporary&contract=permanent&employer=${dales}&hours=part_time`)
    ).body;
    const link = /<a class="govuk-link" href="([^"]+)">Get emails about jobs like these<\/a>/
      .exec(search)![1]
      .replace(/&amp;/g, '&');
    expect(link).toBe(
      `/jobs/alerts/new?q=park+ranger&employer=${dales}&hours=part_time&contract=permanent&contract=temporary`,
    );

    const page = await client.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'Jobs matching “park ranger”, at Derbyshire Dales District Council, part time, permanent or temporary',
    );
    const missing = await client.post('/jobs/alerts/new', { query: link.split('?')[1] }, link);
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toEqual([{ text: 'Choose how often we email you', href: '#frequency' }]);
    expect(await alertsOf(applicant.id)).toEqual([]);

    const made = await client.post('/jobs/alerts/new', { query: link.split('?')[1], frequency: 'weekly' }, link);
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toBe('/jobs/alerts?created=yes');
    const [alert] = await alertsOf(applicant.id);
    expect(alert).toMatchObject({
      query: `q=park+ranger&employer=${dales}&hours=part_time&contract=permanent&contract=temporary`,
      frequency: 'weekly',
      last_sent_at: null,
      lapsed_at: null,
    });
    expect(alert.unsubscribe_key).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const list = await client.get('/jobs/alerts?created=yes');
    expect(list.body).toContain('Your job alert has been made');
    expect(list.body).toContain('Jobs matching “park ranger”');
    expect(list.body).toContain('Weekly');
  });

  it('sends someone not signed in to sign in first, and back', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/jobs/alerts/new?q=ranger' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/account/sign-in?next=%2Fjobs%2Falerts%2Fnew%3Fq%3Dranger');
  });

  it('will not save a search that cannot be read, whatever is posted', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    expect((await client.get('/jobs/alerts/new?salary=lots')).statusCode).toBe(400);
    const bad = await client.post(
      '/jobs/alerts/new',
      { query: 'postcode=ZZ99+9ZZ', frequency: 'daily' },
      '/jobs/alerts/new',
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('This search cannot be saved');
    const odd = await client.post(
      '/jobs/alerts/new',
      { query: 'employer=99999999', frequency: 'daily' },
      '/jobs/alerts/new',
    );
    expect(odd.statusCode).toBe(400);
    expect(await alertsOf(applicant.id)).toEqual([]);
  });

  it('holds at most 20 alerts for one applicant', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    for (let index = 0; index < 20; index += 1)
      expect(
        (await client.post('/jobs/alerts/new', { query: `q=clerk${index}`, frequency: 'daily' }, '/jobs/alerts/new'))
          .statusCode,
      ).toBe(303);
    const refused = await client.post(
      '/jobs/alerts/new',
      { query: 'q=one+more', frequency: 'daily' },
      '/jobs/alerts/new',
    );
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body)[0].text).toContain('20 job alerts');
    expect(await alertsOf(applicant.id)).toHaveLength(20);
  });
});

describe('changing and deleting', () => {
  it('changes the frequency (which confirms the alert) and deletes it; another’s alert is not there', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    await client.post('/jobs/alerts/new', { query: 'q=gardener', frequency: 'daily' }, '/jobs/alerts/new');
    const [alert] = await alertsOf(applicant.id);
    await db
      .updateTable('job_alerts')
      .set({ confirmed_at: new Date('2025-01-01T00:00:00Z'), lapse_warning_sent_at: new Date() })
      .where('id', '=', alert.id)
      .execute();
    const other = await signedInApplicant(context.app, db);
    expect((await other.client.get(`/jobs/alerts/${alert.id}`)).statusCode).toBe(404);
    const token = await other.client.csrfToken('/jobs/alerts');
    expect((await other.client.postWithToken(`/jobs/alerts/${alert.id}`, { action: 'delete' }, token)).statusCode).toBe(
      404,
    );
    expect(await alertsOf(applicant.id)).toHaveLength(1);

    const bad = await client.post(`/jobs/alerts/${alert.id}`, { action: 'frequency', frequency: 'hourly' });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)[0]).toEqual({ text: 'Choose how often we email you', href: '#frequency' });

    const changed = await client.post(`/jobs/alerts/${alert.id}`, { action: 'frequency', frequency: 'weekly' });
    expect(changed.headers.location).toBe('/jobs/alerts?changed=yes');
    const [after] = await alertsOf(applicant.id);
    expect(after.frequency).toBe('weekly');
    expect(after.lapse_warning_sent_at).toBeNull();
    expect(after.confirmed_at.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const deleted = await client.post(`/jobs/alerts/${alert.id}`, { action: 'delete' });
    expect(deleted.headers.location).toBe('/jobs/alerts?deleted=yes');
    expect(await alertsOf(applicant.id)).toEqual([]);
    expect((await client.get('/jobs/alerts')).body).toContain('You have no job alerts');
  });
});

describe('the unsubscribe link', () => {
  it('shows a page with one button, which stops the alert without signing in', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    await client.post('/jobs/alerts/new', { query: 'q=librarian', frequency: 'daily' }, '/jobs/alerts/new');
    const [alert] = await alertsOf(applicant.id);
    const stranger = new TestClient(context.app);
    const address = `/jobs/alerts/unsubscribe/${alert.unsubscribe_key}`;
    const page = await stranger.get(address);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Jobs matching “librarian”');
    expect(page.body.slice(page.body.indexOf('<main')).match(/<button/g)).toHaveLength(1);
    const stopped = await stranger.post(address, {});
    expect(stopped.statusCode).toBe(200);
    expect(stopped.body).toContain('Job alert stopped');
    expect(await alertsOf(applicant.id)).toEqual([]);
  });

  it('takes a mail client’s one-click POST (RFC 8058), with no session or token', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    await client.post('/jobs/alerts/new', { query: 'q=porter', frequency: 'daily' }, '/jobs/alerts/new');
    const [alert] = await alertsOf(applicant.id);
    const response = await context.app.inject({
      method: 'POST',
      url: `/jobs/alerts/unsubscribe/${alert.unsubscribe_key}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(200);
    expect(await alertsOf(applicant.id)).toEqual([]);
  });

  it('says kindly when the key is unknown', async () => {
    for (const key of ['A'.repeat(32), 'short', '%00']) {
      const page = await context.app.inject({ method: 'GET', url: `/jobs/alerts/unsubscribe/${key}` });
      expect(page.statusCode, key).toBeLessThan(500);
      if (key !== '%00') expect(page.body).toContain('This job alert has already stopped');
      const posted = await context.app.inject({
        method: 'POST',
        url: `/jobs/alerts/unsubscribe/${key}`,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(posted.statusCode, key).toBeLessThan(500);
    }
  });

  it('still refuses a form without a token everywhere else in alerts', async () => {
    const { applicant } = await signedInApplicant(context.app, db);
    const response = await context.app.inject({
      method: 'POST',
      url: '/jobs/alerts/keep/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      payload: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(403);
    expect(applicant.id).toBeGreaterThan(0);
  });
});

describe('who may do what, in the service', () => {
  it('lets only a citizen have alerts, and only their own', async () => {
    const partnership = await createPartnershipModule({ db, clock: () => new Date(), partnershipSlug: 'derbyshire' });
    const alerts = createAlertsService({
      repository: createAlertsRepository(db),
      jobs: createJobSearch({
        repository: createJobsRepository(db),
        locate: async () => undefined,
        memberOrganisationIds: partnership.memberOrganisationIds,
      }),
      clock: () => new Date(),
    });
    const { applicant } = await signedInApplicant(context.app, db);
    const owner = { kind: 'citizen' as const, citizenId: applicant.id, name: 'Owner', email: applicant.email };
    const made = await alerts.create(owner, { query: 'q=warden', frequency: 'daily' });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const staff = {
      kind: 'staff' as const,
      staffId: 1,
      name: 'Staff',
      email: 'staff@test.example',
      organisationId: dales,
      organisationName: 'Dales',
      roles: ['recruiter' as const],
    };
    for (const actor of [anonymous, staff]) {
      await expect(alerts.list(actor)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(alerts.create(actor, { query: 'q=x', frequency: 'daily' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(alerts.remove(actor, made.alert.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    const stranger = {
      kind: 'citizen' as const,
      citizenId: applicant.id + 100_000,
      name: 'Stranger',
      email: 's@test.example',
    };
    await expect(alerts.find(stranger, made.alert.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(alerts.changeFrequency(stranger, made.alert.id, 'weekly')).rejects.toBeInstanceOf(NotFoundError);
    await expect(alerts.remove(stranger, made.alert.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await alertsOf(applicant.id)).toMatchObject([{ id: made.alert.id, frequency: 'daily' }]);
  });
});
