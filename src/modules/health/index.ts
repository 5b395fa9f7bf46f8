import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { jsonResponse } from '../../api/schemas.js';
import type { Database } from '../../db/schema.js';
import { healthSchema } from './schemas.js';

/** For load balancers and monitoring: 200 while the database answers, 503 when it does not. */
export function registerHealth(app: FastifyInstance, { db }: { db: Kysely<Database> }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      config: { rateLimit: false },
      schema: {
        operationId: 'getHealth',
        summary: 'Whether the service and its database are working',
        tags: ['health'],
        response: {
          200: jsonResponse('Working', healthSchema),
          503: jsonResponse('The database is unreachable', healthSchema),
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(db);
        return { status: 'ok', database: 'ok' } as const;
      } catch (error) {
        request.log.error({ err: error }, 'health check: database unreachable');
        return reply.code(503).send({ status: 'error', database: 'unreachable' });
      }
    },
  );
}
