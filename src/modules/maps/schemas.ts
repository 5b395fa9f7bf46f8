import { z } from 'zod';

/** The statuses of a request still being dealt with: the only ones the public map shows. */
export const openStatuses = ['open', 'acknowledged', 'in_progress'] as const;
export type OpenStatus = (typeof openStatuses)[number];

/** `?status=open&status=in_progress` from a form, or `?status=open,in_progress` from an API client. */
function listOf(value: unknown): string[] {
  return [value]
    .flat()
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

function firstOf(value: unknown): unknown {
  const first = [value].flat()[0];
  return typeof first === 'string' && first.trim() === '' ? undefined : first;
}

const serviceCode = z.preprocess(
  firstOf,
  z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{1,64}$/, 'Select a type of problem from the list')
    .optional(),
);

const statuses = z.preprocess(listOf, z.array(z.enum(openStatuses, { error: 'Select statuses from the list' })));

/** "west,south,east,north" in WGS84 degrees, as GeoJSON and OpenStreetMap write a box. */
const bbox = z.preprocess(
  firstOf,
  z
    .string()
    .trim()
    .transform((value, context) => {
      const numbers = value.split(',').map((part) => (/^-?\d+(\.\d+)?$/.test(part.trim()) ? Number(part) : NaN));
      const [west, south, east, north] = numbers;
      const valid =
        numbers.length === 4 && numbers.every(Number.isFinite) && west <= east && south <= north && Math.abs(west) <= 180 && Math.abs(east) <= 180 && Math.abs(south) <= 90 && Math.abs(north) <= 90;
      if (!valid) {
        context.addIssue({ code: 'custom', message: 'bbox must be four numbers: west,south,east,north (longitude, latitude, longitude, latitude)' });
        return z.NEVER;
      }
      return { minLongitude: west, minLatitude: south, maxLongitude: east, maxLatitude: north };
    })
    .optional(),
);

/** The map page's filter form (a GET form) and its page number. */
export const mapPageQuerySchema = z.object({
  service_code: serviceCode,
  status: statuses,
  page: z.preprocess(firstOf, z.coerce.number().int().min(1).max(100_000).catch(1).default(1)),
});

/** The requests API's query: the same filters, and a box. */
export const requestsApiQuerySchema = z.object({
  service_code: serviceCode,
  status: statuses,
  bbox,
});

export type MapPageQuery = z.infer<typeof mapPageQuerySchema>;
export type RequestsApiQuery = z.infer<typeof requestsApiQuerySchema>;
