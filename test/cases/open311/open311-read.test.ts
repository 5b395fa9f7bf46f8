import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../../src/db/schema.js';
import { anonymous, type StaffActor } from '../../../src/shared/actor.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { parseXml, type Xml } from '../../support/open311.js';

const context = useTestApp();
const base = '/open311/v2';
const day = 86_400_000;
let now = new Date();
const refs: Record<'pothole' | 'resolvedBin' | 'noise' | 'oldBin' | 'closedFouling', string> = {
  pothole: '',
  resolvedBin: '',
  noise: '',
  oldBin: '',
  closedFouling: '',
};

async function staffActor(gss: string, roles: StaffRole[]): Promise<StaffActor> {
  const orgId = await organisationId(context.database.db, gss);
  const staff = await createStaff(context.database.db, { organisationId: orgId, roles });
  return {
    kind: 'staff',
    staffId: staff.id,
    name: 'Officer',
    email: staff.email,
    organisationId: orgId,
    organisationName: gss,
    roles,
  };
}

const get = (url: string) => context.app.inject(url);
const json = async (url: string) => {
  const response = await get(url);
  expect(response.headers['content-type'], url).toBe('application/json; charset=utf-8');
  return { status: response.statusCode, body: response.json() };
};
const xml = async (url: string): Promise<{ status: number; body: Xml; text: string }> => {
  const response = await get(url);
  expect(response.headers['content-type'], url).toBe('text/xml; charset=utf-8');
  expect(response.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  return { status: response.statusCode, body: parseXml(response.body), text: response.body };
};

beforeAll(async () => {
  const services = await casesServices(context.database.db, () => now);
  const report = async (serviceCode: string, postcode: string, answers: Record<string, string>, daysAgo: number) => {
    now = new Date(Date.now() - daysAgo * day);
    const result = await services.cases.submit(anonymous, {
      serviceCode,
      place: await services.place(postcode),
      locationDescription: 'Outside number 12',
      description: 'Deep and dangerous, says Ada Lovelace',
      answers,
      channel: 'web',
      contact: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '01632 960001' },
      citizenId: null,
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    return result;
  };
  const pothole = await report('pothole', 'DE4 3AG', { where_on_road: 'carriageway' }, 10);
  const resolvedBin = await report('missed-bin', 'DE4 3AG', { bin_type: 'general' }, 5);
  const noise = await report('noise', 'DE4 3AG', { source: 'music', when: 'Every night after 11pm' }, 3);
  const oldBin = await report('missed-bin', 'DE1 0AL', { bin_type: 'recycling' }, 100);
  const closedFouling = await report('dog-fouling', 'S41 7TD', {}, 1);
  now = new Date();
  await services.workflow.changeStatus(await staffActor('E07000035', ['service_officer']), resolvedBin.caseId, {
    status: 'resolved',
    message: 'Emptied this afternoon, Ada',
  });
  await services.workflow.changeStatus(await staffActor('E07000034', ['service_officer']), closedFouling.caseId, {
    status: 'closed',
    closureReason: 'not_our_responsibility',
    message: 'That land is private',
  });
  Object.assign(refs, {
    pothole: pothole.reference,
    resolvedBin: resolvedBin.reference,
    noise: noise.reference,
    oldBin: oldBin.reference,
    closedFouling: closedFouling.reference,
  });
});

describe('discovery', () => {
  it('describes the endpoint in XML and JSON', async () => {
    const { status, body } = await xml(`${base}/discovery.xml`);
    expect(status).toBe(200);
    const endpoint = body.discovery.endpoints.endpoint[0];
    expect(endpoint.specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(endpoint.url).toMatch(/\/open311\/v2$/);
    expect(endpoint.formats.format).toEqual(['text/xml', 'application/json']);
    expect(body.discovery.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

    const asJson = await json(`${base}/discovery.json`);
    expect(asJson.status).toBe(200);
    expect(asJson.body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      formats: ['text/xml', 'application/json'],
    });
    expect(asJson.body.contact).toContain('Derbyshire Partnership');
  });
});

describe('services', () => {
  it('lists every kind of request across the partnership, in XML', async () => {
    const { status, body } = await xml(`${base}/services.xml`);
    expect(status).toBe(200);
    const services: Xml[] = body.services.service;
    const codes = services.map((service) => service.service_code);
    expect(codes).toEqual(
      expect.arrayContaining(['pothole', 'street-light', 'missed-bin', 'fly-tipping', 'dog-fouling', 'noise']),
    );
    expect(new Set(codes).size).toBe(codes.length);
    expect(services.find((service) => service.service_code === 'missed-bin')).toEqual({
      service_code: 'missed-bin',
      service_name: 'Missed bin collection',
      description: 'A bin that was out on time but was not emptied.',
      metadata: 'true',
      type: 'realtime',
      keywords: 'bin,rubbish,refuse,recycling,collection,missed',
      group: 'Bins and recycling',
    });
    // Dog fouling asks no extra questions, so a client need not fetch its definition.
    expect(services.find((service) => service.service_code === 'dog-fouling').metadata).toBe('false');
  });

  it('lists them in JSON, with metadata as a boolean and codes as strings', async () => {
    const { status, body } = await json(`${base}/services.json`);
    expect(status).toBe(200);
    const pothole = body.find((service: { service_code: string }) => service.service_code === 'pothole');
    expect(pothole).toEqual({
      service_code: 'pothole',
      service_name: 'Pothole',
      description: 'A hole or sunken surface in a road, cycle lane or pavement.',
      metadata: true,
      type: 'realtime',
      keywords: 'hole,road,surface,crater,pavement,cycle',
      group: 'Roads and pavements',
    });
  });

  it('lists one member’s services when jurisdiction_id is its GSS code or web domain', async () => {
    const codesFor = async (jurisdiction: string) =>
      ((await json(`${base}/services.json?jurisdiction_id=${jurisdiction}`)).body as { service_code: string }[]).map(
        (service) => service.service_code,
      );
    const county = await codesFor('E10000007');
    expect(county).toContain('pothole');
    expect(county).not.toContain('missed-bin');
    const dales = await codesFor('derbyshiredales.gov.uk');
    expect(dales).toContain('missed-bin');
    expect(dales).not.toContain('pothole');
    expect(await codesFor('www.derbyshiredales.gov.uk')).toEqual(dales);
    expect(await codesFor('e07000035')).toEqual(dales);
    // Derby is a unitary: both tiers.
    expect(await codesFor('E06000015')).toEqual(expect.arrayContaining(['pothole', 'missed-bin']));
    expect(await codesFor('derbyshire')).toEqual(await codesFor(''));
  });

  it('marks the services not shown publicly with the keyword "private", as FixMyStreet splits the list', async () => {
    const { body } = await xml(`${base}/services.xml`);
    // FixMyStreet (perllib/Open311.pm's users) splits keywords on "," and does not trim.
    const keywordsOf = (code: string) =>
      String(body.services.service.find((service: Xml) => service.service_code === code).keywords).split(',');
    for (const code of ['council-tax-enquiry', 'benefits-enquiry', 'noise'])
      expect(keywordsOf(code)).toContain('private');
    for (const code of ['missed-bin', 'pothole', 'fly-tipping']) expect(keywordsOf(code)).not.toContain('private');
    expect(keywordsOf('council-tax-enquiry')).toEqual([
      'council',
      'tax',
      'bill',
      'band',
      'discount',
      'payment',
      'private',
    ]);
  });

  it('answers an unknown jurisdiction_id with 404 in the spec’s error shape', async () => {
    const asXml = await xml(`${base}/services.xml?jurisdiction_id=staffordshire.gov.uk`);
    expect(asXml.status).toBe(404);
    expect(asXml.body.errors.error).toEqual([
      {
        code: '404',
        description: expect.stringContaining(
          'jurisdiction_id staffordshire.gov.uk is not a member of this partnership',
        ),
      },
    ]);
    const asJson = await json(`${base}/services.json?jurisdiction_id=E10000028`);
    expect(asJson.status).toBe(404);
    expect(asJson.body).toEqual([
      { code: 404, description: expect.stringContaining('is not a member of this partnership') },
    ]);
  });
});

describe('a service definition', () => {
  it('gives the attributes of a service, with the values of its lists, in XML', async () => {
    const { status, body } = await xml(`${base}/services/missed-bin.xml`);
    expect(status).toBe(200);
    expect(body.service_definition.service_code).toBe('missed-bin');
    const [binType, collectionDay] = body.service_definition.attributes.attribute;
    expect(binType).toMatchObject({
      variable: 'true',
      code: 'bin_type',
      datatype: 'multivaluelist',
      required: 'true',
      order: '1',
      description: 'Which bins were missed?',
    });
    expect(binType.values.value.map((value: { key: string }) => value.key)).toEqual([
      'general',
      'recycling',
      'garden',
      'food',
    ]);
    expect(binType.values.value[0]).toEqual({ key: 'general', name: 'General waste' });
    expect(collectionDay).toMatchObject({ code: 'collection_day', order: '2' });
    expect(collectionDay.values).toBeUndefined();
  });

  it('gives them in JSON with booleans and numbers', async () => {
    const { status, body } = await json(`${base}/services/pothole.json`);
    expect(status).toBe(200);
    expect(body.attributes[0]).toEqual({
      variable: true,
      code: 'where_on_road',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 1,
      description: 'Where is it?',
      values: [
        { key: 'carriageway', name: 'In the road' },
        { key: 'pavement', name: 'On the pavement' },
        { key: 'cycle_lane', name: 'In a cycle lane' },
      ],
    });
    expect(body.attributes[1]).toMatchObject({ code: 'depth_cm', datatype: 'number', required: false });
    expect(body.attributes[1]).not.toHaveProperty('values');
  });

  it('answers 404 for an unknown service, a service the member does not offer, or no format', async () => {
    expect((await json(`${base}/services/moon-landing.json`)).status).toBe(404);
    const notTheirs = await json(`${base}/services/pothole.json?jurisdiction_id=E07000035`);
    expect(notTheirs).toEqual({
      status: 404,
      body: [
        {
          code: 404,
          description: 'service_code pothole is not a service of Derbyshire Dales District Council: see services.xml',
        },
      ],
    });
    const noFormat = await xml(`${base}/services/pothole`);
    expect(noFormat.status).toBe(404);
    expect(noFormat.body.errors.error[0].description).toContain('end the address with .xml or .json');
  });
});

describe('requests', () => {
  const listed = async (query = '') =>
    ((await json(`${base}/requests.json${query}`)).body as { service_request_id: string }[]).map(
      (request) => request.service_request_id,
    );

  it('lists public requests of the last 90 days, newest first, without anyone’s personal details', async () => {
    const { status, body, text } = await xml(`${base}/requests.xml`);
    expect(status).toBe(200);
    const ids = body.service_requests.request.map((request: Xml) => request.service_request_id);
    expect(ids).toEqual([refs.closedFouling, refs.resolvedBin, refs.pothole]);
    expect(ids).not.toContain(refs.noise);
    for (const personal of [
      'Ada',
      'Lovelace',
      'ada@example.com',
      '01632',
      'Outside number 12',
      'Deep and dangerous',
      'Emptied this afternoon',
    ])
      expect(text).not.toContain(personal);

    const pothole = body.service_requests.request.find((request: Xml) => request.service_request_id === refs.pothole);
    expect(pothole).toMatchObject({
      status: 'open',
      service_name: 'Pothole',
      service_code: 'pothole',
      agency_responsible: 'Derbyshire County Council',
      // Without its council's key, only the postcode's district, as the public map shows (finding 9).
      address: 'DE4',
      zipcode: 'DE4',
      description: '',
      status_notes: '',
    });
    expect(pothole.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[01]:00$/);
    expect(pothole.expected_datetime).toMatch(/T23:59:59\+0[01]:00$/);
    expect(Number(pothole.lat)).toBeCloseTo(53.14, 1);
  });

  it('maps statuses onto open and closed, with ids as strings and coordinates as numbers in JSON', async () => {
    const { body } = await json(`${base}/requests.json`);
    const byId = Object.fromEntries(
      body.map((request: { service_request_id: string }) => [request.service_request_id, request]),
    );
    expect(byId[refs.pothole]).toMatchObject({
      status: 'open',
      lat: expect.any(Number),
      long: expect.any(Number),
      description: null,
    });
    expect(byId[refs.resolvedBin].status).toBe('closed');
    expect(byId[refs.closedFouling]).toMatchObject({
      status: 'closed',
      agency_responsible: 'Chesterfield Borough Council',
    });
  });

  it('filters by status, service code, dates and jurisdiction', async () => {
    expect(await listed('?status=open')).toEqual([refs.pothole]);
    expect(await listed('?status=closed')).toEqual([refs.closedFouling, refs.resolvedBin]);
    expect(await listed('?status=open,closed')).toEqual([refs.closedFouling, refs.resolvedBin, refs.pothole]);
    expect(await listed('?service_code=pothole,dog-fouling')).toEqual([refs.closedFouling, refs.pothole]);
    const start = new Date(Date.now() - 101 * day).toISOString();
    const end = new Date(Date.now() - 99 * day).toISOString();
    expect(await listed(`?start_date=${start}&end_date=${end}`)).toEqual([refs.oldBin]);
    expect(await listed(`?start_date=${encodeURIComponent(new Date(Date.now() - 7 * day).toISOString())}`)).toEqual([
      refs.closedFouling,
      refs.resolvedBin,
    ]);
    expect(await listed('?jurisdiction_id=E10000007')).toEqual([refs.pothole]);
    expect(await listed('?jurisdiction_id=chesterfield.gov.uk&status=closed')).toEqual([refs.closedFouling]);
  });

  it('takes a comma-separated list of ids over every other filter, and never shows a private one', async () => {
    expect(
      await listed(`?service_request_id=${refs.oldBin},${refs.pothole.toLowerCase()},${refs.noise}&status=closed`),
    ).toEqual([refs.pothole, refs.oldBin]);
  });

  it('refuses bad filters with 400 in the spec’s shape', async () => {
    const badDate = await xml(`${base}/requests.xml?start_date=yesterday`);
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors.error[0]).toEqual({
      code: '400',
      description: 'start_date must be a W3C datetime, like 2026-11-26T09:30:00Z or 2026-11-26',
    });
    expect((await json(`${base}/requests.json?status=pending`)).body).toEqual([
      { code: 400, description: 'status must be open, closed, or both: open,closed' },
    ]);
    expect((await json(`${base}/requests.json?start_date=2026-02-01&end_date=2026-01-01`)).status).toBe(400);
    expect((await json(`${base}/requests.json?api_key=not-a-key`)).status).toBe(403);
  });

  it('gives one request by its id, in XML and JSON, and 404 for a private or unknown one', async () => {
    const one = await xml(`${base}/requests/${refs.resolvedBin}.xml`);
    expect(one.status).toBe(200);
    expect(one.body.service_requests.request).toHaveLength(1);
    expect(one.body.service_requests.request[0]).toMatchObject({
      service_request_id: refs.resolvedBin,
      status: 'closed',
      agency_responsible: 'Derbyshire Dales District Council',
    });
    const asJson = await json(`${base}/requests/${refs.resolvedBin}.json`);
    expect(asJson.body).toHaveLength(1);
    expect(asJson.body[0].service_request_id).toBe(refs.resolvedBin);

    for (const id of [refs.noise, 'DBY-1999-000001']) {
      const missing = await json(`${base}/requests/${id}.json`);
      expect(missing).toEqual({
        status: 404,
        body: [{ code: 404, description: `There is no request ${id} that we can show you` }],
      });
    }
    // A member that does not have it does not show it.
    expect((await json(`${base}/requests/${refs.resolvedBin}.json?jurisdiction_id=E10000007`)).status).toBe(404);
  });

  it('treats a token as the request’s own id, since every request is made at once', async () => {
    const token = await xml(`${base}/tokens/${refs.pothole}.xml`);
    expect(token.status).toBe(200);
    expect(token.body.service_requests.request).toEqual([{ service_request_id: refs.pothole, token: refs.pothole }]);
    expect((await json(`${base}/tokens/${refs.pothole}.json`)).body).toEqual([
      { service_request_id: refs.pothole, token: refs.pothole },
    ]);
    expect((await json(`${base}/tokens/12345.json`)).status).toBe(404);
  });
});

describe('the OpenAPI description of /api/v1', () => {
  it('points to Open311 without describing it', async () => {
    const document = (await get('/api/v1/openapi.json')).json();
    expect(document.externalDocs).toEqual({
      description: expect.stringContaining('Open311 GeoReport v2'),
      url: '/open311/v2/discovery.json',
    });
    expect(document.info.description).toContain('/open311/v2/');
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/open311'))).toEqual([]);
    expect((await get(document.externalDocs.url)).statusCode).toBe(200);
  });
});

describe('errors anywhere under /open311/', () => {
  it('answers an unknown address with 404 in XML, or JSON when it ends in .json', async () => {
    const asXml = await xml(`${base}/cats.xml`);
    expect(asXml.status).toBe(404);
    expect(asXml.body.errors.error[0].code).toBe('404');
    const elsewhere = await xml('/open311/v1/services.xml');
    expect(elsewhere.status).toBe(404);
    expect((await json(`${base}/requests/x/y.json`)).status).toBe(404);
    expect((await json(`${base}/cats.json`)).body).toEqual([
      { code: 404, description: `There is nothing at ${base}/cats.json: the service starts at ${base}/discovery.xml` },
    ]);
  });

  it('answers a failure on our side with 500 in the spec’s shape, and no internals', async () => {
    await sql`alter table case_events rename to case_events_away`.execute(context.database.db);
    try {
      const asXml = await xml(`${base}/requests.xml`);
      expect(asXml.status).toBe(500);
      expect(asXml.body.errors.error).toEqual([
        { code: '500', description: 'Something went wrong on our side: try again later' },
      ]);
      const asJson = await json(`${base}/requests.json`);
      expect(asJson).toEqual({
        status: 500,
        body: [{ code: 500, description: 'Something went wrong on our side: try again later' }],
      });
    } finally {
      await sql`alter table case_events_away rename to case_events`.execute(context.database.db);
    }
  });
});
