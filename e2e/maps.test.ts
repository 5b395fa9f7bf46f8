import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { testConfig } from '../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { seedMapRequests, type MapFixture } from '../test/maps/maps-fixtures.js';
import { journeyTimeout } from './support/app.js';
import { describeInBrowser, launchBrowser } from './support/browser.js';
import {
  expectAccessible,
  pagesWithoutJavaScript,
  saveScreenshot,
  watchForProblems,
  type PageProblems,
} from './support/checks.js';
import { goesTo, heading, textOf } from './support/pages.js';

/** The public open requests in the fixture: 3, and 23 more potholes in one street of Swadlincote. */
const EXTRA_POTHOLES = 23;
const SHOWN = 3 + EXTRA_POTHOLES;
/** Where DE4 3AG is, in the postcode table. */
const DE4_3AG = { latitude: 53.142757, longitude: -1.551885 };

function expectCleanLoad(problems: PageProblems): void {
  expect(problems.cspViolations, 'Content Security Policy violations').toEqual([]);
  expect(problems.failedRequests, 'failed requests').toEqual([]);
  expect(problems.failedAssets, 'assets that answered with an error').toEqual([]);
  expect(problems.pageErrors, 'uncaught script errors').toEqual([]);
  expect(problems.console, 'console errors and warnings').toEqual([]);
}

/**
 * A page of the kind other parts of the site render (the report journey's "where" step, the staff
 * case page), with the real Content Security Policy of the app around it. Registered only here.
 */
function testPage(title: string, body: string, script: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" sizes="48x48" href="/assets/images/favicon.ico">
<link rel="stylesheet" href="/public/build/govuk-frontend.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">${body}</div></div></main></div>
<script type="module" nonce="${nonce}" src="/public/maps/${script}.js"></script></body></html>`;
}

function registerTestPages(app: FastifyInstance): void {
  app.get<{ Querystring: { postcode?: string; latitude?: string; longitude?: string } }>(
    '/test-only/where',
    (request, reply) => {
      const postcode = request.query.postcode ?? 'DE4 3AG';
      const body = `<h1 class="govuk-heading-l">Where is the problem?</h1>
<form method="get" action="/test-only/where" novalidate>
  <div class="govuk-form-group"><label class="govuk-label" for="postcode">Postcode</label>
    <input class="govuk-input govuk-input--width-10" id="postcode" name="postcode" value="${postcode}"></div>
  <div data-shirehall-location-picker>
    <input type="hidden" name="latitude" value="${request.query.latitude ?? ''}">
    <input type="hidden" name="longitude" value="${request.query.longitude ?? ''}">
  </div>
  <button type="submit" class="govuk-button">Continue</button>
</form>`;
      return reply
        .type('text/html; charset=utf-8')
        .send(testPage('Where is the problem?', body, 'location-picker', reply.cspNonce.script));
    },
  );
  app.get('/test-only/case', (_request, reply) => {
    const body = `<h1 class="govuk-heading-l">DBY-2026-000001</h1>
<h2 class="govuk-heading-m">Location</h2>
<div data-shirehall-map data-latitude="52.915040" data-longitude="-1.466139"><p class="govuk-body">DE1 0AL: outside the library</p></div>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(testPage('Case DBY-2026-000001', body, 'case-map', reply.cspNonce.script));
  });
}

describeInBrowser('Derbyshire Maps', () => {
  let app: FastifyInstance | undefined;
  /** The same app with a tile server configured, and that tile server: both on this machine. */
  let tiledApp: FastifyInstance | undefined;
  let tileServer: Server | undefined;
  let tiledBaseUrl = '';
  const tilesServed: string[] = [];
  let database: TestDatabase | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  let fixture: MapFixture;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const [db, launched] = await Promise.allSettled([createTestDatabase(), launchBrowser()]);
    if (db.status === 'fulfilled') database = db.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (db.status === 'rejected') throw db.reason;
    if (launched.status === 'rejected') throw launched.reason;
    fixture = await seedMapRequests(db.value.db, EXTRA_POTHOLES);
    app = await buildApp({ config: testConfig(), db: db.value.db });
    registerTestPages(app);
    baseUrl = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');

    // Any PNG will do for a tile.
    const tile = readFileSync(new URL('../node_modules/leaflet/dist/images/marker-icon.png', import.meta.url));
    tileServer = createServer((request, response) => {
      tilesServed.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/png' }).end(tile);
    });
    await new Promise<void>((resolve) => tileServer!.listen(0, '127.0.0.1', resolve));
    const tilePort = (tileServer.address() as AddressInfo).port;
    const mapTiles = loadConfig({
      MAP_TILE_URL: `http://127.0.0.1:${tilePort}/tiles/{z}/{x}/{y}.png`,
      MAP_TILE_ATTRIBUTION: 'Test tiles',
    }).mapTiles;
    tiledApp = await buildApp({ config: testConfig({ mapTiles }), db: db.value.db });
    tiledBaseUrl = (await tiledApp.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
  }, 120_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await tiledApp?.close();
    await new Promise((resolve) => (tileServer ? tileServer.close(resolve) : resolve(undefined)));
    await app?.close();
    await database?.destroy();
  });

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    if (!browser) throw new Error('The browser did not start');
    const context = await browser.newContext({
      baseURL: baseUrl,
      locale: 'en-GB',
      viewport: { width: 1100, height: 900 },
      ...options,
    });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    if (options.javaScriptEnabled === false) pagesWithoutJavaScript.add(page);
    return page;
  }

  const mapReady = (page: Page, selector: string) =>
    page.locator(`${selector}[data-map-state="ready"]`).waitFor({ state: 'attached' });

  /** How many requests the markers stand for: each dot one, each group its number. */
  async function requestsOnMap(page: Page): Promise<{ points: number; groups: number[] }> {
    const points = await page.locator('.shirehall-map__point').count();
    const groups = (await page.locator('.shirehall-map__cluster').allInnerTexts()).map(Number);
    return { points, groups };
  }

  /** WCAG 2.2 target size (2.5.8): every marker at least 24 pixels square, and none over another. */
  async function expectMarkersApart(page: Page): Promise<void> {
    const boxes = await page
      .locator('.shirehall-map__point, .shirehall-map__cluster')
      .evaluateAll((markers) => markers.map((marker) => marker.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length, 'no markers to measure').toBeGreaterThan(0);
    for (const [i, box] of boxes.entries()) {
      expect(Math.min(box.width, box.height), 'a marker is smaller than 24 pixels').toBeGreaterThanOrEqual(24);
      for (const other of boxes.slice(i + 1)) {
        const overlap =
          box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
        expect(overlap, `markers at ${box.left},${box.top} and ${other.left},${other.top} overlap`).toBe(false);
      }
    }
  }

  it(
    'draws the council boundaries and the requests, grouped, with nothing blocked by the CSP',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      const origins = new Set<string>();
      page.on('request', (request) => origins.add(new URL(request.url()).origin));
      await page.goto('/map');
      expect(await heading(page)).toBe('Problems reported on the map');
      await mapReady(page, '[data-shirehall-requests-map]');

      // 9 districts and unitaries and the county, each an SVG path.
      expect(await page.locator('.leaflet-overlay-pane svg path.shirehall-map__area').count()).toBe(9);
      expect(await page.locator('.leaflet-overlay-pane svg path.shirehall-map__county').count()).toBe(1);
      // No tile server is configured: no tiles, the plain background.
      expect(await page.locator('.leaflet-tile').count()).toBe(0);
      expect(await page.locator('.shirehall-map__canvas--plain').count()).toBe(1);

      const { points, groups } = await requestsOnMap(page);
      expect(groups.length, 'the 24 requests in Swadlincote are grouped at this zoom').toBeGreaterThan(0);
      expect(Math.max(...groups)).toBeGreaterThanOrEqual(EXTRA_POTHOLES);
      expect(points + groups.reduce((sum, count) => sum + count, 0)).toBe(SHOWN);
      expect(await page.locator('.shirehall-map__cluster').first().getAttribute('aria-label')).toMatch(
        /^\d+ problems close together: select to zoom in$/,
      );

      expect([...origins], 'everything comes from the site itself').toEqual([baseUrl]);
      await expectAccessible(page, 'map page with its map');
      await expectMarkersApart(page);
      await saveScreenshot(page, 'maps-page');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'draws tiles from the configured tile server, which the CSP lets through, and from nowhere else',
    async () => {
      const page = await newPage({ baseURL: tiledBaseUrl });
      const problems = await watchForProblems(page);
      const origins = new Set<string>();
      page.on('request', (request) => origins.add(new URL(request.url()).origin));
      await page.goto('/map');
      await mapReady(page, '[data-shirehall-requests-map]');
      await expect.poll(() => page.locator('.leaflet-tile-loaded').count()).toBeGreaterThan(0);
      expect(tilesServed.length).toBeGreaterThan(0);
      expect(tilesServed[0]).toMatch(/^\/tiles\/\d+\/\d+\/\d+\.png$/);
      expect(await page.locator('.shirehall-map__canvas--plain').count()).toBe(0);
      expect(await textOf(page.locator('.leaflet-control-attribution'))).toContain('Test tiles');
      expect(await page.locator('.leaflet-overlay-pane svg path').count()).toBe(10);
      const tileOrigin = new URL(tiledBaseUrl.replace(/:\d+$/, '')).origin;
      expect(
        [...origins].every((origin) => origin.startsWith(tileOrigin)),
        [...origins].join(', '),
      ).toBe(true);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'zooms into a group when it is selected, by mouse or keyboard, and opens a request’s popup with a link to follow it',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      await page.goto('/map');
      const container = page.locator('[data-shirehall-requests-map]');
      await mapReady(page, '[data-shirehall-requests-map]');
      const startZoom = Number(await container.getAttribute('data-zoom'));

      // The biggest group, by keyboard: it is a button that takes focus.
      const biggest = page.locator('.shirehall-map__cluster', { hasText: /^\d{2}$/ }).first();
      await biggest.focus();
      await page.keyboard.press('Enter');
      await expect.poll(async () => Number(await container.getAttribute('data-zoom'))).toBeGreaterThan(startZoom);
      await expectMarkersApart(page);

      // Groups that cannot be split by zooming (the potholes share a postcode) list their requests.
      for (let step = 0; step < 12 && (await page.locator('.leaflet-popup').count()) === 0; step++) {
        const group = page.locator('.shirehall-map__cluster').first();
        if ((await group.count()) === 0) break;
        await group.click();
        await page.waitForTimeout(400);
      }
      const popup = page.locator('.leaflet-popup-content');
      expect(await textOf(popup)).toMatch(/^\d+ problems here/);
      const follow = popup.getByRole('link').first();
      expect(await follow.getAttribute('href')).toMatch(/^\/track\/DBY-2026-\d{6}$/);

      // A single request's popup.
      await page.goto('/map?service_code=missed-bin');
      await mapReady(page, '[data-shirehall-requests-map]');
      await page.locator('.shirehall-map__point').click();
      // Leaflet fades a popup in; axe would measure the colours half-way.
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.leaflet-popup')!).opacity === '1');
      expect(await textOf(page.locator('.leaflet-popup-content'))).toBe(
        `Missed bin collection Acknowledged, reported 2 November 2026 Follow ${fixture.shown.binDerby}`,
      );
      expect(
        await page
          .locator('.leaflet-popup')
          .getByRole('link', { name: `Follow ${fixture.shown.binDerby}` })
          .getAttribute('href'),
      ).toBe(`/track/${fixture.shown.binDerby}`);
      await expectAccessible(page, 'map page, a request’s popup open');
      await goesTo(page, `/track/${fixture.shown.binDerby}`, () =>
        page
          .locator('.leaflet-popup')
          .getByRole('link', { name: `Follow ${fixture.shown.binDerby}` })
          .click(),
      );
      expect(await heading(page)).toBe('Missed bin collection');
      expect(await textOf(page.locator('main'))).toContain(fixture.shown.binDerby);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'filters the map and the list with the form',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      await page.goto('/map');
      await mapReady(page, '[data-shirehall-requests-map]');
      await page.getByLabel('Type of problem').selectOption({ label: 'Fly-tipping' });
      await page.getByLabel('In progress').check();
      await goesTo(page, '/map?service_code=fly-tipping&status=in_progress', () =>
        page.getByRole('button', { name: 'Apply filters' }).click(),
      );
      await mapReady(page, '[data-shirehall-requests-map]');
      expect(await requestsOnMap(page)).toEqual({ points: 1, groups: [] });
      expect(await textOf(page.locator('#requests'))).toBe('1 problem matches these filters');
      expect(await page.locator('table tbody tr').count()).toBe(1);
      expect(await textOf(page.locator('table tbody tr'))).toContain(fixture.shown.flyTippingSwadlincote);
      await expectAccessible(page, 'map page, filtered');

      await goesTo(page, '/map', () => page.getByRole('link', { name: 'Clear filters' }).click());
      await mapReady(page, '[data-shirehall-requests-map]');
      const { points, groups } = await requestsOnMap(page);
      expect(points + groups.reduce((sum, count) => sum + count, 0)).toBe(SHOWN);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'works without JavaScript: no map, the list with its pages, and the filters',
    async () => {
      const page = await newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await page.goto('/map');
      expect(await page.locator('[data-shirehall-requests-map]').evaluate((element) => element.childElementCount)).toBe(
        0,
      );
      expect(
        await page
          .locator('[data-shirehall-requests-map]')
          .evaluate((element) => element.getBoundingClientRect().height),
      ).toBe(0);
      expect(await page.locator('table tbody tr').count()).toBe(20);
      expect(await page.getByRole('link', { name: 'find your council by postcode' }).getAttribute('href')).toBe(
        '/find-your-council',
      );
      await expectAccessible(page, 'map page without JavaScript');

      await goesTo(page, '/map?page=2', () =>
        page.getByRole('navigation', { name: 'Pages of requests' }).getByRole('link', { name: 'Next' }).click(),
      );
      expect(await page.locator('table tbody tr').count()).toBe(SHOWN - 20);

      await page.getByLabel('Type of problem').selectOption({ label: 'Missed bin collection' });
      await goesTo(page, '/map?service_code=missed-bin', () =>
        page.getByRole('button', { name: 'Apply filters' }).click(),
      );
      expect(await page.locator('table tbody tr').count()).toBe(1);
      expect(await textOf(page.locator('table tbody tr'))).toBe(
        `${fixture.shown.binDerby} Missed bin collection Acknowledged Derby City Council Derby City Council 2 November 2026`,
      );
      expect(problems.cspViolations).toEqual([]);
      expect(problems.failedAssets).toEqual([]);
    },
    journeyTimeout,
  );

  it(
    'shows a filter error in the GOV.UK way',
    async () => {
      const page = await newPage();
      await page.goto('/map?service_code=council-tax-enquiry');
      expect(await page.title()).toMatch(/^Error: /);
      expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Select a type of problem from the list');
      await page.locator('.govuk-error-summary').getByRole('link').click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('service_code');
      await expectAccessible(page, 'map page, filter error');
    },
    journeyTimeout,
  );

  it(
    'lets a resident put the pin with the mouse, filling in the hidden latitude and longitude',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      await page.goto('/test-only/where');
      await mapReady(page, '[data-shirehall-location-picker]');
      expect(await textOf(page.locator('[data-shirehall-location-picker] p').first())).toContain(
        'press Enter to put the pin at the centre of the map',
      );
      const latitude = page.locator('input[name="latitude"]');
      const longitude = page.locator('input[name="longitude"]');
      expect(await latitude.inputValue()).toBe('');

      // The map starts at the postcode typed; a click right of the centre puts the pin east of it.
      const map = page.getByRole('region', { name: 'Map for choosing where the problem is' });
      const box = (await map.boundingBox())!;
      await map.click({ position: { x: box.width / 2 + 100, y: box.height / 2 } });
      await expect.poll(() => latitude.inputValue()).not.toBe('');
      const [lat, lng] = [Number(await latitude.inputValue()), Number(await longitude.inputValue())];
      expect(lat).toBeCloseTo(DE4_3AG.latitude, 2);
      expect(lng).toBeGreaterThan(DE4_3AG.longitude);
      expect(lng - DE4_3AG.longitude).toBeLessThan(0.01);
      await expect
        .poll(() => textOf(page.getByRole('status')))
        .toBe(`The pin is on the map in Derbyshire Dales District Council, at latitude ${lat} and longitude ${lng}.`);
      expect(await page.locator('.leaflet-marker-icon').count()).toBe(1);
      await expectAccessible(page, 'location picker, pin put');
      await saveScreenshot(page, 'maps-location-picker');

      // The values go with the form.
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/latitude=/);
      const sent = new URL(page.url()).searchParams;
      expect([sent.get('latitude'), sent.get('longitude')]).toEqual([String(lat), String(lng)]);
      // Coming back to the step, the pin is where it was.
      await mapReady(page, '[data-shirehall-location-picker]');
      expect(await page.locator('.leaflet-marker-icon').count()).toBe(1);

      await page.getByRole('button', { name: 'Remove the pin' }).click();
      expect(await latitude.inputValue()).toBe('');
      expect(await page.locator('.leaflet-marker-icon').count()).toBe(0);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'lets a resident put the pin by keyboard: arrow keys move the map, Enter puts the pin at the centre',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      await page.goto('/test-only/where');
      await mapReady(page, '[data-shirehall-location-picker]');
      const latitude = page.locator('input[name="latitude"]');
      const longitude = page.locator('input[name="longitude"]');

      // Tab from the postcode field reaches the map (after nothing else that takes focus).
      await page.getByLabel('Postcode').focus();
      await page.keyboard.press('Tab');
      const mapHasFocus = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
      expect(await mapHasFocus()).toBe('Map for choosing where the problem is');
      expect(await page.locator('.shirehall-map__crosshair').isVisible(), 'the cross marks the centre').toBe(true);

      await page.keyboard.press('Enter');
      await expect.poll(() => latitude.inputValue()).not.toBe('');
      expect(Number(await latitude.inputValue())).toBeCloseTo(DE4_3AG.latitude, 3);
      expect(Number(await longitude.inputValue())).toBeCloseTo(DE4_3AG.longitude, 3);

      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('ArrowUp');
        await page.waitForTimeout(300);
      }
      await page.keyboard.press('Enter');
      await expect.poll(async () => Number(await latitude.inputValue())).toBeGreaterThan(DE4_3AG.latitude + 0.0005);
      expect(Number(await longitude.inputValue())).toBeCloseTo(DE4_3AG.longitude, 3);
      await expectAccessible(page, 'location picker, pin put by keyboard');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'puts the pin on the report journey’s own “where” page, under its CSP',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      await page.goto('/report');
      await page.getByRole('radio', { name: 'Pothole' }).check();
      await goesTo(page, '/report/where', () => page.getByRole('button', { name: 'Continue' }).click());
      await mapReady(page, '[data-shirehall-location-picker]');
      const map = page.getByRole('region', { name: 'Map for choosing where the problem is' });
      const box = (await map.boundingBox())!;
      await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
      await expect.poll(() => page.locator('input[name="latitude"]').inputValue()).not.toBe('');
      const [lat, lng] = [
        Number(await page.locator('input[name="latitude"]').inputValue()),
        Number(await page.locator('input[name="longitude"]').inputValue()),
      ];
      // With no postcode typed the map shows the whole partnership: its middle is in Derbyshire.
      expect(lat).toBeGreaterThan(52.7);
      expect(lat).toBeLessThan(53.5);
      expect(lng).toBeGreaterThan(-2.0);
      expect(lng).toBeLessThan(-1.2);
      await expect
        .poll(() => textOf(page.locator('[data-shirehall-location-picker] [role="status"]')))
        .toMatch(/^The pin is on the map in .+, at latitude /);
      await expectAccessible(page, 'report journey, where, pin put');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'shows nothing of the picker without JavaScript, leaving the postcode to do the job',
    async () => {
      const page = await newPage({ javaScriptEnabled: false });
      await page.goto('/test-only/where');
      expect(
        await page
          .locator('[data-shirehall-location-picker]')
          .evaluate((element) => element.getBoundingClientRect().height),
      ).toBe(0);
      expect(await page.locator('.leaflet-container').count()).toBe(0);
      expect(await page.getByLabel('Postcode').inputValue()).toBe('DE4 3AG');
    },
    journeyTimeout,
  );

  it(
    'shows a case’s place on a small map with one marker, keeping the place in words',
    async () => {
      const page = await newPage();
      const problems = await watchForProblems(page);
      await page.goto('/test-only/case');
      await mapReady(page, '[data-shirehall-map]');
      expect(await page.locator('[data-shirehall-map] .leaflet-marker-icon').count()).toBe(1);
      expect(await page.locator('[data-shirehall-map] svg path').count()).toBeGreaterThan(0);
      expect(await textOf(page.locator('[data-shirehall-map] p').first())).toBe('DE1 0AL: outside the library');
      await expectAccessible(page, 'case map');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );
});
