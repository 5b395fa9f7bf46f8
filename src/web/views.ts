import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const sourceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** govuk-frontend's templates, found by module resolution so the working directory does not matter. */
export const govukFrontendRoot = path.dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json'));

/**
 * Templates are named from src/modules (`places/views/find-your-council.njk`) or from src/web/views
 * (`layout.njk`); govuk-frontend's macros from its dist folder (`govuk/components/...`).
 */
export function createViewEnvironment(): nunjucks.Environment {
  const environment = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(sourceRoot, 'web/views'), path.join(sourceRoot, 'modules'), path.join(govukFrontendRoot, 'dist')],
      { noCache: process.env.NODE_ENV !== 'production' },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  environment.addFilter('formatNumber', (value: number) => value.toLocaleString('en-GB'));
  environment.addFilter('date', formatDateTime);
  environment.addFilter('day', formatDay);
  environment.addFilter('flatten', (value: unknown[]) => value.flat());
  return environment;
}

/** "26 November 2026 at 9:41am", in UK time, as the GOV.UK style guide writes dates and times. */
export function formatDateTime(value: Date | string): string {
  const date = new Date(value);
  const day = formatDay(date);
  const time = date
    .toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' })
    .replace(' ', '')
    .toLowerCase();
  return `${day} at ${time}`;
}

/** "26 November 2026". */
export function formatDay(value: Date | string): string {
  return new Date(value).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
}
