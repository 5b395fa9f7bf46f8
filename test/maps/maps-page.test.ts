import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { TestClient } from '../support/http.js';
import { privateWords, seedMapRequests, type MapFixture } from './maps-fixtures.js';

/** 3 public open requests in the fixture, and these many more potholes, so the list has 2 pages. */
const EXTRA_POTHOLES = 23;

/** The references in the list's table, in order. */
function listed(html: string): string[] {
  const table = /<table class="govuk-table[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/href="\/track\/([A-Z0-9-]+)"/g)].map((match) => match[1]);
}

function rowOf(html: string, reference: string): string {
  const row = [...html.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].find((match) =>
    match[1].includes(reference),
  );
  return (row?.[1] ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the /map page', () => {
  const context = useTestApp();
  let fixture: MapFixture;
  let client: TestClient;

  beforeAll(async () => {
    fixture = await seedMapRequests(context.database.db, EXTRA_POTHOLES);
    client = new TestClient(context.app);
  });

  it('shows the map’s container, its script under the page’s CSP nonce, and the same requests as a list', async () => {
    const response = await client.get('/map');
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('<title>Problems reported on the map – Derbyshire Partnership</title>');
    expect(html).toContain('data-shirehall-requests-map data-requests-url="/api/v1/maps/requests"');

    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(String(response.headers['content-security-policy']))?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script type="module" nonce="${nonce}" src="/public/maps/requests-map.js"></script>`);
    expect(html).toContain('<link rel="stylesheet" href="/assets/leaflet/leaflet.css">');

    expect(html).toContain('<a class="govuk-link" href="/find-your-council">find your council by postcode</a>');
    expect(html).toMatch(/<h2 class="govuk-heading-m" id="requests" tabindex="-1">26 problems<\/h2>/);
    const firstPage = listed(html);
    expect(firstPage).toHaveLength(20);
    expect(firstPage).not.toContain(fixture.shown.potholeMatlock); // the oldest: on page 2
    for (const reference of Object.values(fixture.hidden)) expect(html).not.toContain(reference);
    for (const word of Object.values(privateWords)) expect(html).not.toContain(word);
    expect(html).not.toContain('Ada');
  });

  it('pages through the list, newest first, keeping the filters on the page links', async () => {
    const first = await client.get('/map');
    const second = await client.get('/map?page=2');
    expect(second.statusCode).toBe(200);
    const secondPage = listed(second.body);
    expect(secondPage).toHaveLength(6);
    expect(secondPage.slice(-3)).toEqual([
      fixture.shown.flyTippingSwadlincote,
      fixture.shown.binDerby,
      fixture.shown.potholeMatlock,
    ]);
    expect(new Set([...listed(first.body), ...secondPage]).size).toBe(26);
    expect(second.body).toContain('Newest first, page 2 of 2');
    expect(first.body).toContain('href="/map?page=2#requests"');
    expect(second.body).toContain('href="/map?page=1#requests"');

    const filtered = await client.get('/map?service_code=pothole&status=open');
    expect(filtered.body).toContain('24 problems match these filters');
    expect(filtered.body).toContain('href="/map?service_code=pothole&amp;status=open&amp;page=2#requests"');
    const filteredSecond = listed((await client.get('/map?service_code=pothole&status=open&page=2')).body);
    expect(filteredSecond).toHaveLength(4);
    expect(filteredSecond.at(-1)).toBe(fixture.shown.potholeMatlock);
  });

  it('shows the last page for a page past the end, and the first for a page that is not a number', async () => {
    expect(listed((await client.get('/map?page=99')).body)).toEqual(listed((await client.get('/map?page=2')).body));
    expect(listed((await client.get('/map?page=first')).body)).toEqual(listed((await client.get('/map')).body));
  });

  it('says for each request its type, status as residents read it, place, who deals with it and day, and links to follow it', async () => {
    const html = (await client.get('/map?page=2')).body;
    // A pothole in Derbyshire Dales is the county's: the list says so, not only where it is.
    expect(rowOf(html, fixture.shown.potholeMatlock)).toBe(
      `${fixture.shown.potholeMatlock} Pothole Received Derbyshire Dales District Council Derbyshire County Council 2 November 2026`,
    );
    expect(rowOf(html, fixture.shown.binDerby)).toBe(
      `${fixture.shown.binDerby} Missed bin collection Acknowledged Derby City Council Derby City Council 2 November 2026`,
    );
    expect(rowOf(html, fixture.shown.flyTippingSwadlincote)).toBe(
      `${fixture.shown.flyTippingSwadlincote} Fly-tipping In progress South Derbyshire District Council South Derbyshire District Council 2 November 2026`,
    );
    expect(html).toContain(
      `<a class="govuk-link" href="/track/${fixture.shown.binDerby}">${fixture.shown.binDerby}</a>`,
    );
    // The link leads to the request's public tracking page.
    const tracking = await client.get(`/track/${fixture.shown.binDerby}`);
    expect(tracking.statusCode).toBe(200);
    expect(tracking.body).toContain(fixture.shown.binDerby);
  });

  it('filters by type and status, showing the choices made and passing them to the map', async () => {
    const response = await client.get('/map?service_code=missed-bin&status=acknowledged&status=in_progress');
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(listed(html)).toEqual([fixture.shown.binDerby]);
    expect(html).toContain('1 problem matches these filters');
    expect(html).toMatch(/<option value="missed-bin" selected>/);
    expect(html).toMatch(/value="acknowledged" checked/);
    expect(html).toMatch(/value="in_progress" checked/);
    expect(html).not.toMatch(/value="open" checked/);
    expect(html).toContain(
      'data-requests-url="/api/v1/maps/requests?service_code=missed-bin&amp;status=acknowledged&amp;status=in_progress"',
    );
    expect(html).toContain('<a class="govuk-link" href="/map">Clear filters</a>');
  });

  it('offers only the kinds of request shown on the map', async () => {
    const html = (await client.get('/map')).body;
    const options = [...html.matchAll(/<option value="([^"]*)"/g)].map((match) => match[1]);
    expect(options).toContain('');
    expect(options).toContain('pothole');
    expect(options).toContain('fly-tipping');
    expect(options).not.toContain('noise');
    expect(options).not.toContain('council-tax-enquiry');
    expect(options).not.toContain('benefits-enquiry');
  });

  it('says when nothing matches', async () => {
    const html = (await client.get('/map?service_code=graffiti')).body;
    expect(html).toContain('0 problems match these filters');
    expect(html).toContain('No problems match these filters.');
    expect(listed(html)).toEqual([]);
  });

  it('shows a kind the map does not show as an error beside the type field, keeping the other choices', async () => {
    const response = await client.get('/map?service_code=council-tax-enquiry&status=open');
    expect(response.statusCode).toBe(400);
    const html = response.body;
    expect(html).toContain('<title>Error: Problems reported on the map – Derbyshire Partnership</title>');
    expect(html).toContain('There is a problem');
    expect(html).toContain('<a href="#service_code">Select a type of problem from the list</a>');
    expect(html).toMatch(
      /<p id="service_code-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Select a type of problem from the list/,
    );
    expect(html).toMatch(/value="open" checked/);
    expect(html).toContain('Correct the filters to see the problems.');
    expect(html).not.toContain('data-shirehall-requests-map');
    expect(html).not.toContain('/public/maps/requests-map.js');
    expect(listed(html)).toEqual([]);
  });

  it('shows a status the map does not show as an error beside the status field', async () => {
    const response = await client.get('/map?status=closed');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<a href="#status">Select statuses from the list</a>');
    expect(response.body).toMatch(/<p id="status-error" class="govuk-error-message">/);
  });

  it('treats a malformed type as an error, never echoing it as markup', async () => {
    const response = await client.get('/map?service_code=%3Cscript%3E');
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('<script>');
    expect(response.body).toContain('Select a type of problem from the list');
  });
});
