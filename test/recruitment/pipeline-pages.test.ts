import { beforeAll, describe, expect, it } from 'vitest';
import { recruitmentPaths as paths } from '../../src/modules/recruitment/paths.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import type { TestClient } from '../support/http.js';
import { createApplication, createVacancy, signedInApplicant } from '../support/recruitment.js';
import { addToPanel, dales, referees } from './pipeline-fixtures.js';

/**
 * Every page of the pipeline, read as a screen reader would need it: one h1, ids that are unique
 * (labels and error links point at one field), every field with its label. The browser journey
 * (e2e/shortlisting.test.ts) runs axe on them as well.
 */
const context = useTestApp();
const pages: { name: string; client: () => TestClient; url: string }[] = [];

beforeAll(async () => {
  const { db } = context.database;
  const employer = await organisationId(db, dales);
  const recruiter = await signedInStaff(context.app, db, { organisationId: employer, roles: ['recruiter'] });
  const vacancy = await createVacancy(db, { organisationId: employer, requires_dbs: true });
  await addToPanel(db, vacancy.id, recruiter.staff.id);
  const applicant = await signedInApplicant(context.app, db);
  const submitted = await createApplication(db, { vacancyId: vacancy.id, referees: referees('r@test.example') });
  const invited = await createApplication(db, {
    vacancyId: vacancy.id,
    citizen_id: applicant.applicant.id,
    status: 'interview_invited',
  });
  const checks = await createApplication(db, {
    vacancyId: vacancy.id,
    status: 'pre_employment_checks',
    referees: referees('r2@test.example'),
  });
  await db
    .insertInto('interview_slots')
    .values({ vacancy_id: vacancy.id, starts_at: new Date(Date.now() + 86_400_000), place: 'Room 2' })
    .execute();
  const staff = () => recruiter.client;
  const citizen = () => applicant.client;
  pages.push(
    { name: 'applications', client: staff, url: paths.staff.applications({ id: vacancy.id }) },
    { name: 'application', client: staff, url: paths.staff.application({ id: submitted.id }) },
    { name: 'scores', client: staff, url: paths.staff.applicationScores({ id: submitted.id }) },
    { name: 'shortlist', client: staff, url: paths.staff.shortlist({ id: vacancy.id }) },
    { name: 'interview slots', client: staff, url: paths.staff.interviewSlots({ id: vacancy.id }) },
    { name: 'checks', client: staff, url: paths.staff.applicationChecks({ id: checks.id }) },
    { name: 'templates', client: staff, url: paths.staff.templates },
    { name: 'template', client: staff, url: paths.staff.template({ stage: 'shortlisted' }) },
    { name: 'interview', client: citizen, url: paths.applicant.interview({ id: invited.id }) },
    { name: 'offer (not offered)', client: citizen, url: paths.applicant.offer({ id: invited.id }) },
  );
});

describe('the pipeline’s pages', () => {
  it('each have one h1, unique ids and a label for every field', async () => {
    for (const page of pages) {
      const response = await page.client().get(page.url);
      expect(response.statusCode, page.name).toBe(200);
      const html = response.body;
      expect(html.match(/<h1\b/g), page.name).toHaveLength(1);
      const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
      expect(
        ids.filter((id, index) => ids.indexOf(id) !== index),
        page.name,
      ).toEqual([]);
      const fields = [...html.matchAll(/<(input|select|textarea)\b[^>]*>/g)]
        .map((match) => match[0])
        .filter((tag) => !/type="(hidden|submit)"/.test(tag));
      for (const field of fields) {
        const id = /\sid="([^"]+)"/.exec(field)?.[1];
        expect(id, `${page.name}: ${field}`).toBeDefined();
        expect(html, `${page.name}: the label of #${id}`).toContain(`for="${id}"`);
      }
    }
  });
});
