import { createHash } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { isConnectionError } from '../../../db/connection-errors.js';
import { RETRY_AFTER_SECONDS } from '../../../web/error-pages.js';
import {
  Open311Error,
  formatOfUrl,
  sendOpen311,
  sendOpen311Errors,
  splitFormat,
  type Open311Format,
} from './format.js';
import type { ApiClient } from './keys.js';
import { descriptionsOf, oneRequestQuerySchema, requestsQuerySchema, updatesQuerySchema } from './schemas.js';
import type { Idempotency, Open311Service } from './service.js';
import { casePaths } from '../paths.js';

const formats: Open311Format[] = ['xml', 'json'];
const prefix = '/open311';
// The version's part of the address, under the prefix whose 404s and errors answer in the spec's shape.
const version = casePaths.open311.slice(prefix.length);

type Query = { Querystring: Record<string, unknown> };
type FileParams = Query & { Params: { file: string } };

function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw new Open311Error(400, descriptionsOf(parsed.error));
  return parsed.data;
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function apiKeyOf(request: FastifyRequest, body: Record<string, unknown>): string | undefined {
  const value = body.api_key ?? (request.query as Record<string, unknown> | undefined)?.api_key;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The Idempotency-Key header: up to 255 visible characters. */
function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = [header].flat()[0]?.trim() ?? '';
  if (!/^[\x21-\x7E]{1,255}$/.test(key))
    throw new Open311Error(400, 'Idempotency-Key must be 1 to 255 visible characters, such as a UUID');
  return key;
}

/**
 * An update that a client sends again with its own update_id (FixMyStreet does, when it did not hear
 * back) is recorded once: without an Idempotency-Key the update_id is the key, and what else the resend
 * carries (a later updated_datetime, say) does not make it another update.
 */
function updateIdempotency(body: Record<string, unknown>): Idempotency | undefined {
  const updateId = typeof body.update_id === 'string' ? body.update_id.trim() : '';
  if (!updateId || updateId.length > 200) return undefined;
  const key = `update_id:${updateId}`;
  return { key, hash: createHash('sha256').update(key).digest('hex') };
}

/** What was posted, less the api_key (the client is known by it already), as a SHA-256. */
function fingerprint(request: FastifyRequest, body: Record<string, unknown>): string {
  const without = (values: Record<string, unknown>) =>
    Object.entries(values)
      .filter(([name]) => name !== 'api_key')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = (request.query as Record<string, unknown> | undefined) ?? {};
  return createHash('sha256')
    .update(JSON.stringify([request.url.split('?')[0], without(query), without(body)]))
    .digest('hex');
}

function statusOf(error: unknown): number {
  if (isConnectionError(error)) return 503;
  const status = (error as { statusCode?: number }).statusCode;
  return status && status >= 400 && status < 600 ? status : 500;
}

/** Words for errors that are not ours (the body parser's, the rate limiter's), and never a server's internals. */
function descriptionOf(error: FastifyError, status: number): string {
  if (status === 429) return 'Too many requests: wait a minute, then try again';
  if (status === 503) return 'The service is unavailable for a moment: try again in a few seconds';
  if (status >= 500) return 'Something went wrong on our side: try again later';
  return error.message;
}

/**
 * Open311 GeoReport v2 at /open311/v2/, in XML and JSON. Every answer under /open311/, its 404s and
 * its errors included, is in the spec's shape, since its clients are programs that parse it.
 */
export function registerOpen311Api(app: FastifyInstance, service: Open311Service): void {
  app.register(
    async (scope) => {
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        const format = formatOfUrl(request.url);
        if (error instanceof Open311Error) {
          if (error.statusCode === 429) reply.header('retry-after', String(error.retryAfterSeconds ?? 60));
          return sendOpen311Errors(reply, format, error.statusCode, error.errors);
        }
        const status = statusOf(error);
        if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        else if (status >= 500) request.log.error({ err: error }, 'request failed');
        return sendOpen311Errors(reply, format, status, [{ code: status, description: descriptionOf(error, status) }]);
      });

      scope.setNotFoundHandler((request, reply) =>
        sendOpen311Errors(reply, formatOfUrl(request.url), 404, [
          {
            code: 404,
            description: `There is nothing at ${request.url.split('?')[0]}: the service starts at ${casePaths.open311}/discovery.xml`,
          },
        ]),
      );

      async function post(
        request: FastifyRequest<Query>,
        reply: FastifyReply,
        format: Open311Format,
        endpoint: 'requests' | 'servicerequestupdates',
      ) {
        const body = bodyOf(request);
        let client: ApiClient | undefined;
        let key: string | undefined;
        try {
          client = await service.clientFor(apiKeyOf(request, body), true);
          await service.checkRate(client as ApiClient);
          key = idempotencyKeyOf(request);
          const idempotency: Idempotency | undefined = key
            ? { key, hash: fingerprint(request, body) }
            : endpoint === 'servicerequestupdates'
              ? updateIdempotency(body)
              : undefined;
          const origin = { endpoint, ipAddress: request.ip };
          const response =
            endpoint === 'requests'
              ? await service.createRequest(client as ApiClient, origin, body, format, idempotency)
              : await service.postUpdate(client as ApiClient, origin, body, format, idempotency);
          return reply.code(response.status).type(response.type).send(response.body);
        } catch (error) {
          const refusal =
            error instanceof Open311Error ? error.message : error instanceof Error ? error.message : String(error);
          await service.recordPost(
            client,
            { endpoint, status: statusOf(error), idempotencyKey: key ?? null, refusal },
            request.ip,
          );
          throw error;
        }
      }

      for (const format of formats) {
        scope.get(`${version}/discovery.${format}`, async (_request, reply) =>
          sendOpen311(reply, format, 'discovery', await service.discovery()),
        );

        scope.get<Query>(`${version}/services.${format}`, async (request, reply) => {
          const query = parseQuery(oneRequestQuerySchema, request.query);
          await service.clientFor(query.api_key, false);
          return sendOpen311(reply, format, 'services', await service.services(query.jurisdiction_id));
        });

        scope.get<Query>(`${version}/requests.${format}`, async (request, reply) => {
          const query = parseQuery(requestsQuerySchema, request.query);
          const client = await service.clientFor(query.api_key, false);
          const found = await service.requests(query, client);
          await service.recordRead(
            client,
            { recordType: 'open311_request_list', filters: query, shown: found.length },
            request.ip,
          );
          return sendOpen311(reply, format, 'service_requests', found);
        });

        scope.get<Query>(`${version}/servicerequestupdates.${format}`, async (request, reply) => {
          const query = parseQuery(updatesQuerySchema, request.query);
          const client = await service.clientFor(query.api_key, false);
          const found = await service.updates(query, client);
          await service.recordRead(
            client,
            { recordType: 'open311_update_list', filters: query, shown: found.length },
            request.ip,
          );
          return sendOpen311(reply, format, 'service_request_updates', found);
        });

        scope.post<Query>(`${version}/requests.${format}`, (request, reply) =>
          post(request, reply, format, 'requests'),
        );
        scope.post<Query>(`${version}/servicerequestupdates.${format}`, (request, reply) =>
          post(request, reply, format, 'servicerequestupdates'),
        );
      }

      // services/{service_code}.{format}, requests/{service_request_id}.{format}, tokens/{token}.{format}
      const fileOf = (request: FastifyRequest<FileParams>) => {
        const file = splitFormat(request.params.file);
        if (!file)
          throw new Open311Error(
            404,
            `There is nothing at ${request.url.split('?')[0]}: end the address with .xml or .json`,
          );
        return file;
      };

      scope.get<FileParams>(`${version}/services/:file`, async (request, reply) => {
        const { name, format } = fileOf(request);
        const query = parseQuery(oneRequestQuerySchema, request.query);
        await service.clientFor(query.api_key, false);
        return sendOpen311(
          reply,
          format,
          'service_definition',
          await service.serviceDefinition(name, query.jurisdiction_id),
        );
      });

      // One request, by its id or by the token a client was given before it had one: both answer as requests.
      type Lookup = (
        name: string,
        jurisdictionId: string | undefined,
        client: ApiClient | undefined,
      ) => Promise<unknown[]>;
      const lookups: Record<string, Lookup> = {
        requests: (id, jurisdictionId, client) => service.request(id, jurisdictionId, client),
        tokens: (token, jurisdictionId, client) => service.token(token, jurisdictionId, client),
      };
      for (const [collection, find] of Object.entries(lookups)) {
        scope.get<FileParams>(`${version}/${collection}/:file`, async (request, reply) => {
          const { name, format } = fileOf(request);
          const query = parseQuery(oneRequestQuerySchema, request.query);
          const client = await service.clientFor(query.api_key, false);
          const found = await find(name, query.jurisdiction_id, client);
          await service.recordRead(
            client,
            { recordType: 'open311_request', recordId: name, filters: query, shown: found.length },
            request.ip,
          );
          return sendOpen311(reply, format, 'service_requests', found);
        });
      }
    },
    { prefix },
  );
}
