import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { seedDemo } from '../src/db/seed/demo.js';
import { staffRoles } from '../src/db/schema.js';
import { hashPassword } from '../src/modules/identity/secrets.js';
import { SESSION_COOKIE } from '../src/modules/identity/session-plugin.js';
import { createStaff, organisationId, TEST_PASSWORD } from './support/accounts.js';
import { testConfig } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import {
  describeRequest,
  encodePairs,
  fuzzableRoutes,
  harvestPage,
  healthy,
  hostileJson,
  hostileText,
  pairs,
  parameterValue,
  patternOf,
  queryNamesFor,
  hugeBody,
  harvestOpenApi,
  valuesIn,
  percentEncode,
  stringifyJson,
  type Harvest,
} from './support/fuzz.js';
import { TestClient } from './support/http.js';
import { issueTestKey, missedBin } from './support/open311.js';

/**
 * Finding 3 of issue 9: no input gives a server error. Every route the app registers (read from
 * its route table, so a new one is fuzzed without being listed here) is sent generated input —
 * path parameters, query strings with repeated names, forms with a valid CSRF token and session,
 * JSON bodies (empty, null, arrays), Open311 forms and XML — full of NUL bytes, lone surrogates,
 * huge strings, control characters and look-alikes, as a visitor, a resident and staff with every
 * role. Every answer must be below 500, and the process must still be healthy after.
 *
 * FUZZ_SEED and FUZZ_RUNS (a multiplier) replay or lengthen a run: the seed is printed on failure.
 */
const seed = Number(process.env.FUZZ_SEED ?? 20260709);
const scale = Number(process.env.FUZZ_RUNS ?? 1);
const runs = { pages: Math.round(6500 * scale), api: Math.round(1200 * scale), open311: Math.round(2500 * scale) };

type Who = 'anonymous' | 'citizen' | 'county' | 'district';

interface Actor {
  who: Who;
  client: TestClient;
  token: string;
  signIn?: () => Promise<void>;
}

interface RequestSpec {
  who: Who;
  method: string;
  route: string;
  path: string;
  query: string;
  body?: { contentType?: string; payload: string; csrfHeader?: boolean };
}

interface Failure {
  category: keyof typeof counts;
  route: string;
  request: string;
  status: number;
  error?: string;
}

let database: TestDatabase;
let app: FastifyInstance;
const actors = new Map<Who, Actor>();
const harvest: Harvest = {
  addresses: new Set(),
  queryNames: new Map(),
  queryByPath: new Map(),
  forms: [],
  emails: new Set(),
};
let references: string[] = [];
let realApiValues: string[] = [];
let keys: { fixMyStreet: string; backOffice: string };
const failures: Failure[] = [];
const counts = { pages: 0, api: 0, open311: 0 };
let lastError: string | undefined;

beforeAll(async () => {
  const started = Date.now();
  database = await createTestDatabase();
  const db = database.db;
  await seedDemo(db, 'derbyshire', () => {});
  app = await buildApp({ config: testConfig({ open311PostsPerMinute: 1_000_000 }), db });
  // The error behind each 5xx, so the report says what broke as well as where.
  app.addHook('onError', async (_request, _reply, error) => {
    lastError = `${error.name}: ${error.message}`.slice(0, 300);
  });

  const county = await organisationId(db, 'E10000007');
  const district = await organisationId(db, 'E07000035');
  actors.set('anonymous', { who: 'anonymous', client: new TestClient(app), token: '' });
  for (const [who, organisation] of [
    ['county', county],
    ['district', district],
  ] as const) {
    const actor: Actor = { who, client: new TestClient(app), token: '' };
    // Fuzzing may sign this member of staff out or disable them (their own id is a fine input):
    // a fresh one signs in whenever the session is gone.
    actor.signIn = async () => {
      actor.client = new TestClient(app);
      const staff = await createStaff(db, { organisationId: organisation, roles: [...staffRoles] });
      const response = await actor.client.post('/staff/sign-in', { email: staff.email, password: TEST_PASSWORD });
      if (response.statusCode !== 303) throw new Error(`Staff sign-in failed with ${response.statusCode}`);
      actor.token = await actor.client.csrfToken('/staff');
    };
    actors.set(who, actor);
  }
  const citizen: Actor = { who: 'citizen', client: new TestClient(app), token: '' };
  const citizenHash = await hashPassword(TEST_PASSWORD);
  let citizens = 0;
  citizen.signIn = async () => {
    citizen.client = new TestClient(app);
    const email = `fuzz.resident${(citizens += 1)}@example.org`;
    await db
      .insertInto('citizens')
      .values({ email, name: 'Fuzz Resident', password_hash: citizenHash, email_verified_at: new Date() })
      .execute();
    const response = await citizen.client.post('/account/sign-in', { email, password: TEST_PASSWORD });
    if (response.statusCode !== 303) throw new Error(`Citizen sign-in failed with ${response.statusCode}`);
    citizen.token = await citizen.client.csrfToken('/account');
  };
  actors.set('citizen', citizen);
  for (const actor of actors.values()) {
    if (actor.signIn) await actor.signIn();
    else actor.token = await actor.client.csrfToken('/staff/sign-in');
  }

  console.log(`fuzz setup: demo data and sign-ins after ${Date.now() - started} ms`);
  // Walk the pages each can see, from every address without parameters, to learn the forms'
  // fields and real ids; a bounded walk, since it only seeds the generators.
  const routes = fuzzableRoutes(app.routeTable);
  const starts = routes
    .filter(
      (route) =>
        route.method === 'GET' && !route.url.includes(':') && !route.url.includes('*') && !route.url.endsWith('.csv'),
    )
    .map((route) => route.url);
  // A report begun, so the journey's later pages show their forms instead of sending back to the start.
  for (const who of ['anonymous', 'citizen'] as const) {
    const { client } = actors.get(who) as Actor;
    await client.post('/report', { serviceCode: 'missed-bin' });
    await client.post('/report/where', { postcode: 'DE4 3AG', locationDescription: 'By the church' });
  }
  const patterns = routes
    .filter((route) => route.method === 'GET')
    .map((route) => ({ url: route.url, pattern: patternOf(route.url) }));
  for (const actor of actors.values()) {
    const queue = [...starts];
    const seen = new Set<string>();
    const visits = new Map<string, number>();
    while (queue.length > 0 && seen.size < 150) {
      const url = queue.shift() as string;
      const path = url.split('?')[0];
      // A couple of pages per route is enough to learn its forms and some real ids.
      const route = patterns.find(({ pattern }) => pattern.test(path))?.url ?? path;
      if (seen.has(url) || (visits.get(route) ?? 0) >= 2) continue;
      seen.add(url);
      visits.set(route, (visits.get(route) ?? 0) + 1);
      const response = await actor.client.get(url);
      if (!String(response.headers['content-type']).startsWith('text/html')) continue;
      for (const link of harvestPage(response.body, harvest, url))
        if (!link.includes('sign-out') && !/\.(csv|json|xml)$/.test(link.split('?')[0])) queue.push(link);
    }
    if (actor.signIn && !actor.client.hasCookie(SESSION_COOKIE)) await actor.signIn();
  }

  // The JSON API: what its answers hold (codes, ids) and what its OpenAPI document says it takes.
  const apiValues = new Set<string>();
  for (const route of starts.filter((url) => url.startsWith('/api/'))) {
    const response = await app.inject({ url: route });
    if (String(response.headers['content-type']).startsWith('application/json')) valuesIn(response.json(), apiValues);
  }
  realApiValues = [...apiValues].filter((value) => value.length <= 60);
  harvestOpenApi((await app.inject({ url: '/api/v1/openapi.json' })).json(), harvest, realApiValues);

  references = (await db.selectFrom('cases').select('reference').orderBy('id').limit(30).execute()).map(
    (row) => row.reference,
  );
  const backOfficeOrganisation = await organisationId(db, 'E07000035');
  keys = {
    fixMyStreet: (await issueTestKey(db, 'Fuzz FixMyStreet')).key,
    backOffice: (await issueTestKey(db, 'Fuzz back office', backOfficeOrganisation)).key,
  };
  console.log(
    `fuzz setup: ${Date.now() - started} ms, ${harvest.forms.length} forms and ${harvest.addresses.size} addresses seen`,
  );
}, 300_000);

afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

/** What a route's own forms name, and what Open311's clients send to it. */
function fieldsFor(route: string): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  const pattern = patternOf(route);
  for (const form of harvest.forms) {
    if (form.method !== 'post' || !pattern.test(form.action)) continue;
    for (const [name, values] of form.fields)
      fields.set(
        name,
        new Set([...(fields.get(name) ?? []), ...values, ...(/email/i.test(name) ? harvest.emails : [])]),
      );
  }
  if (route.startsWith('/open311/')) {
    const open311 = {
      api_key: [keys.fixMyStreet, keys.backOffice, 'shk_not-a-key'],
      jurisdiction_id: ['derbyshire'],
      service_code: ['missed-bin', 'fly-tipping', 'pothole'],
      service_request_id: references,
      lat: ['53.1', '-90', '91'],
      long: ['-1.55', '180.5'],
      address_string: ['DE4 3AG'],
      'attribute[bin_type]': ['general', 'recycling'],
      status: ['open', 'closed', 'IN_PROGRESS', 'FIXED'],
      start_date: ['2026-01-01T00:00:00Z'],
      end_date: ['2026-12-31'],
      description: ['The bin was out by 7am'],
      email: ['someone@example.org'],
      first_name: ['Ann'],
      last_name: ['Other'],
      phone: ['01234 567890'],
      update_id: ['u1'],
      updated_datetime: ['2026-07-01T10:30:00+01:00'],
      media_url: ['https://example.org/a.jpg'],
      device_id: ['d1'],
      account_id: ['a1'],
      address_id: ['x1'],
    };
    for (const [name, values] of Object.entries(open311)) fields.set(name, new Set(values));
  }
  return fields;
}

/** A concrete path for the route: one the pages linked to, or the pattern filled with hostile values. */
function pathFor(route: string): fc.Arbitrary<string> {
  if (!route.includes(':') && !route.includes('*')) return fc.constant(route);
  const pattern = patternOf(route);
  const seen = [...harvest.addresses].filter((address) => pattern.test(address));
  const realValues = [
    ...new Set([
      ...references,
      ...seen.flatMap((address) => address.split('/').map(decodeURIComponent)),
      ...(route.startsWith('/api/') ? realApiValues.slice(0, 40) : []),
    ]),
  ].filter(Boolean);
  const filled = fc
    .tuple(fc.array(parameterValue(realValues), { minLength: 4, maxLength: 4 }), fc.nat(9))
    .map(([values, dice]) => {
      let index = 0;
      return route
        .split('/')
        .map((part) => {
          if (!part.startsWith(':') && part !== '*') return part;
          const value = values[index++ % values.length];
          // Open311's {id}.{format} files: keep an ending often, so the lookup behind it is reached.
          return percentEncode(
            route.startsWith('/open311/') && !value.includes('.') ? `${value}.${index % 2 ? 'xml' : 'json'}` : value,
            dice === 0,
          );
        })
        .join('/');
    });
  return seen.length > 0
    ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...seen) }, { weight: 2, arbitrary: filled })
    : filled;
}

function specFor(route: { method: string; url: string }): fc.Arbitrary<RequestSpec> {
  const open311 = route.url.startsWith('/open311/');
  const fields = fieldsFor(route.url);
  const ownQuery = new Map([...queryNamesFor(harvest, patternOf(route.url)), ...(open311 ? fields : [])]);
  const whos: Who[] = route.url.startsWith('/staff')
    ? ['county', 'district', 'county', 'anonymous']
    : route.url.startsWith('/account') || route.url.startsWith('/track') || route.url.startsWith('/report')
      ? ['citizen', 'anonymous']
      : ['anonymous', 'citizen', 'county'];
  const base = fc.record({
    who: fc.constantFrom(...whos),
    path: pathFor(route.url),
    query: fc
      .tuple(pairs(ownQuery, harvest.queryNames), fc.nat(9))
      .map(([list, dice]) => encodePairs(list, dice === 0)),
  });
  if (route.method === 'GET') return base.map((spec) => ({ ...spec, method: 'GET', route: route.url }));

  const form = fc
    .tuple(
      open311
        ? fc.oneof(
            fc.constant(missedBin(keys.fixMyStreet)),
            fc.constant(missedBin(keys.backOffice)),
            fc.constant<[string, string][]>([]),
          )
        : fc.constant<[string, string][]>([...fields].map(([name, values]) => [name, [...values][0] ?? ''])),
      pairs(fields, new Map(), 8),
      fc.constantFrom('valid', 'valid', 'valid', 'valid', 'missing', 'forged'),
      fc.nat(4),
    )
    .map(([valid, fuzzed, csrf, dice]) => {
      const names = new Set(fuzzed.map(([name]) => name));
      const list = [...valid.filter(([name]) => !names.has(name)), ...fuzzed];
      return { contentType: 'application/x-www-form-urlencoded', payload: encodePairs(list, dice === 0), csrf };
    });
  const json = fc.tuple(hostileJson, fc.boolean()).map(([value, csrfHeader]) => ({
    contentType: 'application/json',
    payload: stringifyJson(value),
    csrfHeader,
    csrf: 'valid',
  }));
  const xml = fc.tuple(fc.constantFrom('application/xml', 'text/xml'), hostileText).map(([contentType, text]) => ({
    contentType,
    payload: `<?xml version="1.0"?><service_request><description>${text}</description><service_code>missed-bin</service_code></service_request>`,
    csrf: 'valid',
  }));
  const other = fc.constantFrom(
    { contentType: undefined, payload: '', csrf: 'valid' },
    { contentType: 'application/json', payload: '', csrf: 'valid' },
    { contentType: 'application/json', payload: 'null', csrf: 'valid' },
    { contentType: 'application/json', payload: '{"a":', csrf: 'valid' },
    { contentType: 'text/plain', payload: 'hello\u0000', csrf: 'valid' },
    { contentType: 'multipart/form-data; boundary=x', payload: '--x\r\n', csrf: 'valid' },
    { contentType: 'application/x-www-form-urlencoded', payload: '%', csrf: 'valid' },
    { contentType: 'application/x-www-form-urlencoded', payload: 'a=%ED%A0%80', csrf: 'valid' },
  );
  const fieldNames = [...fields.keys()];
  const large = fc
    .tuple(fieldNames.length > 0 ? fc.constantFrom(...fieldNames) : fc.constant('description'), hugeBody)
    .map(([name, value]) => ({
      contentType: 'application/x-www-form-urlencoded',
      payload: encodePairs([
        ...[...fields]
          .map(([field, values]): [string, string] => [field, [...values][0] ?? ''])
          .filter(([field]) => field !== name),
        [name, value],
      ]),
      csrf: 'valid',
    }));
  const body = fc.oneof(
    { weight: 8, arbitrary: form },
    { weight: 1, arbitrary: large },
    { weight: 3, arbitrary: json },
    { weight: open311 ? 2 : 1, arbitrary: xml },
    { weight: 1, arbitrary: other },
  );
  return fc.tuple(base, body).map(([spec, { contentType, payload, csrf, ...rest }]) => ({
    ...spec,
    method: route.method,
    route: route.url,
    body: {
      contentType,
      payload:
        csrf === 'valid'
          ? withToken(contentType, payload, 'csrfHeader' in rest && rest.csrfHeader)
          : csrf === 'forged'
            ? withToken(contentType, payload, false, 'forged')
            : payload,
      csrfHeader: 'csrfHeader' in rest ? rest.csrfHeader : false,
    },
  }));
}

// The token goes where the body can carry it; a JSON body can carry it in a header instead.
const TOKEN = '\u0001token\u0001';
function withToken(contentType: string | undefined, payload: string, inHeader: boolean, token = TOKEN): string {
  if (contentType === 'application/x-www-form-urlencoded') return `${payload}${payload ? '&' : ''}_csrf=${token}`;
  if (contentType === 'application/json' && !inHeader && payload.startsWith('{') && payload.length > 2)
    return `{"_csrf":"${token}",${payload.slice(1)}`;
  if (contentType === 'application/json' && !inHeader && payload === '{}') return `{"_csrf":"${token}"}`;
  return payload;
}

async function send(spec: RequestSpec, category: keyof typeof counts): Promise<void> {
  const actor = actors.get(spec.who) as Actor;
  const url = spec.query ? `${spec.path}?${spec.query}` : spec.path;
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (spec.body) {
    payload = spec.body.payload.replaceAll(TOKEN, encodeURIComponent(actor.token));
    if (spec.body.contentType) headers['content-type'] = spec.body.contentType;
    if (spec.body.csrfHeader) headers['x-csrf-token'] = actor.token;
  }
  lastError = undefined;
  counts[category] += 1;
  const response = await actor.client.send({ method: spec.method as 'GET', url, headers, payload });
  if (response.statusCode >= 500)
    failures.push({
      category,
      route: `${spec.method} ${spec.route}`,
      request: `${spec.who}: ${describeRequest(spec.method, url, spec.body?.contentType, payload)}`,
      status: response.statusCode,
      error: lastError,
    });
  // A session the fuzzing ended (sign-out, own account disabled, sessions ended): sign in again.
  const signedOut =
    response.statusCode === 303 && /\/(staff|account)\/sign-in/.test(String(response.headers.location ?? ''));
  if (actor.signIn && (signedOut || !actor.client.hasCookie(SESSION_COOKIE))) await actor.signIn();
}

function category(route: string): keyof typeof counts {
  return route.startsWith('/open311/') ? 'open311' : route.startsWith('/api/') ? 'api' : 'pages';
}

async function fuzz(which: keyof typeof counts) {
  if (process.env.FUZZ_DEBUG) {
    for (const route of fuzzableRoutes(app.routeTable))
      console.log(
        route.method,
        route.url,
        JSON.stringify([...queryNamesFor(harvest, patternOf(route.url)).keys()]),
        JSON.stringify([...fieldsFor(route.url).keys()]),
      );
    console.log([...harvest.addresses].length, 'addresses');
    const provider = fuzzableRoutes(app.routeTable).find((route) => route.url.endsWith('/provider'));
    if (provider)
      for (const sample of fc.sample(specFor(provider), { numRuns: 15, seed }))
        console.log('SAMPLE', sample.path, sample.query.slice(0, 150));
  }
  const routes = fuzzableRoutes(app.routeTable).filter((route) => category(route.url) === which);
  expect(routes.length).toBeGreaterThan(0);
  const property = fc.asyncProperty(fc.oneof(...routes.map(specFor)), async (spec) => {
    await send(spec, which);
  });
  await fc.assert(property, { seed, numRuns: runs[which] });
  return routes;
}

function report(which: keyof typeof counts, routes: { method: string; url: string }[]) {
  const mine = failures.filter((failure) => failure.category === which);
  const summary = `${counts[which]} ${which} inputs over ${routes.length} routes, seed ${seed}: ${mine.length} answered 5xx`;
  console.log(summary);
  // One line per route and cause, with one request that shows it.
  const causes = new Map<string, Failure[]>();
  for (const failure of mine) {
    const cause = `${failure.route} — ${(failure.error ?? `status ${failure.status}`).split('\n')[0].replace(/\d+/g, 'N')}`;
    causes.set(cause, [...(causes.get(cause) ?? []), failure]);
  }
  const lines = [...causes].map(([cause, list]) => `${list.length} × ${cause}\n    e.g. ${list[0].request}`);
  expect(mine.length, `${summary} (replay with FUZZ_SEED=${seed})\n${lines.join('\n')}`).toBe(0);
}

describe('fuzzing every route with hostile input', () => {
  it('no page or form answers 5xx', async () => {
    report('pages', await fuzz('pages'));
    expect(await healthy(app)).toBe(true);
  }, 600_000);

  it('no JSON API answer is 5xx', async () => {
    report('api', await fuzz('api'));
    expect(await healthy(app)).toBe(true);
  }, 300_000);

  it('no Open311 answer, XML or JSON, is 5xx', async () => {
    report('open311', await fuzz('open311'));
    expect(await healthy(app)).toBe(true);
  }, 300_000);

  it('leaves the process healthy: pages, a signed-in page and the database still answer', async () => {
    expect(await healthy(app)).toBe(true);
    expect((await app.inject({ url: '/' })).statusCode).toBe(200);
    const staff = actors.get('county') as Actor;
    expect((await staff.client.get('/staff/cases')).statusCode).toBe(200);
    expect(counts.pages + counts.api + counts.open311).toBeGreaterThanOrEqual(10_000);
  });
});
