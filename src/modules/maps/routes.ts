import type { FastifyInstance } from 'fastify';
import { formErrorsFrom, fieldError } from '../../web/form-errors.js';
import { mapsPaths } from './paths.js';
import { publicStatusTags } from '../cases/index.js';
import { paginationLinks } from '../../shared/pagination.js';
import { withQuery } from '../../shared/paths.js';
import { mapPageQuerySchema } from './schemas.js';
import type { MapsService } from './service.js';

const template = 'maps/views/map.njk';

/** What the filter form was sent with, as text, to show again and to keep on page links. */
function filterValues(query: Record<string, unknown>) {
  const texts = (value: unknown) =>
    [value ?? []].flat().filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  return { service_code: texts(query.service_code)[0] ?? '', status: texts(query.status) };
}

export function registerMapsRoutes(app: FastifyInstance, maps: MapsService): void {
  app.get<{ Querystring: Record<string, unknown> }>(mapsPaths.map, async (request, reply) => {
    const values = filterValues(request.query);
    const context = {
      ...(await maps.filterOptions()),
      values,
      statusTags: publicStatusTags,
      paths: mapsPaths,
      filtered: values.service_code !== '' || values.status.length > 0,
    };

    const query = mapPageQuerySchema.safeParse(request.query);
    if (!query.success)
      return reply
        .code(400)
        .render(template, { ...context, errors: formErrorsFrom(query.error, { status: 'status' }) });
    const filters = await maps.filtersFor(query.data);
    if (!filters)
      return reply
        .code(400)
        .render(template, { ...context, errors: fieldError('service_code', 'Select a type of problem from the list') });

    const filterQuery = { service_code: query.data.service_code, status: query.data.status };
    const list = await maps.requestPage(filters, query.data.page);
    return reply.render(template, {
      ...context,
      ...list,
      requestsUrl: withQuery(mapsPaths.api.requests, filterQuery),
      pagination: paginationLinks(
        list.page,
        list.pageCount,
        (page) => `${withQuery(mapsPaths.map, { ...filterQuery, page: String(page) })}#requests`,
        'Pages of requests',
      ),
    });
  });
}
