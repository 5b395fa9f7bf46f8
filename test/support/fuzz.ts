import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { RouteEntry } from '../../src/app.js';

/**
 * The fuzz suite's parts: what it learns of the app by walking its route table and its pages, and
 * the generators of hostile input. Nothing here lists a route by hand, so a new route is fuzzed
 * as soon as it is registered; what the pages show of it (its forms' fields, real ids in links)
 * makes the inputs reach past its first check.
 */

/** A form a page shows: where it posts, and each field's name with the values the page offers for it. */
export interface HarvestedForm {
  action: string;
  method: string;
  fields: Map<string, Set<string>>;
}

export interface Harvest {
  /** Concrete addresses seen in links and form actions (real ids, references, slugs), path only. */
  addresses: Set<string>;
  /** Query parameter names seen in links and GET forms, with values seen for them. */
  queryNames: Map<string, Set<string>>;
  /** The same, by the path they were seen on: each route is sent its own parameters most often. */
  queryByPath: Map<string, Map<string, Set<string>>>;
  forms: HarvestedForm[];
  /** Email addresses the pages show: offered to every email field, to meet the ones already taken. */
  emails: Set<string>;
}

const decodeEntities = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

function remember(map: Map<string, Set<string>>, name: string, value: string | undefined) {
  let values = map.get(name);
  if (!values) map.set(name, (values = new Set()));
  if (value !== undefined && values.size < 20) values.add(value);
}

function queryOf(harvest: Harvest, path: string): Map<string, Set<string>> {
  let names = harvest.queryByPath.get(path);
  if (!names) harvest.queryByPath.set(path, (names = new Map()));
  return names;
}

/** The query parameters seen on the paths a route pattern matches. */
export function queryNamesFor(harvest: Harvest, pattern: RegExp): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const [path, seen] of harvest.queryByPath) {
    if (!pattern.test(path)) continue;
    for (const [name, values] of seen) names.set(name, new Set([...(names.get(name) ?? []), ...values]));
  }
  return names;
}

/** Reads a page's links and forms into the harvest. */
export function harvestPage(html: string, harvest: Harvest, pageUrl: string): string[] {
  const base = new URL(pageUrl, 'http://fuzz.test');
  const links: string[] = [];
  for (const match of html.matchAll(/\b(?:href|action)="([^"]*)"/g)) {
    const href = decodeEntities(match[1]);
    if (
      href.startsWith('//') ||
      href.startsWith('/assets/') ||
      href.startsWith('/public/') ||
      href.startsWith('#') ||
      /^[a-z][a-z0-9+.-]*:/i.test(href)
    )
      continue;
    const url = new URL(href, base);
    harvest.addresses.add(url.pathname);
    for (const [name, value] of url.searchParams) {
      remember(harvest.queryNames, name, value);
      remember(queryOf(harvest, url.pathname), name, value);
    }
    links.push(url.pathname + url.search);
  }
  for (const match of html.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g))
    if (harvest.emails.size < 50) harvest.emails.add(match[0]);
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attributes = match[1];
    const action = decodeEntities(/\baction="([^"]*)"/.exec(attributes)?.[1] ?? '');
    const method = (/\bmethod="([^"]*)"/i.exec(attributes)?.[1] ?? 'get').toLowerCase();
    const fields = new Map<string, Set<string>>();
    for (const field of match[2].matchAll(/<(input|select|textarea|button)\b([^>]*)>/g)) {
      const name = /\bname="([^"]+)"/.exec(field[2])?.[1];
      if (!name || name === '_csrf') continue;
      remember(fields, decodeEntities(name), decodeEntities(/\bvalue="([^"]*)"/.exec(field[2])?.[1] ?? ''));
    }
    for (const option of match[2].matchAll(/<select\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      for (const value of option[2].matchAll(/<option\b[^>]*\bvalue="([^"]*)"/g))
        remember(fields, decodeEntities(option[1]), decodeEntities(value[1]));
    }
    // A form without an action posts to its own page.
    const actionPath = new URL(action || base.pathname, base).pathname;
    if (method === 'get') {
      for (const [name, values] of fields) {
        for (const value of values) {
          remember(harvest.queryNames, name, value);
          remember(queryOf(harvest, actionPath), name, value);
        }
      }
    }
    harvest.forms.push({ action: actionPath, method, fields });
  }
  return links;
}

/** The pattern of a route as a regular expression over concrete paths: `/staff/cases/:id` → `^/staff/cases/[^/]+$`. */
export function patternOf(route: string): RegExp {
  const source = route
    .split('/')
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** Every route worth fuzzing, one entry per method (HEAD is GET without a body: GET covers it). */
export function fuzzableRoutes(table: readonly RouteEntry[]): { method: string; url: string }[] {
  const seen = new Set<string>();
  const routes: { method: string; url: string }[] = [];
  for (const route of table) {
    for (const method of route.methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const key = `${method} ${route.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      routes.push({ method, url: route.url });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------
// Hostile text

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const control = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));
const invisible = fc.constantFrom(
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
);
const fullWidth = fc.constantFrom('＝', '＋', '－', '＠', '＝1+1', '＝HYPERLINK("http://evil")');

/** Texts that have broken real systems, and some that look like valid values of this one. */
const knownNasties = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\r\n',
  '\t',
  '-1',
  '0',
  '1',
  '2147483648',
  '9007199254740993',
  '1e400',
  '-0',
  '0x1f',
  'NaN',
  'Infinity',
  'true',
  'false',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'toString',
  "'; drop table cases; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  '{{ 7*7 }}',
  '{% raw %}',
  '../../../etc/passwd',
  '/\t/evil.example',
  '//evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  '=1+1',
  '＝1+1',
  '2026-13-45',
  '2026-02-30T25:61:00Z',
  '9999-12-31',
  '0001-01-01',
  'DE4 3AG',
  'de43ag',
  'ZZ99 9ZZ',
  'a@b.c',
  'someone@example.org',
  'open',
  'closed',
  'open,closed',
  'missed-bin',
  '‮evil‬',
  '\u200bname',
  'Ævar Ørsted-Ñúñez',
  '😀'.repeat(10),
  'ﷺ',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
);

// Long enough to pass any column's index limit (about 2,700 bytes) and most length checks; an
// address longer than a few kilobytes never reaches the app through Node's 16 KB header limit.
const huge = fc.constantFrom(
  'a'.repeat(3_000),
  'é'.repeat(2_000),
  '\u0000'.repeat(1_000),
  `${'a'.repeat(3000)}@example.org`,
);
/** For bodies, which may be up to a megabyte. */
export const hugeBody = fc.constantFrom('x'.repeat(200_000), 'é'.repeat(100_000), `${'a'.repeat(10_000)}@example.org`);

/** One hostile text value. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: knownNasties },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        loneSurrogate,
        control,
        invisible,
        fullWidth,
      ),
      maxLength: 20,
    }),
  },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: huge },
);

/**
 * Percent-encodes a text for a URL as a browser does: a lone surrogate, which has no UTF-8 form,
 * becomes U+FFFD. `raw` sends it instead as the bytes a careless encoder (WTF-8) makes, which is
 * what an attacker sends, and which Fastify refuses whole (400) before any route sees it.
 */
export function percentEncode(text: string, raw = false): string {
  if (!raw)
    return encodeURIComponent(
      text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
    );
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff)
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(char);
  }
  return out;
}

/** A poison that has broken real systems, to put into an otherwise valid value. */
const poison = fc.oneof(
  { weight: 4, arbitrary: fc.constant('\u0000') },
  { weight: 3, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: control },
  { weight: 2, arbitrary: fc.oneof(invisible, fullWidth) },
  { weight: 2, arbitrary: fc.constantFrom('\r\n', '\t', '=', '-', '+', '@', '%', '\\', '/', '//', "'", '"', '<') },
  { weight: 1, arbitrary: huge },
);

/** A valid value with a poison put into it, at its start, its end or inside. */
function poisoned(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, poison, fc.nat()).map(([value, bad, at]) => {
    const position = value.length === 0 ? 0 : at % (value.length + 1);
    return value.slice(0, position) + bad + value.slice(position);
  });
}

/** A name for a parameter: one the route's own pages use, one used anywhere, or one nobody expects. */
export function parameterName(own: string[], anywhere: string[]): fc.Arbitrary<string> {
  const choices: fc.WeightedArbitrary<string>[] = [
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'next',
        'token',
        'q',
        'page',
        'status',
        'api_key',
        'reference',
        'postcode',
        '__proto__',
        'constructor',
        'a[b]',
        'a[]',
        'x.y',
        '',
      ),
    },
    { weight: 1, arbitrary: hostileText.map((text) => text.slice(0, 50)) },
  ];
  if (own.length > 0) choices.push({ weight: 8, arbitrary: fc.constantFrom(...own) });
  if (anywhere.length > 0) choices.push({ weight: 2, arbitrary: fc.constantFrom(...anywhere) });
  return fc.oneof(...choices);
}

/** A value for a parameter: one a page offered for it (valid, so checks further on are reached), that value poisoned, or a hostile one. */
export function parameterValue(offered: string[]): fc.Arbitrary<string> {
  if (offered.length === 0)
    return fc.oneof(
      { weight: 2, arbitrary: hostileText },
      { weight: 1, arbitrary: poisoned(fc.string({ maxLength: 8 })) },
    );
  const valid = fc.constantFrom(...offered);
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: poisoned(valid) },
    { weight: 3, arbitrary: hostileText },
  );
}

/** Name–value pairs, a name sometimes twice: mostly the route's own names, with values offered for them. */
export function pairs(
  own: Map<string, Set<string>>,
  anywhere: Map<string, Set<string>> = new Map(),
  maxLength = 6,
): fc.Arbitrary<[string, string][]> {
  const valuesOf = (name: string) => [...(own.get(name) ?? anywhere.get(name) ?? [])];
  return fc
    .array(
      parameterName([...own.keys()], [...anywhere.keys()]).chain((name) =>
        fc.tuple(fc.constant(name), parameterValue(valuesOf(name))),
      ),
      { maxLength },
    )
    .chain((list) =>
      list.length > 0 && list.length < maxLength
        ? fc.oneof(
            fc.constant(list),
            fc.constant<[string, string][]>([...list, [list[0][0], list[list.length - 1][1]]]),
          )
        : fc.constant(list),
    );
}

/**
 * The JSON API describes itself: each path's query and path parameters, with their examples and
 * allowed values, join the harvest as if a page had linked to them.
 */
export function harvestOpenApi(
  document: { paths?: Record<string, Record<string, { parameters?: OpenApiParameter[] }>> },
  harvest: Harvest,
  realValues: string[],
): void {
  for (const [template, operations] of Object.entries(document.paths ?? {})) {
    const parameters = Object.values(operations).flatMap((operation) => operation.parameters ?? []);
    const valuesOf = (parameter: OpenApiParameter) => {
      const schema = parameter.schema ?? {};
      const values = [
        ...(schema.examples ?? []),
        ...(schema.enum ?? []),
        ...(schema.items?.enum ?? []),
        ...(parameter.example === undefined ? [] : [parameter.example]),
      ].map(String);
      if (schema.type === 'integer' || schema.type === 'number')
        values.push(
          String(schema.minimum ?? 0),
          String(schema.maximum ?? 1),
          ...realValues.filter((value) => /^\d+$/.test(value)).slice(0, 10),
        );
      return values;
    };
    const path = template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
      const parameter = parameters.find((item) => item.in === 'path' && item.name === name);
      return encodeURIComponent((parameter && valuesOf(parameter)[0]) ?? '1');
    });
    harvest.addresses.add(path);
    const names = queryOf(harvest, path);
    for (const parameter of parameters)
      if (parameter.in === 'query')
        for (const value of [...valuesOf(parameter), '']) remember(names, parameter.name, value);
  }
}

interface OpenApiParameter {
  name: string;
  in: string;
  example?: unknown;
  schema?: {
    type?: string;
    examples?: unknown[];
    enum?: unknown[];
    items?: { enum?: unknown[] };
    minimum?: number;
    maximum?: number;
  };
}

/** Every text and number in a JSON answer: real codes and ids to try in other addresses. */
export function valuesIn(value: unknown, into: Set<string>, limit = 300): void {
  if (into.size >= limit) return;
  if (typeof value === 'string' || typeof value === 'number') into.add(String(value));
  else if (Array.isArray(value)) for (const item of value.slice(0, 20)) valuesIn(item, into, limit);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) valuesIn(item, into, limit);
}

export function encodePairs(list: [string, string][], raw = false): string {
  return list.map(([name, value]) => `${percentEncode(name, raw)}=${percentEncode(value, raw)}`).join('&');
}

/** A JSON value: what a form route or API may be sent by something that is not a browser. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, [], {}, '', 0, true, 'null'),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(
    fc.string({ maxLength: 10 }),
    fc.oneof(
      hostileText,
      fc.constant(null),
      fc.array(hostileText, { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 5 }), hostileText, { maxKeys: 2 }),
    ),
    { maxKeys: 5 },
  ),
);

/** JSON.stringify keeps a lone surrogate as \udXXX, so the server's parser gives it back as one. */
export const stringifyJson = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

export interface FuzzResponse {
  request: string;
  response: LightMyRequestResponse;
}

/** One line saying what was sent, short enough to read in a failure report. */
export function describeRequest(
  method: string,
  url: string,
  contentType: string | undefined,
  body: string | undefined,
): string {
  const shown = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text);
  return `${method} ${shown(url)}${contentType ? ` [${contentType}] ${shown(JSON.stringify(body ?? ''))}` : ''}`;
}

export async function healthy(app: FastifyInstance): Promise<boolean> {
  const response = await app.inject({ url: '/health' });
  return response.statusCode === 200;
}
