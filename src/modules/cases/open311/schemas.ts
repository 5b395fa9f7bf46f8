import { z } from 'zod';
import { emailField } from '../../identity/schemas.js';
import { backOfficeStatusNames, type BackOfficeStatus } from './updates.js';
import { visibleName } from '../../../shared/names.js';

/**
 * Each Open311 parameter is sent once. A form sends a repeated name as a list: refused, so the
 * client hears which parameter it sent twice instead of one value being picked for it.
 */
function single<T extends z.ZodType>(name: string, schema: T) {
  return z.preprocess((value, context) => {
    if (!Array.isArray(value)) return value;
    context.addIssue({ code: 'custom', message: `${name} was sent more than once` });
    return z.NEVER;
  }, schema);
}

function text(name: string, max: number) {
  return single(
    name,
    z
      .string({ error: `${name} must be text` })
      .trim()
      .max(max, `${name} must be ${max} characters or fewer`)
      .optional()
      .transform((value) => (value ? value : undefined)),
  );
}

function required(name: string, max: number) {
  return single(
    name,
    z
      .string({ error: `${name} is required` })
      .trim()
      .min(1, `${name} is required`)
      .max(max, `${name} must be ${max} characters or fewer`),
  );
}

function coordinate(name: string, limit: number) {
  return single(
    name,
    z
      .string({ error: `${name} must be a decimal number` })
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, `${name} must be a decimal number, in WGS84 degrees`)
      .transform(Number)
      .refine((value) => Math.abs(value) <= limit, `${name} must be between -${limit} and ${limit}`)
      .optional(),
  );
}

/** A comma-separated list, as the spec's filters take: "open,closed". */
function list(name: string) {
  return text(name, 2000).transform((value) =>
    value
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
}

const jurisdiction = { jurisdiction_id: text('jurisdiction_id', 200), api_key: text('api_key', 200) };

export const requestsQuerySchema = z.object({
  ...jurisdiction,
  service_request_id: list('service_request_id'),
  service_code: list('service_code'),
  start_date: text('start_date', 40),
  end_date: text('end_date', 40),
  status: list('status').refine(
    (statuses) => !statuses || statuses.every((status) => ['open', 'closed'].includes(status.toLowerCase())),
    'status must be open, closed, or both: open,closed',
  ),
});

export const oneRequestQuerySchema = z.object(jurisdiction);

export const updatesQuerySchema = z.object({
  ...jurisdiction,
  start_date: text('start_date', 40),
  end_date: text('end_date', 40),
});

const phoneField = text('phone', 30).refine(
  (value) => value === undefined || /^[+\d][\d\s()-]{5,29}$/.test(value),
  'phone must be a telephone number',
);

/** An absolute http(s) address: anything else (javascript:, file:, a bare name) is no link to show anyone. */
const mediaUrl = text('media_url', 2000).refine((value) => {
  if (value === undefined) return true;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'media_url must be an http or https address');

export const newRequestSchema = z
  .object({
    jurisdiction_id: text('jurisdiction_id', 200),
    service_code: required('service_code', 100),
    lat: coordinate('lat', 90),
    long: coordinate('long', 180),
    address_string: text('address_string', 500),
    address_id: text('address_id', 200),
    // GeoReport v2: "A full description of the request or report being submitted", at most 4,000 characters.
    description: text('description', 4_000),
    email: single(
      'email',
      z.preprocess(
        (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
        emailField.optional(),
      ),
    ),
    first_name: visibleName(text('first_name', 100), 'first_name'),
    last_name: visibleName(text('last_name', 100), 'last_name'),
    phone: phoneField,
    device_id: text('device_id', 200),
    account_id: text('account_id', 200),
    // A photo the client keeps itself (FixMyStreet sends its own): recorded as a link, never fetched.
    media_url: mediaUrl,
  })
  .refine((request) => (request.lat === undefined) === (request.long === undefined), {
    message: 'lat and long must be sent together',
    path: ['lat'],
  });

export type NewRequestInput = z.infer<typeof newRequestSchema>;

export const newUpdateSchema = z.object({
  jurisdiction_id: text('jurisdiction_id', 200),
  service_request_id: required('service_request_id', 100),
  update_id: text('update_id', 200),
  status: required('status', 40)
    .transform((status) => status.toUpperCase().replace(/ /g, '_'))
    .refine(
      (status) => (backOfficeStatusNames as string[]).includes(status),
      `status must be one of ${backOfficeStatusNames.join(', ')}`,
    )
    .transform((status) => status as BackOfficeStatus),
  description: text('description', 10_000).transform((value) => value ?? ''),
  updated_datetime: text('updated_datetime', 40),
  first_name: visibleName(text('first_name', 100), 'first_name'),
  last_name: visibleName(text('last_name', 100), 'last_name'),
  email: text('email', 254),
  media_url: text('media_url', 2000),
});

/** `attribute[code]` (or `attribute[code][]`) form fields, and a JSON body's `attribute` object, as raw answers. */
export function attributesOf(body: Record<string, unknown>): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  const add = (code: string, value: unknown) => {
    for (const item of [value].flat())
      if (typeof item === 'string' || typeof item === 'number') (answers[code] ??= []).push(String(item));
  };
  for (const [name, value] of Object.entries(body)) {
    const match = /^attribute\[([^\]]+)\](\[\])?$/.exec(name);
    if (match) add(match[1], value);
  }
  const nested = body.attribute;
  if (nested && typeof nested === 'object' && !Array.isArray(nested))
    for (const [code, value] of Object.entries(nested)) add(code, value);
  return answers;
}

/** The zod issues as the spec's error descriptions: "lat must be a decimal number". */
export function descriptionsOf(error: z.ZodError): string[] {
  return [
    ...new Set(
      error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'request');
        return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
      }),
    ),
  ];
}

/** The staff form that issues a key. */
export const apiKeyFormSchema = z.object({
  name: visibleName(
    z
      .string({ error: 'Enter a name for the client' })
      .trim()
      .min(1, 'Enter a name for the client')
      .max(100, 'Name must be 100 characters or fewer'),
    'Name',
  ),
  organisationId: z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      if (!/^\d+$/.test(value)) {
        context.addIssue({ code: 'custom', message: 'Select an organisation from the list' });
        return z.NEVER;
      }
      return Number(value);
    }),
});
