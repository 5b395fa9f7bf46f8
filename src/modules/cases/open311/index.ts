import type { FastifyInstance } from 'fastify';
import type { Open311ServiceDependencies } from './service.js';
import { registerOpen311Api } from './api.js';
import { registerApiKeyRoutes } from './key-routes.js';
import { createApiKeyService } from './keys.js';
import { createOpen311Repository } from './repository.js';
import { createOpen311Service } from './service.js';
import { createApiClientWorkflow } from './updates.js';

export type Open311Dependencies = Omit<Open311ServiceDependencies, 'keys' | 'repository' | 'clientWorkflow'>;

/** Open311 GeoReport v2 at /open311/v2/, and the staff pages that issue its API keys. */
export function createOpen311(deps: Open311Dependencies) {
  const { db, clock, cases, caseRepository } = deps;
  const repository = createOpen311Repository(db);
  const keys = createApiKeyService({ db, repository, clock, memberOrganisationIds: deps.memberOrganisationIds });
  const clientWorkflow = createApiClientWorkflow({
    db,
    repository: caseRepository,
    open311: repository,
    cases,
    clock,
    publicUrl: deps.config.publicUrl,
  });
  const service = createOpen311Service({ ...deps, keys, repository, clientWorkflow });
  return {
    keys,
    service,
    register(app: FastifyInstance): void {
      registerOpen311Api(app, service);
      registerApiKeyRoutes(app, keys);
    },
  };
}
