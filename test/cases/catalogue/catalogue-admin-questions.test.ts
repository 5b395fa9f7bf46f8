import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { anonymous } from '../../../src/shared/actor.js';
import { organisationId, signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import type { TestClient } from '../../support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let county: number;
let potholeId: number;
let manager: TestClient;
let services: Awaited<ReturnType<typeof casesServices>>;

const questionsOf = (typeId: number) =>
  db
    .selectFrom('request_type_questions')
    .select(['id', 'code', 'label', 'hint', 'datatype', 'required', 'options', 'position', 'error_message', 'dates'])
    .where('request_type_id', '=', typeId)
    .orderBy('position')
    .execute();
const questionId = async (code: string) =>
  (await questionsOf(potholeId)).find((question) => question.code === code)!.id;
const auditOf = (id: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('record_type', '=', 'request-type-question')
    .where('record_id', '=', String(id))
    .orderBy('id')
    .execute();
const base = () => `/staff/request-types/${potholeId}/questions`;

const hazardForm = (changes: Record<string, string> = {}) => ({
  code: 'hazard',
  label: 'Is anyone in danger?',
  hint: 'For example, a hole deep enough to throw a cyclist.',
  datatype: 'singlevaluelist',
  options: 'yes: Yes, someone could be hurt\r\nno: No',
  required: 'yes',
  errorMessage: 'Select yes if anyone is in danger',
  ...changes,
});

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  potholeId = (
    await db
      .selectFrom('request_types')
      .select('id')
      .where('organisation_id', '=', county)
      .where('service_code', '=', 'pothole')
      .executeTakeFirstOrThrow()
  ).id;
  ({ client: manager } = await signedInStaff(context.app, db, { organisationId: county, roles: ['service_manager'] }));
  services = await casesServices(db, () => new Date());
});

describe('the questions of a request type', () => {
  it('lists them in the order residents are asked them, with their code, answer and whether required', async () => {
    const page = await manager.get(base());
    expect(page.statusCode).toBe(200);
    const whereOnRoad = page.body.indexOf('Where is it?');
    const depth = page.body.indexOf('Roughly how deep is it, in centimetres?');
    expect(whereOnRoad).toBeGreaterThan(0);
    expect(depth).toBeGreaterThan(whereOnRoad);
    expect(page.body).toContain('<code>where_on_road</code>');
    expect(page.body).toContain('One choice from a list (singlevaluelist)');
    expect(page.body).toContain('A number (number)');
    // The first cannot move up nor the last down.
    expect(page.body.match(/Move up<span/g)).toHaveLength(1);
    expect(page.body.match(/Move down<span/g)).toHaveLength(1);
  });
});

describe('adding a question', () => {
  it('adds it last, with its options, audited, and residents must then answer it', async () => {
    const response = await manager.post(`${base()}/new`, hazardForm());
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${base()}?added`);
    const questions = await questionsOf(potholeId);
    expect(questions.map((question) => question.code)).toEqual(['where_on_road', 'depth_cm', 'hazard']);
    expect(questions[2]).toMatchObject({
      label: 'Is anyone in danger?',
      datatype: 'singlevaluelist',
      required: true,
      position: 2,
      error_message: 'Select yes if anyone is in danger',
      dates: null,
      options: [
        { key: 'yes', name: 'Yes, someone could be hurt' },
        { key: 'no', name: 'No' },
      ],
    });
    expect((await auditOf(questions[2].id)).map((entry) => entry.action)).toEqual(['create']);

    // The core reads the catalogue afresh: a report without an answer is now refused.
    const result = await services.cases.submit(anonymous, {
      serviceCode: 'pothole',
      place: await services.place('DE4 3AG'),
      locationDescription: 'By the church',
      description: 'Deep hole',
      answers: { where_on_road: 'carriageway' },
      channel: 'web',
      contact: { name: 'Ada', email: 'ada@example.com', phone: null },
      citizenId: null,
    });
    expect(result).toEqual({ outcome: 'invalid-answers', errors: { hazard: 'Select yes if anyone is in danger' } });
  });

  it('keeps a date question to the dates the manager chose, and a range only for dates', async () => {
    const onList = await manager.post(`${base()}/new`, hazardForm({ code: 'hazard_range', dates: 'past' }));
    expect(onList.statusCode).toBe(400);
    expect(onList.body).toContain('Only date questions have a range of dates');
    expect((await questionsOf(potholeId)).map((question) => question.code)).not.toContain('hazard_range');

    const noticed = await manager.post(
      `${base()}/new`,
      hazardForm({
        code: 'noticed_on',
        label: 'When did you first see it?',
        datatype: 'datetime',
        options: '',
        required: 'no',
        dates: 'past',
      }),
    );
    expect(noticed.statusCode).toBe(303);
    expect((await questionsOf(potholeId)).find((question) => question.code === 'noticed_on')).toMatchObject({
      dates: 'past',
    });
    const result = await services.cases.submit(anonymous, {
      serviceCode: 'pothole',
      place: await services.place('DE4 3AG'),
      locationDescription: 'By the church',
      description: 'Deep hole',
      answers: { where_on_road: 'carriageway', hazard: 'no', noticed_on: '2099-01-01' },
      channel: 'web',
      contact: { name: 'Ada', email: 'ada@example.com', phone: null },
      citizenId: null,
    });
    expect(result).toEqual({
      outcome: 'invalid-answers',
      errors: { noticed_on: 'The date must be today or in the past' },
    });
    // The later tests count pothole's questions as they were.
    await db.deleteFrom('request_type_questions').where('code', '=', 'noticed_on').execute();
  });

  it('shows every mistake beside its field, keeps what was typed, and saves nothing', async () => {
    const before = await questionsOf(potholeId);
    const response = await manager.post(`${base()}/new`, {
      code: 'Bad Code',
      label: '',
      hint: '',
      options: 'just a line',
      required: '',
    });
    expect(response.statusCode).toBe(400);
    for (const message of [
      'Code must be lower case letters, numbers and underscores only, like depth_cm',
      'Enter the question',
      'Select the kind of answer',
      'Select whether residents must answer it',
      'Line 1 must be a key, a colon and a name, like pavement: On the pavement',
    ]) {
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('value="Bad Code"');
    expect(response.body).toContain('just a line</textarea>');
    expect(await questionsOf(potholeId)).toEqual(before);
  });

  it.each([
    [
      { datatype: 'multivaluelist', options: 'only: Only one' },
      'Enter at least 2 options, one a line, like pavement: On the pavement',
    ],
    [
      { datatype: 'number', options: 'a: A\nb: B' },
      'Only list questions have options: remove them, or choose a list as the kind of answer',
    ],
    [{ options: 'yes: Yes\nyes: Also yes' }, 'Each key must be different: yes is used more than once'],
    [
      { options: 'yes: Yes\n\nNo Way: No' },
      'Line 3: the key before the colon must be lower case letters, numbers, hyphens and underscores only',
    ],
    [{ options: 'yes: Yes\nno:' }, 'Line 2 must have a name after the colon, like pavement: On the pavement'],
    [{ code: 'depth_cm' }, 'This request type already has a question with the code depth_cm'],
  ])('refuses %o: %s', async (changes, message) => {
    const before = await questionsOf(potholeId);
    const response = await manager.post(`${base()}/new`, hazardForm({ code: 'another', ...changes }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(message);
    expect(response.body).toContain(`href="#${'code' in changes ? 'code' : 'options'}"`);
    expect(await questionsOf(potholeId)).toEqual(before);
  });
});

describe('changing a question', () => {
  it('shows the code as fixed and saves the rest, audited', async () => {
    const id = await questionId('hazard');
    const page = await manager.get(`${base()}/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<code>hazard</code>');
    expect(page.body).toContain('The code cannot be changed');
    expect(page.body).not.toContain('name="code"');
    expect(page.body).toContain('yes: Yes, someone could be hurt\nno: No</textarea>');

    const response = await manager.post(`${base()}/${id}`, {
      label: 'Is anyone at risk?',
      hint: '',
      datatype: 'multivaluelist',
      options: 'people: People\nvehicles: Vehicles\nanimals: Animals',
      required: 'no',
    });
    expect(response.statusCode).toBe(303);
    const saved = (await questionsOf(potholeId)).find((question) => question.id === id);
    expect(saved).toMatchObject({
      code: 'hazard',
      label: 'Is anyone at risk?',
      datatype: 'multivaluelist',
      required: false,
    });
    expect(saved?.options).toHaveLength(3);
    expect((await auditOf(id)).at(-1)).toMatchObject({
      action: 'update',
      detail: {
        code: 'hazard',
        from: { label: 'Is anyone in danger?', required: true },
        to: { label: 'Is anyone at risk?', required: false },
      },
    });
  });

  it('shows mistakes and saves nothing', async () => {
    const id = await questionId('hazard');
    const before = await questionsOf(potholeId);
    const response = await manager.post(`${base()}/${id}`, {
      label: 'x'.repeat(201),
      hint: '',
      datatype: 'text',
      options: 'a: A',
      required: 'no',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Question must be 200 characters or fewer');
    expect(response.body).toContain('Only list questions have options');
    expect(await questionsOf(potholeId)).toEqual(before);
  });

  it('answers 404 for a question of another request type', async () => {
    const streetLight = (
      await db
        .selectFrom('request_types')
        .select('id')
        .where('organisation_id', '=', county)
        .where('service_code', '=', 'street-light')
        .executeTakeFirstOrThrow()
    ).id;
    expect(
      (await manager.get(`/staff/request-types/${streetLight}/questions/${await questionId('hazard')}`)).statusCode,
    ).toBe(404);
  });
});

describe('moving a question', () => {
  it('moves it up and down, audited, and does nothing past either end', async () => {
    const id = await questionId('hazard');
    const up = await manager.post(`${base()}/${id}/move`, { direction: 'up' }, base());
    expect(up.statusCode).toBe(303);
    expect((await questionsOf(potholeId)).map((question) => question.code)).toEqual([
      'where_on_road',
      'hazard',
      'depth_cm',
    ]);
    await manager.post(`${base()}/${id}/move`, { direction: 'up' }, base());
    expect((await questionsOf(potholeId)).map((question) => question.code)).toEqual([
      'hazard',
      'where_on_road',
      'depth_cm',
    ]);
    await manager.post(`${base()}/${id}/move`, { direction: 'up' }, base());
    expect((await questionsOf(potholeId)).map((question) => question.code)).toEqual([
      'hazard',
      'where_on_road',
      'depth_cm',
    ]);
    await manager.post(`${base()}/${id}/move`, { direction: 'down' }, base());
    expect((await questionsOf(potholeId)).map((question) => question.code)).toEqual([
      'where_on_road',
      'hazard',
      'depth_cm',
    ]);
    expect((await auditOf(id)).filter((entry) => entry.action === 'move')).toHaveLength(3);
    // The core asks them in the new order.
    expect((await services.catalogue.questions(potholeId)).map((question) => question.code)).toEqual([
      'where_on_road',
      'hazard',
      'depth_cm',
    ]);
  });

  it('answers 400 to a direction the page does not offer', async () => {
    const response = await manager.post(
      `${base()}/${await questionId('hazard')}/move`,
      { direction: 'sideways' },
      base(),
    );
    expect(response.statusCode).toBe(400);
  });
});

describe('removing a question', () => {
  it('is refused while a request holds an answer to it, offering to make it not required instead', async () => {
    const submitted = await services.cases.submit(anonymous, {
      serviceCode: 'pothole',
      place: await services.place('DE4 3AG'),
      locationDescription: 'By the church',
      description: 'Deep hole',
      answers: { where_on_road: 'carriageway' },
      channel: 'web',
      contact: { name: 'Ada', email: 'ada@example.com', phone: null },
      citizenId: null,
    });
    expect(submitted.outcome).toBe('created');
    const id = await questionId('where_on_road');

    const page = await manager.get(`${base()}/${id}/remove`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This question cannot be removed');
    expect(page.body).toContain('1 request has an answer to ‘Where is it?’');
    expect(page.body).toContain('Make it not required');
    expect(page.body).not.toContain('Remove question');

    const refused = await manager.post(`${base()}/${id}/remove`, {}, base());
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('This question cannot be removed');
    expect((await questionsOf(potholeId)).map((question) => question.code)).toContain('where_on_road');
    expect((await auditOf(id)).map((entry) => entry.action)).not.toContain('delete');

    const optional = await manager.post(`${base()}/${id}/not-required`, {}, `${base()}/${id}/remove`);
    expect(optional.statusCode).toBe(303);
    expect((await questionsOf(potholeId)).find((question) => question.id === id)?.required).toBe(false);
    expect((await auditOf(id)).at(-1)).toMatchObject({
      action: 'update',
      detail: { from: { required: true }, to: { required: false } },
    });
    expect((await manager.get(`${base()}/${id}/remove`)).body).toContain('It is already not required');
  });

  it('removes a question no one has answered, audited, and closes the gap in the order', async () => {
    const id = await questionId('depth_cm');
    const page = await manager.get(`${base()}/${id}/remove`);
    expect(page.body).toContain('Remove ‘Roughly how deep is it, in centimetres?’?');
    const response = await manager.post(`${base()}/${id}/remove`, {});
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${base()}?removed`);
    const remaining = await questionsOf(potholeId);
    expect(remaining.map((question) => [question.code, question.position])).toEqual([
      ['where_on_road', 0],
      ['hazard', 1],
    ]);
    expect((await auditOf(id)).at(-1)).toMatchObject({ action: 'delete', detail: { code: 'depth_cm' } });
  });
});

describe('special-category answers', () => {
  it('marks a question’s answers as special-category data, audited, and unmarks it', async () => {
    const added = await manager.post(
      `${base()}/new`,
      hazardForm({ code: 'health', label: 'Does this affect anyone’s health?', specialCategory: 'yes' }),
    );
    expect(added.statusCode).toBe(303);
    const row = await db
      .selectFrom('request_type_questions')
      .select(['id', 'special_category'])
      .where('request_type_id', '=', potholeId)
      .where('code', '=', 'health')
      .executeTakeFirstOrThrow();
    expect(row.special_category).toBe(true);
    expect((await auditOf(row.id))[0].detail).toMatchObject({ specialCategory: true });

    const form = await manager.get(`${base()}/${row.id}`);
    expect(form.body).toMatch(/name="specialCategory" type="checkbox" value="yes" checked/);
    const { code: _code, ...unchanged } = hazardForm({ label: 'Does this affect anyone’s health?' });
    expect((await manager.post(`${base()}/${row.id}`, unchanged)).statusCode).toBe(303);
    expect(
      (
        await db
          .selectFrom('request_type_questions')
          .select('special_category')
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow()
      ).special_category,
    ).toBe(false);
    expect((await auditOf(row.id)).at(-1)?.detail).toMatchObject({
      from: { specialCategory: true },
      to: { specialCategory: false },
    });
    await manager.post(`${base()}/${row.id}/remove`, {}, `${base()}/${row.id}/remove`);
  });
});
