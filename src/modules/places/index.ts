import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { registerPlacesApi } from './api.js';
import { buildBoundaryIndex } from './boundary-index.js';
import { createPlacesRepository } from './repository.js';
import { registerPlacesRoutes } from './routes.js';
import { createPlacesService } from './service.js';

export type { CouncilArea } from './repository.js';

export interface PlacesDependencies {
  db: Kysely<Database>;
  memberOrganisationIds: () => Promise<number[]>;
}

/** Postcodes, boundaries and councils: "which councils serve this place?", as a service, a page and an API. */
export async function createPlacesModule({ db, memberOrganisationIds }: PlacesDependencies) {
  const repository = createPlacesRepository(db);
  const boundaries = buildBoundaryIndex(await repository.listBoundaries());
  const service = createPlacesService({ repository, boundaries, memberOrganisationIds });
  return {
    service,
    /** The member councils' own areas, for the map. */
    memberAreas: async () => repository.councilAreas(await memberOrganisationIds()),
    register(app: FastifyInstance): void {
      registerPlacesApi(app, service);
      registerPlacesRoutes(app, service);
    },
  };
}
