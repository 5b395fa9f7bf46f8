import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { registerCatalogueAdminRoutes } from './admin-routes.js';
import { createCatalogueRepository } from './repository.js';
import { createCatalogueService } from './service.js';

export interface CatalogueDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** The partnership's member organisations: only they take requests. */
  memberOrganisationIds: () => Promise<number[]>;
}

/** What each member council takes (request types, their questions and targets, the receiving teams), and the administrators' pages for it. */
export function createCatalogue(deps: CatalogueDependencies) {
  const service = createCatalogueService({
    repository: createCatalogueRepository(deps.db),
    memberOrganisationIds: deps.memberOrganisationIds,
  });
  return {
    service,
    register: (app: FastifyInstance) => registerCatalogueAdminRoutes(app, { ...deps, catalogue: service }),
  };
}
