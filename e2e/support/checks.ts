import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * WCAG 2.0, 2.1 and 2.2 at levels A and AA, what public sector bodies must meet, and axe's best
 * practices (all content in landmarks, one main, headings in order), which assessors also check.
 */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** Pages opened with JavaScript turned off; `useBrowserApp().newPage` adds them. */
export const pagesWithoutJavaScript = new WeakSet<Page>();

/**
 * Runs axe on the page as it is now and expects no violations. `state` names what is on screen
 * ("service page, empty postcode error") so that a failure says where to look.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const results = pagesWithoutJavaScript.has(page) ? await auditCopyOf(page) : await audit(page);
  expect(results.passes.length, `axe checked nothing on "${state}": is the page empty?`).toBeGreaterThan(10);
  const violations = results.violations.map((violation) => {
    const nodes = violation.nodes.map(
      (node) => `    ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ') ?? ''}`,
    );
    return `  ${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}\n${nodes.join('\n')}`;
  });
  expect(
    violations,
    `axe found accessibility violations on "${state}" (${page.url()}):\n${violations.join('\n')}`,
  ).toEqual([]);
}

function audit(page: Page): Promise<AxeResults> {
  return new AxeBuilder({ page }).withTags(axeTags).analyze();
}

/**
 * axe cannot run in a page whose JavaScript is turned off (its timers never fire, so it waits for
 * ever). So it checks a copy: the page's DOM as it is now, served at the same address, with the
 * real stylesheets and fonts, in a page where JavaScript runs but a Content Security Policy of
 * `script-src 'none'` stops the page's own scripts from enhancing it as they would with JavaScript on.
 */
async function auditCopyOf(page: Page): Promise<AxeResults> {
  const html = await page.content();
  const address = new URL(page.url());
  address.hash = '';
  const browser = page.context().browser();
  if (!browser) throw new Error('The page has no browser to check a copy of it in');
  const context = await browser.newContext({ viewport: page.viewportSize(), locale: 'en-GB' });
  try {
    const copy = await context.newPage();
    await copy.route(
      (url) => url.href === address.href,
      (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html; charset=utf-8',
          headers: { 'content-security-policy': "script-src 'none'" },
          body: html,
        }),
    );
    await copy.goto(page.url());
    const enhanced = await copy.evaluate(() => document.body.classList.contains('govuk-frontend-supported'));
    if (enhanced)
      throw new Error('The copy of a page without JavaScript ran its scripts, so axe would check the wrong page');
    return await audit(copy);
  } finally {
    await context.close();
  }
}

export interface PageProblems {
  /** Console errors and warnings, including Chromium's reports of Content Security Policy blocks. */
  console: string[];
  /** `securitypolicyviolation` events: anything the Content Security Policy blocked. */
  cspViolations: string[];
  /** Requests that failed outright (blocked, refused, aborted). */
  failedRequests: string[];
  /** Assets (anything but the page itself) that answered with an error status. */
  failedAssets: string[];
  /** Uncaught exceptions in the page's scripts. */
  pageErrors: string[];
}

/**
 * Records everything that goes wrong while the page loads. Call before the first `goto`. The
 * `securitypolicyviolation` listener is added by the browser, which the page's own policy does
 * not govern, so it sees every block even if Chromium changes how it words console messages.
 */
export async function watchForProblems(page: Page): Promise<PageProblems> {
  const problems: PageProblems = {
    console: [],
    cspViolations: [],
    failedRequests: [],
    failedAssets: [],
    pageErrors: [],
  };
  await page.exposeBinding('__shirehallReportCsp', (_source, report: string) => {
    problems.cspViolations.push(report);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      // An exposed binding returns a promise in the page. Not awaited in an event listener: it can fail
      // only as the page closes, when there is nothing left to report to.
      const report = (window as unknown as { __shirehallReportCsp: (report: string) => Promise<void> })
        .__shirehallReportCsp;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline content'}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) => {
    // The browser cancels the favicon's fetch when a form post or link leaves the page before it
    // arrives (seen under load): that is the browser moving on, not a request the page lost.
    if (
      request.failure()?.errorText === 'net::ERR_ABORTED' &&
      new URL(request.url()).pathname === '/assets/images/favicon.svg'
    )
      return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      problems.failedAssets.push(`${response.status()} ${response.url()}`);
    }
  });
  return problems;
}

export const screenshotFolder = '/tmp/shirehall-shots';

/** Saves a full-page screenshot outside the repository, for a person to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotFolder, { recursive: true });
  const file = path.join(screenshotFolder, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
