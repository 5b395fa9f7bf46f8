import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { issueApiKey } from '../../src/modules/cases/open311/keys.js';

/**
 * XML read as FixMyStreet's client reads it (perllib/Open311.pm): these elements always as lists,
 * whether one or many, every value as text.
 */
const listElements = ['service', 'attribute', 'value', 'request', 'error', 'request_update', 'endpoint', 'format'];
const parser = new XMLParser({
  isArray: (name) => listElements.includes(name),
  parseTagValue: false,
  trimValues: true,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed XML is whatever the document holds
export type Xml = any;

export function parseXml(body: string): Xml {
  return parser.parse(body);
}

export type FormEntries = [string, string][];

/** POSTs a form as FixMyStreet does: application/x-www-form-urlencoded, repeated names for several values. */
export function postForm(
  app: FastifyInstance,
  url: string,
  entries: FormEntries,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(entries).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** A key issued straight in the database, as `npm run open311:key` does. */
export async function issueTestKey(
  db: Kysely<Database>,
  name: string,
  organisationId: number | null = null,
): Promise<{ id: number; key: string }> {
  return issueApiKey(
    db,
    { name, organisationId, createdByStaffId: null },
    { kind: 'system', label: 'test' },
    new Date(),
  );
}

/**
 * A missed bin at DE4 3AG (Derbyshire Dales), with the type's one required question answered.
 * `extra` replaces a field of the same name, or adds one; an attribute[...] value is always added.
 */
export function missedBin(key: string, extra: FormEntries = []): FormEntries {
  const entries: FormEntries = [
    ['api_key', key],
    ['service_code', 'missed-bin'],
    ['address_string', 'DE4 3AG'],
    ['attribute[bin_type]', 'general'],
    ['description', 'The bin was out by 7am'],
  ];
  const replaced = new Set(extra.map(([name]) => name).filter((name) => !name.startsWith('attribute[')));
  return [...entries.filter(([name]) => !replaced.has(name)), ...extra];
}

/** The key shown, once, on the page that issues it. */
export function keyOnPage(html: string): string | undefined {
  return /id="apiKey"[^>]*\svalue="(shk_[\w-]+)"/.exec(html)?.[1];
}
