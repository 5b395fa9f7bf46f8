import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

/**
 * Input no route can use is refused at the door, with 400 in the caller's own format (a page, the
 * JSON API's errors, Open311's XML or JSON: each scope's error handler answers it), so no handler
 * has to remember it and a new route is covered the day it is added.
 */
export class UnusableInputError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnusableInputError';
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's address holds an unguessable key that is its whole authority (an emailed one-click
     * unsubscribe link, which a mail client posts with no session): it takes no CSRF token.
     */
    authorisedByKeyInAddress?: boolean;
  }
}

/** A form post: the pages' state-changing routes. The APIs take their own bodies and authenticate by key. */
export function isFormRoute(route: Pick<RouteOptions, 'method' | 'url'>): boolean {
  const changesState = [route.method].flat().some((method) => !['GET', 'HEAD', 'OPTIONS'].includes(method));
  const isApi = route.url.startsWith('/api/') || route.url.startsWith('/open311/');
  return changesState && !isApi;
}

// PostgreSQL's text cannot hold U+0000 at all (the query fails), and a lone UTF-16 surrogate has
// no UTF-8 form: in jsonb it is refused, in text it turns silently into U+FFFD. No person types
// either; refusing them is kinder than storing something other than what was sent.
// eslint-disable-next-line no-control-regex -- U+0000 is the very character looked for
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The name of the first key or value, anywhere in `value`, that holds an unstorable character; '' for the value itself. */
function unstorableAt(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return unstorable.test(value) ? '' : undefined;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (unstorable.test(key)) return '';
    const found = unstorableAt(item, depth + 1);
    if (found !== undefined) return found === '' ? key : found;
  }
  return undefined;
}

/** A field's name when it is a plain one; input that is itself hostile is not repeated back. */
function named(key: string): string {
  return /^[\w[\]-]{1,60}$/.test(key) ? ` (${key})` : '';
}

function checkStorable(request: FastifyRequest): void {
  const parts: [unknown, string][] = [
    [request.params, 'The address'],
    [request.query, 'The query string'],
    [request.body, 'What was sent'],
  ];
  for (const [value, where] of parts) {
    const key = unstorableAt(value);
    if (key === undefined) continue;
    throw new UnusableInputError(
      'invalid_characters',
      `${where}${named(key)} has a character no text can hold here: a NUL byte (U+0000) or half of a UTF-16 surrogate pair. Remove it and try again.`,
    );
  }
}

/**
 * A form's body is what a browser sends: fields of text, a name given twice being a list. A post
 * with no body is a form with no fields. JSON that is not fields of text (null, a list, numbers,
 * objects) is refused, so no handler meets a body it was not written for.
 */
function checkFormBody(request: FastifyRequest): void {
  if (request.body === undefined) {
    request.body = {};
    return;
  }
  const body = request.body;
  const fieldsOfText =
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.values(body).every(
      (value) => typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string')),
    );
  if (!fieldsOfText)
    throw new UnusableInputError(
      'invalid_form',
      'A form must be sent as fields of text, as a browser sends it. Go back and try again.',
    );
}

export function registerInputChecks(app: FastifyInstance): void {
  // preValidation: after the body is parsed and before any handler (or the CSRF check) runs.
  app.addHook('preValidation', async (request) => checkStorable(request));
  app.addHook('onRoute', (route) => {
    if (!isFormRoute(route)) return;
    const formBody = async (request: FastifyRequest) => checkFormBody(request);
    route.preValidation = [formBody, ...[route.preValidation ?? []].flat()];
  });
}
