import type { FastifyInstance } from 'fastify';
import type { CasesModule } from '../cases/index.js';
import { registerMapsApi } from './api.js';
import { createMapsRepository } from './repository.js';
import { registerMapsRoutes } from './routes.js';
import { createMapsService } from './service.js';

/** Derbyshire Maps: the /map page and the GeoJSON API its scripts (and anyone else) read. */
export function registerMaps(app: FastifyInstance, cases: CasesModule): void {
  const maps = createMapsService({
    repository: createMapsRepository(cases.db),
    catalogue: cases.catalogue,
    memberOrganisationIds: cases.memberOrganisationIds,
    partnershipSlug: cases.config.partnership,
    tiles: cases.config.mapTiles,
  });
  registerMapsApi(app, maps);
  registerMapsRoutes(app, maps);
}
