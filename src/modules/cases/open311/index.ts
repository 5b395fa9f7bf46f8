import type { FastifyInstance } from 'fastify';
import type { CasesModule } from '../index.js';
import { registerOpen311Api } from './api.js';
import { registerApiKeyRoutes } from './key-routes.js';
import { createApiKeyService } from './keys.js';
import { createOpen311Repository } from './repository.js';
import { createOpen311Service } from './service.js';
import { createApiClientWorkflow } from './updates.js';

/** Open311 GeoReport v2 at /open311/v2/, and the staff pages that issue its API keys. */
export function createOpen311(module: CasesModule) {
  const { db, clock } = module;
  const repository = createOpen311Repository(db);
  const keys = createApiKeyService({ db, repository, clock, memberOrganisationIds: module.memberOrganisationIds });
  const clientWorkflow = createApiClientWorkflow({ db, repository: module.repository, open311: repository, cases: module.cases, clock, publicUrl: module.config.publicUrl });
  return { keys, service: createOpen311Service({ module, keys, repository, clientWorkflow }) };
}

export function registerOpen311(app: FastifyInstance, module: CasesModule): void {
  const { keys, service } = createOpen311(module);
  registerOpen311Api(app, service);
  registerApiKeyRoutes(app, keys);
}
