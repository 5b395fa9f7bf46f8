import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { registerCatalogueAdminRoutes } from './admin-routes.js';
import { registerMessageAdminRoutes } from './message-admin-routes.js';
import { createMessageAdminService } from './message-admin-service.js';
import { createMessageTemplateRepository } from './message-template-repository.js';
import { createCatalogueRepository } from './repository.js';
import { createCatalogueService } from './service.js';

export interface CatalogueDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** The partnership's member organisations: only they take requests. */
  memberOrganisationIds: () => Promise<number[]>;
}

/** What each member council takes (request types, their questions and targets, the receiving teams), the wording of its messages, and the administrators' pages for them. */
export function createCatalogue(deps: CatalogueDependencies) {
  const service = createCatalogueService({
    repository: createCatalogueRepository(deps.db),
    memberOrganisationIds: deps.memberOrganisationIds,
  });
  return {
    service,
    register(app: FastifyInstance) {
      registerCatalogueAdminRoutes(app, { ...deps, catalogue: service });
      registerMessageAdminRoutes(
        app,
        createMessageAdminService({ ...deps, templates: createMessageTemplateRepository(deps.db) }),
      );
    },
  };
}
