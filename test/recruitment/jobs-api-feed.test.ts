import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { createVacancy } from '../support/recruitment.js';

/** /api/v1/jobs in the OpenAPI document, its answers' shape, and the Atom feed /jobs advertises. */
const context = useTestApp();
let db: Kysely<Database>;
let county: number;
const DAY_MS = 86_400_000;

const get = (url: string) => context.app.inject({ method: 'GET', url });

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  const now = Date.now();
  await createVacancy(db, {
    organisationId: county,
    slug: 'older-gritter-driver',
    title: 'Gritter driver',
    description: 'Keep the roads open & safe in winter.',
    location_name: 'Chesterfield',
    salary_min_pence: 2_300_000,
    salary_max_pence: 2_500_000,
    hours_per_week: 37,
    posted_at: new Date(now - 3 * DAY_MS),
  });
  await createVacancy(db, {
    organisationId: county,
    slug: 'newer-gritter-mechanic',
    title: 'Gritter mechanic <& "fleet">',
    description: 'Mend the gritters.',
    posted_at: new Date(now - DAY_MS),
    working_pattern: 'part_time',
  });
  await createVacancy(db, { organisationId: county, title: 'Gritter draft', status: 'draft' });
});

describe('the JSON API', () => {
  it('answers a page of jobs in the shape the OpenAPI document gives', async () => {
    const response = await get('/api/v1/jobs?q=gritter+driver');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(body).toMatchObject({ total: 1, page: 1, pages: 1, perPage: 20, sort: 'relevance' });
    expect(body.jobs[0]).toEqual({
      id: expect.any(Number),
      slug: 'older-gritter-driver',
      url: 'http://localhost:3000/jobs/older-gritter-driver',
      title: 'Gritter driver',
      employer: { id: county, name: 'Derbyshire County Council' },
      location: 'Chesterfield',
      postcode: null,
      salary: { minimum: 23000, maximum: 25000, period: 'annual', text: '£23,000 to £25,000 a year' },
      grade: '',
      hoursPerWeek: 37,
      workingPattern: 'full_time',
      contractType: 'permanent',
      summary: 'Keep the roads open & safe in winter.',
      closesAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      postedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      distanceMiles: null,
    });
    expect(body.links).toEqual({
      self: 'http://localhost:3000/api/v1/jobs?q=gritter+driver',
      next: null,
      previous: null,
      feed: 'http://localhost:3000/jobs/feed.atom?q=gritter+driver',
    });
  });

  it('is described in the OpenAPI document with its query and response schemas', async () => {
    const document = (await get('/api/v1/openapi.json')).json();
    const operation = document.paths['/api/v1/jobs'].get;
    expect(operation.operationId).toBe('searchJobs');
    expect(operation.tags).toEqual(['jobs']);
    expect(document.tags.map((tag: { name: string }) => tag.name)).toContain('jobs');
    const names = operation.parameters.map((parameter: { name: string }) => parameter.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'q',
        'employer',
        'postcode',
        'distance',
        'salary',
        'hours',
        'contract',
        'closing',
        'sort',
        'page',
      ]),
    );
    expect(operation.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/JobsPage');
    expect(operation.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Errors');
    expect(document.components.schemas.Job.required).toEqual(
      expect.arrayContaining(['id', 'title', 'employer', 'salary', 'closesAt', 'url']),
    );
  });
});

describe('the Atom feed', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => name === 'entry' || name === 'link',
  });

  it('is well-formed Atom of the newest live vacancies first, with ids, updated and links', async () => {
    const response = await get('/jobs/feed.atom?q=gritter');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(XMLValidator.validate(response.body)).toBe(true);
    const { feed } = parser.parse(response.body);
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('http://localhost:3000/jobs/feed.atom?q=gritter');
    expect(feed.title).toBe('Jobs: Jobs matching “gritter”');
    expect(new Date(feed.updated).toISOString()).toBe(feed.updated);
    expect(feed.link).toEqual(
      expect.arrayContaining([
        { '@rel': 'self', '@type': 'application/atom+xml', '@href': 'http://localhost:3000/jobs/feed.atom?q=gritter' },
        { '@rel': 'alternate', '@type': 'text/html', '@href': 'http://localhost:3000/jobs?q=gritter' },
      ]),
    );
    expect(feed.entry.map((entry: { title: string }) => entry.title)).toEqual([
      'Gritter mechanic <& "fleet">',
      'Gritter driver',
    ]);
    expect(response.body).toContain('<title>Gritter mechanic &lt;&amp; &quot;fleet&quot;&gt;</title>');
    const [newest, older] = feed.entry;
    expect(newest.id).toBe('http://localhost:3000/jobs/newer-gritter-mechanic');
    expect(newest.link[0]).toEqual({
      '@rel': 'alternate',
      '@type': 'text/html',
      '@href': 'http://localhost:3000/jobs/newer-gritter-mechanic',
    });
    expect(newest.author.name).toBe('Derbyshire County Council');
    expect(feed.updated).toBe(newest.updated);
    expect(new Date(newest.updated).getTime()).toBeGreaterThan(new Date(older.updated).getTime());
    expect(older.summary['#text']).toContain('£23,000 to £25,000 a year');
  });

  it('takes the same filters as /jobs, and refuses one it cannot read in words', async () => {
    const { feed } = parser.parse((await get('/jobs/feed.atom?q=gritter&hours=part_time')).body);
    expect(feed.entry).toHaveLength(1);
    const bad = await get('/jobs/feed.atom?salary=lots');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('number of pounds');
    const empty = parser.parse((await get('/jobs/feed.atom?q=nothingmatchesthis')).body);
    expect(empty.feed.entry).toBeUndefined();
    expect(XMLValidator.validate((await get('/jobs/feed.atom')).body)).toBe(true);
  });

  it('is advertised on /jobs for the same search', async () => {
    const html = (await get('/jobs?q=gritter&hours=part_time')).body;
    expect(html).toMatch(
      /<link rel="alternate" type="application\/atom\+xml" title="[^"]+" href="\/jobs\/feed.atom\?q=gritter&amp;hours=part_time">/,
    );
  });
});
