import { createRequire } from 'node:module';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { formatDateTime, formatDay } from '../shared/dates.js';
import { sourceFolder } from '../shared/project-root.js';

/** govuk-frontend's templates, found by module resolution so the working directory does not matter. */
export const govukFrontendRoot = path.dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json'));

/**
 * Templates are named from src/modules (`places/views/find-your-council.njk`) or from src/web/views
 * (`layout.njk`); govuk-frontend's macros from its dist folder (`govuk/components/...`).
 */
/**
 * The file loader, remembering where each relative name (GOV.UK's `./template.njk`) points from
 * each template: Nunjucks resolves the path again on every include of every render.
 */
class TemplateLoader extends nunjucks.FileSystemLoader {
  private readonly resolved = new Map<string, string>();

  override resolve(from: string, to: string): string {
    const key = `${from}\0${to}`;
    let target = this.resolved.get(key);
    if (target === undefined) {
      target = path.resolve(path.dirname(from), to);
      this.resolved.set(key, target);
    }
    return target;
  }
}

const wholeNumber = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 });

export function createViewEnvironment({
  reloadTemplates = false,
}: { reloadTemplates?: boolean } = {}): nunjucks.Environment {
  const environment = new nunjucks.Environment(
    new TemplateLoader(
      [path.join(sourceFolder, 'web/views'), path.join(sourceFolder, 'modules'), path.join(govukFrontendRoot, 'dist')],
      // Compiled once and kept: recompiling every page, layout and macro per request cost up to
      // three quarters of a page's CPU. RELOAD_TEMPLATES=true reloads them while editing views.
      { noCache: reloadTemplates },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  // Nunjucks trims with /^\s*|\s*$/g, which GOV.UK's macros call on every attribute: an eighth of a page's render.
  environment.addFilter('trim', (value: unknown) => {
    const trimmed = String(value).trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  // Nunjucks' own `string` calls toString() on what it is given, so a field missing from a posted
  // form (undefined) threw and the page answered 500: nothing becomes the empty text instead.
  environment.addFilter('string', (value: unknown) => {
    if (value === undefined || value === null) return '';
    return value instanceof nunjucks.runtime.SafeString ? value : String(value);
  });
  environment.addFilter('formatNumber', (value: number) => wholeNumber.format(value));
  environment.addFilter('date', formatDateTime);
  environment.addFilter('day', formatDay);
  environment.addFilter('flatten', (value: unknown[]) => value.flat());
  return environment;
}
