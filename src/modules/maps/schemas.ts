import { z } from 'zod';
import { featureCollection } from '../../api/schemas.js';
import { councilTierSchema } from '../places/schemas.js';
import { pageNumberField } from '../../shared/pagination.js';

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
    .optional()
    .meta({ description: 'Only this kind of request, such as "pothole"' }),
);

// Absent is no statuses chosen, as listOf makes it; the default says so to the document too.
const statuses = z
  .preprocess(listOf, z.array(z.enum(openStatuses, { error: 'Select statuses from the list' })))
  .default(() => [])
  .meta({ description: 'Only these statuses, comma-separated or repeated; all three when absent' });

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
        numbers.length === 4 &&
        numbers.every(Number.isFinite) &&
        west <= east &&
        south <= north &&
        Math.abs(west) <= 180 &&
        Math.abs(east) <= 180 &&
        Math.abs(south) <= 90 &&
        Math.abs(north) <= 90;
      if (!valid) {
        context.addIssue({
          code: 'custom',
          message: 'bbox must be four numbers: west,south,east,north (longitude, latitude, longitude, latitude)',
        });
        return z.NEVER;
      }
      return { minLongitude: west, minLatitude: south, maxLongitude: east, maxLatitude: north };
    })
    .optional()
    .meta({
      description: 'Only inside this box: west,south,east,north in WGS84 degrees, such as -1.50,52.90,-1.43,52.93',
    }),
);

/** The map page's filter form (a GET form) and its page number. */
export const mapPageQuerySchema = z.object({
  service_code: serviceCode,
  status: statuses,
  page: pageNumberField(100_000),
});

/** The requests API's query: the same filters, and a box. */
export const requestsApiQuerySchema = z.object({
  service_code: serviceCode,
  status: statuses,
  bbox,
});

export type MapPageQuery = z.infer<typeof mapPageQuerySchema>;
export type RequestsApiQuery = z.infer<typeof requestsApiQuerySchema>;

export const mapSettingsSchema = z
  .object({
    tiles: z
      .object({ url: z.string().meta({ description: 'A template with {z}, {x} and {y}' }), attribution: z.string() })
      .nullable()
      .meta({ description: 'null when no tile server is configured: draw the boundaries on a plain background' }),
    bounds: z
      .array(z.number())
      .length(4)
      .nullable()
      .meta({ description: 'west, south, east, north of the member councils, in WGS84 degrees' }),
  })
  .meta({ id: 'MapSettings' });

/** A closed list of [longitude, latitude] positions. */
const ring = z.array(z.array(z.number()));

export const boundaryCollectionSchema = featureCollection(
  'The GSS code',
  z.object({ gss: z.string(), name: z.string(), tier: councilTierSchema }),
  z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: z.array(ring) }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring)) }),
    ])
    .meta({
      description: 'A GeoJSON Polygon or MultiPolygon, simplified to about 20 m, positions rounded to 5 decimal places',
    }),
).meta({ id: 'BoundaryCollection' });

export const requestCollectionSchema = featureCollection(
  'The reference',
  z.object({
    reference: z.string().meta({ examples: ['DBY-2026-000123'] }),
    serviceCode: z.string().meta({ examples: ['pothole'] }),
    typeName: z.string().meta({ examples: ['Pothole'] }),
    council: z
      .string()
      .meta({ description: 'The council that deals with it', examples: ['Derbyshire County Council'] }),
    status: z.enum(openStatuses),
    statusText: z.string().meta({ description: 'The status as residents read it', examples: ['Received'] }),
    createdOn: z.iso.date().meta({ description: 'The day it was reported, in England' }),
    trackUrl: z.string().meta({
      description: 'Its public tracking page: status and public updates',
      examples: ['/track/DBY-2026-000123'],
    }),
  }),
  z.object({
    type: z.literal('Point'),
    coordinates: z.array(z.number()).meta({ description: '[longitude, latitude], 4 decimal places' }),
  }),
).meta({ id: 'RequestCollection' });
