import { describe, expect, it } from 'vitest';
import { createStaff, organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import { TestClient } from '../support/http.js';
import { latestEmailTo } from '../support/outbox.js';
import { createApplication } from '../support/recruitment.js';

const context = useTestApp();
const db = () => context.database.db;
const DAY_MS = 86_400_000;

const chesterfield = 'E07000034';
const highPeak = 'E07000037';

/** The create form filled in as a recruiter would, closing `days` from now. */
function vacancyForm(overrides: Record<string, string | string[]> = {}, days = 20) {
  const closes = new Date(Date.now() + days * DAY_MS);
  return {
    title: 'Housing officer',
    serviceArea: 'Housing',
    locationName: 'Town Hall, Chesterfield',
    postcode: 'S40 1LP',
    salaryMin: '28,624',
    salaryMax: '31,364',
    salaryPeriod: 'annual',
    grade: 'Band 7',
    hoursPerWeek: '37',
    workingPattern: 'full_time',
    contractType: 'permanent',
    'closesOn-day': String(closes.getUTCDate()),
    'closesOn-month': String(closes.getUTCMonth() + 1),
    'closesOn-year': String(closes.getUTCFullYear()),
    closesTime: '5pm',
    description: 'Manage a patch of council homes.',
    criterionKind: ['essential', 'desirable'],
    criterionText: ['Experience of housing management', 'Knowledge of the Housing Act 1985'],
    anonymisedShortlisting: 'yes',
    requiresDbs: 'no',
    hiringManager: '',
    formAction: 'save',
    ...overrides,
  };
}

async function recruiter(gss = chesterfield) {
  return signedInStaff(context.app, db(), { organisationId: await organisationId(db(), gss), roles: ['recruiter'] });
}

async function createDraft(client: TestClient, overrides: Record<string, string | string[]> = {}) {
  const response = await client.post('/staff/recruitment/vacancies/new', vacancyForm(overrides));
  expect(response.statusCode, response.body.slice(0, 2000)).toBe(303);
  return Number(/vacancies\/(\d+)/.exec(response.headers.location as string)![1]);
}

const pdf = Buffer.concat([
  Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n', 'latin1'),
  Buffer.alloc(200),
]);

describe('creating a vacancy', () => {
  it('saves a draft with its criteria in order, pence, the map point and a slug of title and id, audited', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    const row = await db().selectFrom('vacancies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'draft',
      slug: `housing-officer-${id}`,
      salary_min_pence: 2_862_400,
      salary_max_pence: 3_136_400,
      postcode: 'S40 1LP',
    });
    expect(row.latitude).toBeCloseTo(53.2, 0);
    expect(row.closes_at.toISOString()).toMatch(/T1[67]:00:00.000Z$/);
    const criteria = await db()
      .selectFrom('vacancy_criteria')
      .selectAll()
      .where('vacancy_id', '=', id)
      .orderBy('position')
      .execute();
    expect(criteria.map((c) => [c.position, c.kind, c.text])).toEqual([
      [1, 'essential', 'Experience of housing management'],
      [2, 'desirable', 'Knowledge of the Housing Act 1985'],
    ]);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action'])
      .where('record_type', '=', 'vacancy')
      .where('record_id', '=', String(id))
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['create']);
  });

  it('shows every problem beside its field, an unknown postcode included, and saves nothing', async () => {
    const { client } = await recruiter();
    const before = await db()
      .selectFrom('vacancies')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const bad = await client.post(
      '/staff/recruitment/vacancies/new',
      vacancyForm({
        title: '',
        salaryMin: 'lots',
        'closesOn-month': '13',
        criterionKind: ['desirable'],
        criterionText: ['Nice to have'],
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body).map((error) => error.href)).toEqual([
      '#title',
      '#salaryMin',
      '#closesOn-day',
      '#criterionText-0',
    ]);
    expect(bad.body).toContain('Enter at least one essential criterion');
    const unknown = await client.post('/staff/recruitment/vacancies/new', vacancyForm({ postcode: 'S40 9XX' }));
    expect(unknown.statusCode).toBe(400);
    expect(errorSummary(unknown.body)).toEqual([
      { href: '#postcode', text: 'Enter a postcode in England that exists, like DE4 3AG' },
    ]);
    const after = await db()
      .selectFrom('vacancies')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('adds and removes criteria rows without JavaScript, saving nothing', async () => {
    const { client } = await recruiter();
    const added = await client.post('/staff/recruitment/vacancies/new', vacancyForm({ formAction: 'add-criterion' }));
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('id="criterionText-2"');
    const removed = await client.post(
      '/staff/recruitment/vacancies/new',
      vacancyForm({ formAction: 'remove-criterion-0' }),
    );
    expect(removed.body).not.toContain('Experience of housing management');
    expect(removed.body).toContain('Knowledge of the Housing Act 1985');
    expect(removed.body).not.toContain('id="criterionText-1"');
  });

  it('is refused to an analyst (403), and another organisation’s recruiter finds no such vacancy (404)', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    const analyst = await signedInStaff(context.app, db(), {
      organisationId: await organisationId(db(), chesterfield),
      roles: ['analyst'],
    });
    expect((await analyst.client.get('/staff/recruitment/vacancies/new')).statusCode).toBe(403);
    expect((await analyst.client.get(`/staff/recruitment/vacancies/${id}`)).statusCode).toBe(404);
    const other = await recruiter(highPeak);
    expect((await other.client.get(`/staff/recruitment/vacancies/${id}`)).statusCode).toBe(404);
    expect((await other.client.get(`/staff/recruitment/vacancies/${id}/edit`)).statusCode).toBe(404);
    const token = await other.client.csrfToken('/staff/recruitment/vacancies/new');
    expect((await other.client.postWithToken(`/staff/recruitment/vacancies/${id}/publish`, {}, token)).statusCode).toBe(
      404,
    );
    const admin = await signedInStaff(context.app, db(), {
      organisationId: await organisationId(db(), 'E10000007'),
      roles: ['partnership_admin'],
    });
    expect((await admin.client.get(`/staff/recruitment/vacancies/${id}`)).statusCode).toBe(404);
  });
});

describe('the lifecycle', () => {
  it('publishes, extends with a reason, closes early, and marks appointed; posted_at set once', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    const published = await client.post(
      `/staff/recruitment/vacancies/${id}/publish`,
      {},
      `/staff/recruitment/vacancies/${id}`,
    );
    expect(published.headers.location).toBe(`/staff/recruitment/vacancies/${id}?live`);
    const live = await db().selectFrom('vacancies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(live.status).toBe('published');
    expect(live.posted_at).not.toBeNull();
    const page = await client.get(`/staff/recruitment/vacancies/${id}`);
    expect(page.body).toContain('£28,624 to £31,364 a year (Band 7)');
    expect(page.body).toContain('37 hours a week, full time');
    expect(page.body).toContain(`href="/jobs/housing-officer-${id}"`);

    const later = new Date(Date.now() + 40 * DAY_MS);
    const noReason = await client.post(`/staff/recruitment/vacancies/${id}/extend`, {
      'closesOn-day': String(later.getUTCDate()),
      'closesOn-month': String(later.getUTCMonth() + 1),
      'closesOn-year': String(later.getUTCFullYear()),
      closesTime: '12:00',
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(errorSummary(noReason.body).map((e) => e.href)).toEqual(['#reason']);
    const extended = await client.post(`/staff/recruitment/vacancies/${id}/extend`, {
      'closesOn-day': String(later.getUTCDate()),
      'closesOn-month': String(later.getUTCMonth() + 1),
      'closesOn-year': String(later.getUTCFullYear()),
      closesTime: '12:00',
      reason: 'Too few applications',
    });
    expect(extended.statusCode).toBe(303);
    const changes = await db()
      .selectFrom('vacancy_deadline_changes')
      .selectAll()
      .where('vacancy_id', '=', id)
      .execute();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ reason: 'Too few applications', previous_closes_at: live.closes_at });

    expect(
      (await client.post(`/staff/recruitment/vacancies/${id}/close`, { reason: 'Enough applicants' })).statusCode,
    ).toBe(303);
    const closed = await db().selectFrom('vacancies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(closed).toMatchObject({ status: 'closed', closed_reason: 'Enough applicants', posted_at: live.posted_at });
    // Closed early, it cannot be reopened by extending.
    expect((await client.get(`/staff/recruitment/vacancies/${id}/extend`)).statusCode).toBe(404);
    await client.post(`/staff/recruitment/vacancies/${id}/appointed`, {}, `/staff/recruitment/vacancies/${id}`);
    expect(
      (await db().selectFrom('vacancies').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('appointed');
  });

  it('where approval is required: no publishing without it, the author cannot approve, another approver can', async () => {
    const employer = await organisationId(db(), 'E07000033');
    await db()
      .insertInto('recruitment_employer_settings')
      .values({ organisation_id: employer, requires_approval: true })
      .onConflict((c) => c.column('organisation_id').doUpdateSet({ requires_approval: true }))
      .execute();
    const author = await signedInStaff(context.app, db(), {
      organisationId: employer,
      roles: ['recruiter', 'organisation_admin'],
    });
    const id = await createDraft(author.client, { postcode: 'S44 6HJ', locationName: 'Clowne' });
    const page = `/staff/recruitment/vacancies/${id}`;
    const token = await author.client.csrfToken(page);
    const refused = await author.client.postWithToken(`${page}/publish`, {}, token);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('requires vacancies to be approved');
    expect(
      (await db().selectFrom('vacancies').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('draft');

    expect((await author.client.postWithToken(`${page}/submit`, {}, token)).statusCode).toBe(303);
    const own = await author.client.postWithToken(`${page}/approve`, {}, token);
    expect(own.statusCode).toBe(409);
    expect(own.body).toContain('someone else must approve it');

    const approver = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['service_manager'] });
    const returned = await approver.client.post(`${page}/return`, { reason: 'Add the grade' });
    expect(returned.statusCode).toBe(303);
    expect(
      (await db().selectFrom('vacancies').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('draft');
    await author.client.postWithToken(`${page}/submit`, {}, token);
    const approved = await approver.client.post(`${page}/approve`, {}, page);
    expect(approved.statusCode).toBe(303);
    const row = await db().selectFrom('vacancies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('published');
    expect(row.approved_by_staff_id).toBe(approver.staff.id);
  });

  it('cancels, moving every unfinished application to vacancy_cancelled and emailing each applicant', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    await client.post(`/staff/recruitment/vacancies/${id}/publish`, {}, `/staff/recruitment/vacancies/${id}`);
    const email = `cancelled-${Date.now()}@test.example`;
    const open = await createApplication(db(), { vacancyId: id, personal: { email } });
    const done = await createApplication(db(), { vacancyId: id, status: 'withdrawn' });
    expect(
      (await client.post(`/staff/recruitment/vacancies/${id}/cancel`, { reason: 'Budget withdrawn' })).statusCode,
    ).toBe(303);
    const statuses = await db()
      .selectFrom('applications')
      .select(['id', 'status'])
      .where('vacancy_id', '=', id)
      .orderBy('id')
      .execute();
    expect(statuses).toEqual([
      { id: open.id, status: 'vacancy_cancelled' },
      { id: done.id, status: 'withdrawn' },
    ]);
    const message = await latestEmailTo(db(), email);
    expect(message?.body_text).toContain('Budget withdrawn');
  });

  it('copies a vacancy into a new draft with its criteria and documents', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    await client.postMultipart(`/staff/recruitment/vacancies/${id}/documents`, { kind: 'job_description' }, [
      { field: 'document', filename: 'jd.pdf', bytes: pdf, contentType: 'application/pdf' },
    ]);
    const copied = await client.post(
      `/staff/recruitment/vacancies/${id}/copy`,
      {},
      `/staff/recruitment/vacancies/${id}`,
    );
    const newId = Number(/vacancies\/(\d+)\/edit/.exec(copied.headers.location as string)![1]);
    const row = await db().selectFrom('vacancies').selectAll().where('id', '=', newId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'draft',
      copied_from_vacancy_id: id,
      title: 'Housing officer',
      slug: `housing-officer-${newId}`,
    });
    expect(
      await db().selectFrom('vacancy_criteria').select('text').where('vacancy_id', '=', newId).execute(),
    ).toHaveLength(2);
    expect(
      await db().selectFrom('vacancy_documents').select('file_name').where('vacancy_id', '=', newId).execute(),
    ).toEqual([{ file_name: 'jd.pdf' }]);
  });
});

describe('documents', () => {
  it('refuses a renamed .exe and a 6 MB file beside the field, keeps a PDF, and serves it as an attachment', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    const url = `/staff/recruitment/vacancies/${id}/documents`;
    const exe = await client.postMultipart(url, { kind: 'job_description' }, [
      {
        field: 'document',
        filename: 'job.pdf',
        bytes: Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(500)]),
        contentType: 'application/pdf',
      },
    ]);
    expect(exe.statusCode).toBe(400);
    expect(errorSummary(exe.body)).toEqual([
      { href: '#document', text: 'The selected file must be a PDF, DOCX, ODT or DOC' },
    ]);
    const big = await client.postMultipart(url, { kind: 'job_description' }, [
      {
        field: 'document',
        filename: 'big.pdf',
        bytes: Buffer.concat([pdf, Buffer.alloc(6 * 1024 * 1024)]),
        contentType: 'application/pdf',
      },
    ]);
    expect(big.statusCode).toBe(400);
    expect(errorSummary(big.body)).toEqual([{ href: '#document', text: 'The selected file must be smaller than 5MB' }]);
    expect(await db().selectFrom('vacancy_documents').select('id').where('vacancy_id', '=', id).execute()).toHaveLength(
      0,
    );

    const kept = await client.postMultipart(url, { kind: 'person_specification' }, [
      { field: 'document', filename: 'Person spec – v2.pdf', bytes: pdf, contentType: 'application/pdf' },
    ]);
    expect(kept.statusCode).toBe(303);
    const document = await db()
      .selectFrom('vacancy_documents')
      .select(['id', 'file_name', 'content_type'])
      .where('vacancy_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(document).toMatchObject({ file_name: 'Person spec v2.pdf', content_type: 'application/pdf' });
    const download = await client.get(`/staff/recruitment/vacancies/${id}/documents/${document.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="Person spec v2.pdf"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.rawPayload.equals(pdf)).toBe(true);

    // Public only while the vacancy is public: a draft's document does not exist.
    const slug = `housing-officer-${id}`;
    const anonymous = new TestClient(context.app);
    expect((await anonymous.get(`/jobs/${slug}/documents/${document.id}`)).statusCode).toBe(404);
    await client.post(`/staff/recruitment/vacancies/${id}/publish`, {}, `/staff/recruitment/vacancies/${id}`);
    const open = await anonymous.get(`/jobs/${slug}/documents/${document.id}`);
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-disposition']).toMatch(/^attachment;/);
    // Another organisation's staff cannot reach it through the staff address.
    const other = await recruiter(highPeak);
    expect((await other.client.get(`/staff/recruitment/vacancies/${id}/documents/${document.id}`)).statusCode).toBe(
      404,
    );
  });

  it('recognises DOCX, ODT and DOC by their content', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    const url = `/staff/recruitment/vacancies/${id}/documents`;
    const odt = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(22),
      Buffer.from([8, 0, 0, 0]),
      Buffer.from('mimetypeapplication/vnd.oasis.opendocument.text', 'latin1'),
    ]);
    const docx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(22),
      Buffer.from([19, 0, 0, 0]),
      Buffer.from('[Content_Types].xml....word/document.xml', 'latin1'),
    ]);
    const doc = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(100),
      Buffer.from('WordDocument', 'utf16le'),
    ]);
    for (const [name, bytes] of [
      ['a.odt', odt],
      ['b.docx', docx],
      ['c.doc', doc],
    ] as const)
      expect(
        (await client.postMultipart(url, { kind: 'other' }, [{ field: 'document', filename: name, bytes }])).statusCode,
      ).toBe(303);
    const rows = await db()
      .selectFrom('vacancy_documents')
      .select('content_type')
      .where('vacancy_id', '=', id)
      .orderBy('id')
      .execute();
    expect(rows.map((row) => row.content_type)).toEqual([
      'application/vnd.oasis.opendocument.text',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/msword',
    ]);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200)]);
    expect(
      (await client.postMultipart(url, { kind: 'other' }, [{ field: 'document', filename: 'z.docx', bytes: zip }]))
        .statusCode,
    ).toBe(400);
  });
});

describe('a paper application', () => {
  it('is recorded as submitted through the pipeline, with its event, and the applicant emailed', async () => {
    const { client } = await recruiter();
    const id = await createDraft(client);
    await client.post(`/staff/recruitment/vacancies/${id}/publish`, {}, `/staff/recruitment/vacancies/${id}`);
    const url = `/staff/recruitment/vacancies/${id}/paper-application`;
    const bad = await client.post(url, {
      firstName: '',
      lastName: 'Smith',
      address: '',
      employment: '',
      supportingStatement: '',
      'receivedOn-day': '40',
      'receivedOn-month': '1',
      'receivedOn-year': '2026',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body).map((e) => e.href)).toEqual([
      '#firstName',
      '#address',
      '#employment',
      '#supportingStatement',
      '#receivedOn-day',
    ]);
    const email = `paper-${Date.now()}@test.example`;
    const today = new Date();
    const done = await client.post(url, {
      firstName: 'Pat',
      lastName: 'Paper',
      email,
      phone: '',
      address: '2 Post Lane, Chesterfield',
      postcode: 's40 1lp',
      employment: 'Lettings assistant, 2019 to now',
      qualifications: 'NVQ level 3 Housing',
      supportingStatement: 'I have managed tenancies for five years.',
      guaranteedInterview: 'armed_forces',
      'receivedOn-day': String(today.getUTCDate()),
      'receivedOn-month': String(today.getUTCMonth() + 1),
      'receivedOn-year': String(today.getUTCFullYear()),
    });
    expect(done.statusCode).toBe(303);
    const application = await db()
      .selectFrom('applications')
      .selectAll()
      .where('vacancy_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(application).toMatchObject({
      channel: 'paper',
      citizen_id: null,
      status: 'submitted',
      guaranteed_interview: ['armed_forces'],
    });
    const events = await db()
      .selectFrom('application_events')
      .select(['from_status', 'to_status'])
      .where('application_id', '=', application.id)
      .execute();
    expect(events).toEqual([{ from_status: 'draft', to_status: 'submitted' }]);
    expect(await latestEmailTo(db(), email)).toBeTruthy();
    const overview = await client.get('/staff/recruitment?phase=live');
    expect(overview.body).toContain(`/staff/recruitment/vacancies/${id}/applications`);
  });
});

describe('settings', () => {
  it('lets an organisation administrator change them, shows them to a recruiter, and checks the form', async () => {
    const employer = await organisationId(db(), 'E07000036');
    const admin = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['organisation_admin'] });
    const bad = await admin.client.post('/staff/recruitment/settings', {
      requiresApproval: 'yes',
      anonymiseByDefault: 'no',
      retentionMonths: '0',
      paperPackCost: 'free',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body).map((e) => e.href)).toEqual(['#retentionMonths', '#paperPackCost']);
    const saved = await admin.client.post('/staff/recruitment/settings', {
      requiresApproval: 'yes',
      anonymiseByDefault: 'no',
      retentionMonths: '12',
      paperPackCost: '3.75',
    });
    expect(saved.statusCode).toBe(303);
    const row = await db()
      .selectFrom('recruitment_employer_settings')
      .selectAll()
      .where('organisation_id', '=', employer)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      requires_approval: true,
      anonymise_by_default: false,
      retention_months: 12,
      paper_pack_cost_pence: 375,
    });
    const recruiterOf = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    const page = await recruiterOf.client.get('/staff/recruitment/settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('name="retentionMonths"');
    // The new vacancy form starts from the employer's choice.
    const form = await recruiterOf.client.get('/staff/recruitment/vacancies/new');
    expect(form.body).toMatch(/value="no" checked[^>]*>|name="anonymisedShortlisting" type="radio" value="no" checked/);
    const staff = await createStaff(db(), { organisationId: employer, roles: ['analyst'] });
    void staff;
  });
});
