import { describe, expect, it } from 'vitest';
import { createStaff, organisationId, signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { casesServices } from '../../support/cases.js';
import { keyOnPage, parseXml, postForm, type FormEntries, type Xml } from '../../support/open311.js';

const context = useTestApp();
const endpoint = '/open311/v2/';

/**
 * A client that speaks to us as FixMyStreet's perllib/Open311.pm does: XML only, form posts with
 * jurisdiction_id and api_key, attribute[code] for a service's questions, and each reply read with
 * its lists forced to arrays.
 */
function fixMyStreetClient(apiKey: string) {
  const get = async (path: string, params: Record<string, string> = {}): Promise<Xml> => {
    const query = new URLSearchParams(params).toString();
    const response = await context.app.inject(`${endpoint}${path}${query ? `?${query}` : ''}`);
    expect(response.statusCode, `GET ${path}: ${response.body}`).toBe(200);
    return parseXml(response.body);
  };
  const post = async (path: string, params: FormEntries): Promise<Xml> => {
    const response = await postForm(context.app, `${endpoint}${path}`, [['api_key', apiKey], ...params]);
    expect(response.statusCode, `POST ${path}: ${response.body}`).toBeGreaterThanOrEqual(200);
    expect(response.statusCode, `POST ${path}: ${response.body}`).toBeLessThan(300);
    return parseXml(response.body);
  };
  return {
    getServiceList: async () => (await get('services.xml')).services.service as Xml[],
    getServiceMetaInfo: async (code: string) => (await get(`services/${code}.xml`)).service_definition,
    sendServiceRequest: async (params: FormEntries) =>
      (await post('requests.xml', params)).service_requests.request[0].service_request_id as string,
    getServiceRequests: async (ids: string[]) =>
      (await get('requests.xml', { service_request_id: ids.join(',') })).service_requests.request as Xml[],
    getServiceRequest: async (id: string) => (await get(`requests/${id}.xml`)).service_requests.request[0],
    getServiceRequestUpdates: async (start: Date, end: Date) =>
      ((
        await get('servicerequestupdates.xml', {
          api_key: apiKey,
          start_date: start.toISOString(),
          end_date: end.toISOString(),
        })
      ).service_request_updates.request_update ?? []) as Xml[],
    postServiceRequestUpdate: async (params: FormEntries) =>
      (await post('servicerequestupdates.xml', params)).service_request_updates.request_update[0].update_id as string,
  };
}

describe('an Open311 client speaking XML, as FixMyStreet does', () => {
  it('is given a key, creates a request, and follows it until the council fixes it', async () => {
    // An administrator issues the key in the staff pages.
    const { client: admin } = await signedInStaff(context.app, context.database.db, {
      organisationId: await organisationId(context.database.db, 'E10000007'),
      roles: ['partnership_admin'],
    });
    const issued = await admin.post('/staff/api-keys/new', { name: 'FixMyStreet', organisationId: '' });
    expect(issued.statusCode).toBe(201);
    const apiKey = keyOnPage(issued.body);
    expect(apiKey).toBeDefined();
    const fms = fixMyStreetClient(apiKey!);

    // FixMyStreet's PopulateServiceList: the services, then the definition of each that has metadata.
    const services = await fms.getServiceList();
    const missedBin = services.find((service) => service.service_code === 'missed-bin');
    expect(missedBin).toMatchObject({
      service_name: 'Missed bin collection',
      metadata: 'true',
      group: 'Bins and recycling',
    });
    const definition = await fms.getServiceMetaInfo('missed-bin');
    const required = (definition.attributes.attribute as Xml[]).filter(
      (attribute) => attribute.required === 'true' && attribute.variable === 'true',
    );
    expect(required.map((attribute) => attribute.code)).toEqual(['bin_type']);

    // A resident reports it on FixMyStreet, which sends it on.
    const started = new Date(Date.now() - 1000);
    const id = await fms.sendServiceRequest([
      ['service_code', 'missed-bin'],
      [
        'description',
        'title: Bin not emptied\n\ndetail: The green bin was out at 6am\n\nurl: https://www.fixmystreet.com/report/1\n\nSubmitted via FixMyStreet\n',
      ],
      ['first_name', 'Grace'],
      ['last_name', 'Hopper'],
      ['email', 'grace@example.com'],
      ['lat', '53.142757'],
      ['long', '-1.551885'],
      ['media_url', 'https://www.fixmystreet.com/photo/1.full.jpeg'],
      [`attribute[${required[0].code}]`, required[0].values.value[0].key],
    ]);
    expect(id).toMatch(/^DBY-\d{4}-\d{6}$/);

    // It checks the request, by the list and by the id.
    expect((await fms.getServiceRequests([id])).map((request) => [request.service_request_id, request.status])).toEqual(
      [[id, 'open']],
    );
    const request = await fms.getServiceRequest(id);
    expect(request).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'missed-bin',
      agency_responsible: 'Derbyshire Dales District Council',
    });

    // The council's officer resolves it through the workflow.
    const { workflow, repository } = await casesServices(context.database.db, () => new Date());
    const dales = await organisationId(context.database.db, 'E07000035');
    const officer = await createStaff(context.database.db, { organisationId: dales, roles: ['service_officer'] });
    const record = await repository.findByReference(id);
    await workflow.changeStatus(
      {
        kind: 'staff',
        staffId: officer.id,
        name: 'Officer',
        email: officer.email,
        organisationId: dales,
        organisationName: 'Derbyshire Dales District Council',
        roles: ['service_officer'],
      },
      record!.id,
      {
        status: 'resolved',
        message: 'The crew went back and emptied it',
      },
    );

    // FixMyStreet's GetServiceRequestUpdates sees the change, and the request is closed.
    const updates = await fms.getServiceRequestUpdates(started, new Date(Date.now() + 1000));
    expect(updates.map((update) => [update.service_request_id, update.status, update.description])).toEqual([
      [id, 'fixed', 'The crew went back and emptied it'],
    ]);
    expect(updates[0].update_id).toMatch(/^\d+$/);
    expect(updates[0].updated_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect((await fms.getServiceRequest(id)).status).toBe('closed');

    // The resident thanks the council on FixMyStreet, which posts the comment as an update.
    const updateId = await fms.postServiceRequestUpdate([
      ['service_request_id', id],
      ['update_id', '38362'],
      ['status', 'CLOSED'],
      ['description', 'Thank you!'],
      ['updated_datetime', new Date().toISOString()],
      ['first_name', 'Grace'],
      ['last_name', 'Hopper'],
      ['email', 'grace@example.com'],
      ['public_anonymity_required', 'FALSE'],
    ]);
    expect(updateId).toMatch(/^\d+$/);
    const after = await fms.getServiceRequestUpdates(started, new Date(Date.now() + 1000));
    expect(after.map((update) => [update.status, update.description])).toEqual([
      ['fixed', 'The crew went back and emptied it'],
      ['fixed', 'Thank you!'],
    ]);
    expect(after[1].update_id).toBe(updateId);
    expect((await repository.findByReference(id))?.status).toBe('resolved');
  });
});
