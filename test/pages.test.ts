import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.js';

const context = useTestApp();

async function page(url: string) {
  const response = await context.app.inject({ method: 'GET', url });
  return { status: response.statusCode, html: response.body, headers: response.headers };
}

describe('every page', () => {
  it('carries the partnership name, not the crown or Crown copyright, and a nonce-based CSP', async () => {
    const { html, headers } = await page('/');
    expect(html).toContain('Derbyshire Partnership');
    expect(html).not.toContain('govuk-logo');
    expect(html).not.toContain('govuk-footer__crown');
    expect(html).not.toContain('Crown copyright');
    const csp = String(headers['content-security-policy']);
    const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script type="module" nonce="${nonce}">`);
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves styles built without GOV.UK’s own typeface, which is for GOV.UK alone', async () => {
    const { html } = await page('/public/build/govuk-frontend.css');
    expect(html).toContain('font-family:arial,sans-serif');
    expect(html).not.toContain('GDS Transport');
  });

  it('serves the GOV.UK Frontend styles, script and images from the project', async () => {
    for (const asset of [
      '/public/build/govuk-frontend.css',
      '/assets/govuk-frontend.min.js',
      '/assets/images/favicon.ico',
      '/public/shirehall.css',
    ]) {
      expect((await page(asset)).status, asset).toBe(200);
    }
  });
});

describe('home', () => {
  it('offers a service search and a postcode search', async () => {
    const { status, html } = await page('/');
    expect(status).toBe(200);
    expect(html).toContain('<form method="get" action="/services"');
    expect(html).toContain('<form method="get" action="/find-your-council"');
  });
});

describe('A to Z', () => {
  it('lists every service under letter headings with letter navigation', async () => {
    const { html } = await page('/services');
    expect(html).toContain('href="#letter-B"');
    expect(html).toContain('id="letter-B"');
    expect(html).toContain('href="/services/bereavement-service"');
    expect(html.match(/href="\/services\/[^"]+"/g)).toHaveLength(117);
  });

  it('lists the services GOV.UK no longer lists only when asked', async () => {
    const { html } = await page('/services?all=yes');
    expect(html.match(/href="\/services\/[^"]+"/g)).toHaveLength(276);
    expect(html).toContain('Show current services only');
  });

  it('finds services by the words residents use', async () => {
    const { html } = await page('/services?q=bins');
    expect(html).toContain('5 services match ‘bins’');
    expect(html).toContain('href="/services/find-out-which-day-the-refuse-is-collected"');
  });

  it('searches by every word typed', async () => {
    const { html } = await page('/services?q=refuse+collected');
    expect(html).toContain('1 service matches ‘refuse collected’');
    expect(html).toContain('Find out which day the refuse is collected');
  });

  it('says when nothing matches', async () => {
    const { html } = await page('/services?q=zzzzzz');
    expect(html).toContain('No services match your search');
  });

  it('reads a word that names a property of every JavaScript object as a word', async () => {
    for (const word of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { status, html } = await page(`/services?q=${word}`);
      expect(status, word).toBe(200);
      expect(html).toContain('No services match your search');
    }
  });

  it('shows an error beside the search box for an over-long search', async () => {
    const { status, html } = await page(`/services?q=${'a'.repeat(101)}`);
    expect(status).toBe(400);
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('href="#q"');
    expect(html).toContain('Search for 100 characters or fewer');
    expect(html).toContain('<title>Error: ');
  });
});

describe('service page', () => {
  it('explains which tier provides the service and asks for a postcode', async () => {
    const { status, html } = await page('/services/educating-your-child-at-home');
    expect(status).toBe(200);
    expect(html).toContain('Your county council provides this service');
    expect(html).toContain('name="postcode"');
  });

  it('names the provider for a postcode, with its page for the service', async () => {
    const { html } = await page('/services/find-out-which-day-the-refuse-is-collected?postcode=de43ag');
    expect(html).toContain('In DE4 3AG this is provided by Derbyshire Dales District Council.');
    expect(html).toContain(
      'href="http://www.derbyshiredales.gov.uk/environment-and-waste/bins-recycling/missed-collections"',
    );
  });

  it('names the county for a county service', async () => {
    const { html } = await page('/services/educating-your-child-at-home?postcode=DE4+3AG');
    expect(html).toContain('In DE4 3AG this is provided by Derbyshire County Council.');
    expect(html).toContain('Go to Derbyshire County Council’s website');
  });

  it('says when the provider is not a member of the partnership', async () => {
    const { html } = await page('/services/educating-your-child-at-home?postcode=DE14+1AA');
    expect(html).toContain('In DE14 1AA this is provided by Staffordshire County Council.');
    expect(html).toContain('Staffordshire County Council is not a member of the Derbyshire Partnership');
  });

  it.each([
    ['', 400, 'Enter a postcode'],
    ['hello', 400, 'Enter a real postcode, like DE4 3AG'],
    ['ZZ9+9ZZ', 404, 'ZZ9 9ZZ is not in our list of postcodes'],
  ])('shows the error summary and the message beside the field for %j', async (postcode, status, message) => {
    const result = await page(`/services/educating-your-child-at-home?postcode=${postcode}`);
    expect(result.status).toBe(status);
    expect(result.html).toContain('There is a problem');
    expect(result.html).toContain('href="#postcode"');
    expect(result.html).toMatch(
      new RegExp(`govuk-error-message">\\s*<span class="govuk-visually-hidden">Error:</span> ${message}`),
    );
    expect(result.html).toContain('govuk-input--error');
  });

  it('answers 404 for a service that does not exist', async () => {
    const { status, html } = await page('/services/no-such-service');
    expect(status).toBe(404);
    expect(html).toContain('Page not found');
  });
});

describe('find your council', () => {
  it('explains a two-tier place', async () => {
    const { html } = await page('/find-your-council?postcode=de43ag');
    expect(html).toContain(
      'DE4 3AG is served by 2 councils: Derbyshire Dales District Council and Derbyshire County Council.',
    );
  });

  it('explains a unitary place', async () => {
    const { html } = await page('/find-your-council?postcode=DE1+0AL');
    expect(html).toContain('Derby City Council provides all council services in DE1 0AL.');
  });

  it('says when the councils are not members', async () => {
    const { html } = await page('/find-your-council?postcode=DE14+1AA');
    expect(html).toContain('These councils are not members of the Derbyshire Partnership');
  });

  it('keeps what was typed when it is wrong', async () => {
    const { status, html } = await page('/find-your-council?postcode=hello');
    expect(status).toBe(400);
    expect(html).toContain('value="hello"');
    expect(html).toContain('Enter a real postcode, like DE4 3AG');
  });
});

describe('errors', () => {
  it('shows a GOV.UK 404 page', async () => {
    const { status, html } = await page('/no-such-page');
    expect(status).toBe(404);
    expect(html).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
  });
});
