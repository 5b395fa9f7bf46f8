import { fieldError, type FormErrors } from '../../../web/form-errors.js';
import { CatalogueRuleError } from './admin-service.js';
import { casePaths } from '../paths.js';

export const catalogueViews = 'cases/views/catalogue';

/** Every address of the catalogue's pages, for the templates too: each URL is written once, in paths.ts. */
export const catalogueAdminPaths = { list: casePaths.staff.catalogue, ...casePaths.staff.catalogueAdmin };

/**
 * Runs a change; a rule the catalogue refuses becomes the form's error beside its field. `formFields`
 * names the form's field for a service's field, where they differ.
 */
export async function attempt(
  change: () => Promise<unknown>,
  formFields: Record<string, string> = {},
): Promise<FormErrors | null> {
  try {
    await change();
    return null;
  } catch (error) {
    if (!(error instanceof CatalogueRuleError)) throw error;
    return fieldError(formFields[error.field] ?? error.field, error.message);
  }
}

/** A button's hidden value that is not one the page offers: a tampered form, answered 400. */
export function badRequest(): Error {
  return Object.assign(new Error('Bad request'), { statusCode: 400 });
}
