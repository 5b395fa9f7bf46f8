import type { FastifyReply } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';

/** GeoReport v2 answers in XML (what FixMyStreet's client speaks) or JSON, named by the URL's ending. */
export type Open311Format = 'xml' | 'json';

export interface Open311ErrorItem {
  code: number;
  description: string;
}

/** A refusal in the spec's own shape: `<errors><error><code/><description/></error></errors>`. */
export class Open311Error extends Error {
  readonly errors: Open311ErrorItem[];
  constructor(
    readonly statusCode: number,
    descriptions: string | string[],
    /** For 429: seconds until the client may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    const list = [descriptions].flat();
    super(list.join('; '));
    this.name = 'Open311Error';
    this.errors = list.map((description) => ({ code: statusCode, description }));
  }
}

/** The element each list's items are called in XML, by the list's own name. */
const itemNames: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false });

// Characters XML 1.0 cannot carry at all, even escaped.
// eslint-disable-next-line no-control-regex
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function forXml(value: unknown, name: string): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.replace(notXml, '');
  if (Array.isArray(value)) {
    const item = itemNames[name];
    if (!item) throw new Error(`No XML item name for the list "${name}"`);
    return value.length === 0 ? '' : { [item]: value.map((entry) => forXml(entry, item)) };
  }
  // Undefined leaves the element out; null gives it empty, as the spec shows fields with no value.
  const entries = Object.entries(value as Record<string, unknown>).filter(([, entry]) => entry !== undefined);
  return Object.fromEntries(entries.map(([key, entry]) => [key, forXml(entry, key)]));
}

/** The document: JSON as the value is; XML under `root`, each list's items named as the spec names them. */
export function open311Document(format: Open311Format, root: string, value: unknown): { type: string; body: string } {
  if (format === 'json') return { type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
  const xml = builder.build({ [root]: forXml(value, root) }) as string;
  return { type: 'text/xml; charset=utf-8', body: `<?xml version="1.0" encoding="utf-8"?>\n${xml}` };
}

export function sendOpen311(
  reply: FastifyReply,
  format: Open311Format,
  root: string,
  value: unknown,
  status = 200,
): FastifyReply {
  const { type, body } = open311Document(format, root, value);
  return reply.code(status).type(type).send(body);
}

export function sendOpen311Errors(
  reply: FastifyReply,
  format: Open311Format,
  status: number,
  errors: Open311ErrorItem[],
): FastifyReply {
  return sendOpen311(reply, format, 'errors', errors, status);
}

/** `requests.xml` → { name: 'requests', format: 'xml' }; no known ending → undefined. */
export function splitFormat(file: string): { name: string; format: Open311Format } | undefined {
  const match = /^(.+)\.(xml|json)$/i.exec(file);
  return match ? { name: match[1], format: match[2].toLowerCase() as Open311Format } : undefined;
}

/** The format an address asks for, for its errors too: JSON when it ends in .json, else XML. */
export function formatOfUrl(url: string): Open311Format {
  return /\.json$/i.test(url.split('?')[0]) ? 'json' : 'xml';
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A W3C datetime in UK time with its offset, as the spec's examples are: 2026-07-01T10:30:00+01:00. */
export function w3cDateTime(value: Date): string {
  const parts = Object.fromEntries(londonParts.formatToParts(value).map((part) => [part.type, part.value]));
  const wholeSeconds = Math.floor(value.getTime() / 1000) * 1000;
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offset = Math.round((local - wholeSeconds) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${hours}:${minutes}`;
}

/** The end of a due day ('YYYY-MM-DD') in UK time: when a request is expected to be dealt with by. */
export function endOfDay(day: string): string {
  const noon = new Date(`${day}T12:00:00Z`);
  const offset = w3cDateTime(noon).slice(19);
  return `${day}T23:59:59${offset}`;
}

// A time needs its zone (Z or an offset), as W3C's profile of ISO 8601 says; a day alone is taken as UTC.
const w3cPattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** A W3C datetime from a client, or undefined when it is not one. */
export function parseW3cDateTime(text: string): Date | undefined {
  const trimmed = text.trim();
  if (!w3cPattern.test(trimmed)) return undefined;
  const parsed = new Date(trimmed);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
