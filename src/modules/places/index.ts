import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Navigation } from '../../web/navigation.js';
import { registerPlacesApi } from './api.js';
import { placesPaths } from './paths.js';
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
    register(app: FastifyInstance, { navigation }: { navigation: Navigation }): void {
      registerPlacesApi(app, service);
      registerPlacesRoutes(app, service);
      navigation.forResidents({
        href: placesPaths.findYourCouncil,
        text: 'Find your council',
        section: 'find-your-council',
      });
    },
  };
}
