/**
 * A back office's key (api_clients.organisation_id) acts only on its own organisation's current
 * cases: once a case is transferred away, the key that sent it neither changes it nor reads what
 * was written on it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { organisationId } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { issueTestKey, missedBin, parseXml, postForm } from '../../support/open311.js';

const context = useTestApp();
const base = '/open311/v2';
const db = () => context.database.db;

let dales: number;
let amberValley: number;
let dalesBackOffice: { id: number; key: string };
let fixMyStreet: { id: number; key: string };

const update = (key: string, serviceRequestId: string, status: string, description: string) =>
  postForm(context.app, `${base}/servicerequestupdates.xml`, [
    ['api_key', key],
    ['service_request_id', serviceRequestId],
    ['update_id', String(Math.floor(Math.random() * 1e6))],
    ['status', status],
    ['description', description],
    ['updated_datetime', new Date().toISOString()],
  ]);

/** Moves the case to Amber Valley as a transfer does: another organisation now has it. */
async function transferAway(reference: string) {
  const record = await db()
    .selectFrom('cases')
    .select(['id', 'request_type_id'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  const target = await db()
    .selectFrom('request_types')
    .select(['id', 'team_id'])
    .where('organisation_id', '=', amberValley)
    .where('service_code', '=', 'missed-bin')
    .executeTakeFirstOrThrow();
  await db()
    .updateTable('cases')
    .set({ organisation_id: amberValley, request_type_id: target.id, team_id: target.team_id })
    .where('id', '=', record.id)
    .execute();
  return record.id;
}

beforeAll(async () => {
  [dales, amberValley] = await Promise.all(['E07000035', 'E07000032'].map((code) => organisationId(db(), code)));
  dalesBackOffice = await issueTestKey(db(), 'Dales back office', dales);
  fixMyStreet = await issueTestKey(db(), 'FixMyStreet');
});

describe('a back office key and a case transferred away', () => {
  it('may no longer update a case it sent once another organisation has it', async () => {
    const created = await postForm(
      context.app,
      `${base}/requests.xml`,
      missedBin(dalesBackOffice.key, [['email', 'resident@example.com']]),
    );
    expect(created.statusCode).toBe(201);
    const reference = parseXml(created.body).service_requests.request[0].service_request_id;
    expect((await update(dalesBackOffice.key, reference, 'INVESTIGATING', 'Looking')).statusCode).toBe(201);

    const caseId = await transferAway(reference);
    const refused = await update(dalesBackOffice.key, reference, 'FIXED', 'Emptied');
    expect(refused.statusCode).toBe(403);
    const status = await db().selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(status.status).toBe('acknowledged');
  });

  it('no longer reads what was written on it', async () => {
    const created = await postForm(
      context.app,
      `${base}/requests.xml`,
      missedBin(dalesBackOffice.key, [['description', 'Bin by the back gate of number 4']]),
    );
    expect(created.statusCode).toBe(201);
    const reference = parseXml(created.body).service_requests.request[0].service_request_id;
    const read = async () =>
      parseXml(
        (
          await context.app.inject({
            method: 'GET',
            url: `${base}/requests/${reference}.xml?api_key=${dalesBackOffice.key}`,
          })
        ).body,
      ).service_requests.request[0];
    expect((await read()).description).toBe('Bin by the back gate of number 4');

    await transferAway(reference);
    expect((await read()).description).toBe('');
  });

  it('leaves a client of no organisation (FixMyStreet) the requests it sent, wherever they went', async () => {
    const created = await postForm(
      context.app,
      `${base}/requests.xml`,
      missedBin(fixMyStreet.key, [['email', 'resident@example.com']]),
    );
    const reference = parseXml(created.body).service_requests.request[0].service_request_id;
    await transferAway(reference);
    expect((await update(fixMyStreet.key, reference, 'INVESTIGATING', 'Resident asks again')).statusCode).toBe(201);
  });
});
