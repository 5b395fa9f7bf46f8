import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Text as a person reads it: runs of whitespace (line breaks, tabs between table cells) made one space. */
export function normalise(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** The visible text of an element, once it is on the page. */
export async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor({ state: 'visible' });
  return normalise(await locator.first().innerText());
}

/** The visible text of the page's main content, without the header, navigation and footer. */
export function mainText(page: Page): Promise<string> {
  return textOf(page.locator('main'));
}

export function heading(page: Page): Promise<string> {
  return textOf(page.getByRole('heading', { level: 1 }));
}

/** The path and query of the page's address, such as `/services?q=bins`. */
export function addressOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/**
 * Does something that loads a new page (a click, Enter in a form) and waits until the browser has
 * loaded `expected` (a path and query, as the browser writes it: spaces in a GET form become `+`).
 */
export async function goesTo(page: Page, expected: string, action: () => Promise<unknown>): Promise<void> {
  const before = page.url();
  await Promise.all([
    page.waitForURL((url) => url.href !== before && url.pathname + url.search === expected, { waitUntil: 'load' }),
    action(),
  ]);
  expect(addressOf(page)).toBe(expected);
}

/** The id of the element that has focus, or its tag name when it has no id. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    return element.id || element.tagName.toLowerCase();
  });
}

/**
 * A GOV.UK form error on the postcode field: "Error: " before the page title, the error summary
 * "There is a problem" linking to #postcode, and the same message beside the field, which keeps
 * what was typed.
 */
export async function expectPostcodeError(page: Page, message: string, typed: string): Promise<void> {
  expect(await page.title()).toMatch(/^Error: /);
  const summary = page.locator('.govuk-error-summary');
  expect(await textOf(summary.getByRole('heading'))).toBe('There is a problem');
  const link = summary.getByRole('link');
  expect(await link.count()).toBe(1);
  expect(await textOf(link)).toBe(message);
  expect(await link.getAttribute('href')).toBe('#postcode');

  const field = page.getByRole('textbox', { name: /postcode/i });
  expect(await field.getAttribute('id')).toBe('postcode');
  expect(await field.inputValue()).toBe(typed);
  expect(await textOf(page.locator('#postcode-error'))).toBe(`Error: ${message}`);
  expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('postcode-error');
}

/**
 * With JavaScript, GOV.UK Frontend moves focus to the error summary when the page loads, and its
 * links move focus to the field they name.
 */
export async function expectErrorSummaryMovesFocus(page: Page, fieldId = 'postcode'): Promise<void> {
  const summaryHasFocus = await page.evaluate(
    () => document.activeElement?.classList.contains('govuk-error-summary') ?? false,
  );
  expect(summaryHasFocus, 'the error summary has focus when the page loads').toBe(true);
  await page.locator('.govuk-error-summary').getByRole('link').click();
  expect(await focused(page)).toBe(fieldId);
}

/** Does something that loads a new page and waits for it (a form post ends on another address after its redirect). */
export async function loads(page: Page, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), action()]);
}

/** Signs in at the staff sign-in page as a person would, and checks it lands on `next`. */
export async function signInAsStaff(page: Page, email: string, password: string, next = '/staff'): Promise<void> {
  await page.goto(`/staff/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByRole('textbox', { name: 'Email address' }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await loads(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  expect(new URL(page.url()).pathname).toBe(next);
}
