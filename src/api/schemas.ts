import { z } from 'zod';
import { apiErrorsSchema } from '../web/api-errors.js';

/*
 * The pieces every route schema of the JSON API is made of. A route's responses are written in
 * OpenAPI's own form (a description, and a zod schema per content type), which Fastify and
 * fastify-type-provider-zod both understand: the schema types what the handler may send, and
 * @fastify/swagger puts the description and the schema into /api/v1/openapi.json.
 */

export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

export function geoJsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/geo+json': { schema } } };
}

/** An error answer: say which codes it carries in the description. */
export function errorResponse(description: string) {
  return jsonResponse(description, apiErrorsSchema);
}

/** A GeoJSON FeatureCollection whose features have this kind of id, these properties and this geometry. */
export function featureCollection<Properties extends z.ZodType, Geometry extends z.ZodType>(
  idDescription: string,
  properties: Properties,
  geometry: Geometry,
) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.string().meta({ description: idDescription }),
        properties,
        geometry,
      }),
    ),
  });
}
