import { beforeAll, describe, expect, it } from 'vitest';
import { anonymous } from '../../../src/shared/actor.js';
import { organisationId } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { issueTestKey, parseXml, type Xml } from '../../support/open311.js';

/**
 * Finding 9 of issue 9: Open311 read without a key gave 6-decimal coordinates and full postcodes,
 * which the public map rounds away. Anyone but the owning council's back office (or the client
 * that sent the request) now gets the map's rounding (4 decimals, about 10 m) and the postcode's
 * outward code only.
 */
const context = useTestApp();
const base = '/open311/v2';
let reference = '';
let keys: { owner: string; otherCouncil: string; stranger: string };

beforeAll(async () => {
  const db = context.database.db;
  const services = await casesServices(db, () => new Date());
  const result = await services.cases.submit(anonymous, {
    serviceCode: 'missed-bin',
    place: await services.place('DE4 3AG'),
    locationDescription: 'Outside number 12',
    description: 'Not emptied',
    answers: { bin_type: 'general' },
    channel: 'web',
    contact: { name: 'Ada Lovelace', email: 'ada@example.com', phone: null },
    citizenId: null,
  });
  if (result.outcome !== 'created') throw new Error(result.outcome);
  reference = result.reference;
  // A point as precise as a phone's GPS gives it.
  await db
    .updateTable('cases')
    .set({ latitude: 53.138912, longitude: -1.555873 })
    .where('id', '=', result.caseId)
    .execute();
  keys = {
    owner: (await issueTestKey(db, 'Dales back office', await organisationId(db, 'E07000035'))).key,
    otherCouncil: (await issueTestKey(db, 'High Peak back office', await organisationId(db, 'E07000037'))).key,
    stranger: (await issueTestKey(db, 'Some FixMyStreet')).key,
  };
});

async function readJson(query = '') {
  const all = await context.app.inject(`${base}/requests.json?service_request_id=${reference}${query}`);
  const one = await context.app.inject(`${base}/requests/${reference}.json${query ? `?${query.slice(1)}` : ''}`);
  expect(all.statusCode).toBe(200);
  expect(one.statusCode).toBe(200);
  return [all.json()[0], one.json()[0]];
}

describe('an Open311 request read by anyone but its council', () => {
  it('has the map’s rounded coordinates and the postcode’s outward code only, in JSON', async () => {
    for (const query of ['', `&api_key=${keys.otherCouncil}`, `&api_key=${keys.stranger}`]) {
      for (const request of await readJson(query)) {
        expect(request, query).toMatchObject({ lat: 53.1389, long: -1.5559, zipcode: 'DE4', address: 'DE4' });
      }
    }
  });

  it('and in XML', async () => {
    const response = await context.app.inject(`${base}/requests/${reference}.xml`);
    const request: Xml = parseXml(response.body).service_requests.request[0];
    expect(request).toMatchObject({ lat: '53.1389', long: '-1.5559', zipcode: 'DE4', address: 'DE4' });
    expect(response.body).not.toContain('3AG');
    expect(response.body).not.toContain('53.138912');
  });
});

describe('an Open311 request read with its council’s back-office key', () => {
  it('keeps the full coordinates, postcode and place', async () => {
    for (const request of await readJson(`&api_key=${keys.owner}`)) {
      expect(request).toMatchObject({
        lat: 53.138912,
        long: -1.555873,
        zipcode: 'DE4 3AG',
        address: 'Outside number 12',
      });
    }
  });
});
