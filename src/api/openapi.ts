import type { FastifyInstance } from 'fastify';
import { openApiDocument } from './openapi-document.js';

export function registerOpenApi(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', async () => openApiDocument);
}
