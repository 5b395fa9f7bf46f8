import { beforeAll, describe, expect, it } from 'vitest';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import { issueTestKey, missedBin, parseXml, postForm } from './support/open311.js';

/**
 * Finding 9 of issue 9: names took bidi overrides and zero-width characters, so a name could read as
 * another's ("Ada\u202Eecalevol" shows reversed) or two look-alike names differ. Each name field now
 * refuses them with a message beside it, and saves nothing.
 */
const context = useTestApp();
const trick = 'Ada \u202eecalevoL';
const zeroWidth = 'Derbyshire\u200b Dales';
let admin: TestClient;
let county: number;

beforeAll(async () => {
  county = await organisationId(context.database.db, 'E10000007');
  ({ client: admin } = await signedInStaff(context.app, context.database.db, {
    organisationId: county,
    roles: ['partnership_admin'],
  }));
});

const hiddenMessage = /has a hidden character that changes how text is shown/;
const beside = (body: string, field: string) => new RegExp(`href="#${field}">[^<]*hidden character`).test(body);

describe('a name with a hidden character', () => {
  it('is refused beside the field of each form that names a person, an organisation or a team', async () => {
    const password = 'three random words here';
    const cases: [TestClient, string, Record<string, string>, string][] = [
      [
        admin,
        '/staff/accounts/new',
        { organisationId: String(county), name: trick, email: 'tricky@derbyshire.example', roles: 'analyst' },
        'name',
      ],
      [
        new TestClient(context.app),
        '/account/register',
        { name: trick, email: 'tricky@example.com', password, confirmPassword: password },
        'name',
      ],
      [admin, '/staff/organisations/new', { name: zeroWidth, type: 'housing', emailDomain: '' }, 'name'],
      [admin, '/staff/partnerships/new', { name: `Joined\u2060Up`, kind: 'local', description: '' }, 'name'],
      [admin, '/staff/teams/new', { organisationId: String(county), name: `Highways\u2067`, email: '' }, 'name'],
    ];
    for (const [client, url, form, field] of cases) {
      const response = await client.post(url, form);
      expect(response.statusCode, url).toBe(400);
      expect(response.body, url).toMatch(hiddenMessage);
      expect(beside(response.body, field), `${url}: beside ${field}`).toBe(true);
    }
    const db = context.database.db;
    expect(
      await db.selectFrom('staff').select('id').where('email', '=', 'tricky@derbyshire.example').execute(),
    ).toEqual([]);
    expect(await db.selectFrom('citizens').select('id').where('email', '=', 'tricky@example.com').execute()).toEqual(
      [],
    );
    expect(await db.selectFrom('organisations').select('id').where('name', '=', zeroWidth).execute()).toEqual([]);
  });

  it('is refused in a resident’s own details', async () => {
    const client = new TestClient(context.app);
    await client.post('/report', { serviceCode: 'missed-bin' });
    await client.post('/report/where', { postcode: 'DE4 3AG', locationDescription: 'By the church' });
    await client.post('/report/questions', { 'answer-bin_type': 'general', description: 'Not emptied' });
    const response = await client.post('/report/about-you', {
      identify: 'details',
      name: trick,
      email: 'someone@example.org',
      phone: '',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(hiddenMessage);
  });

  it('is refused from an Open311 client, in the spec’s error shape', async () => {
    const { key } = await issueTestKey(context.database.db, 'Hidden test');
    const response = await postForm(
      context.app,
      '/open311/v2/requests.xml',
      missedBin(key, [
        ['first_name', trick],
        ['email', 'someone@example.org'],
      ]),
    );
    expect(response.statusCode).toBe(400);
    expect(parseXml(response.body).errors.error[0].description).toMatch(/^first_name has a hidden character/);
  });
});
