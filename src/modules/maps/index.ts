import type { FastifyInstance } from 'fastify';
import type { Navigation } from '../../web/navigation.js';
import { registerMapsApi } from './api.js';
import { mapsPaths } from './paths.js';
import { registerMapsRoutes } from './routes.js';
import { createMapsService, type MapsServiceDependencies } from './service.js';

export type MapsDependencies = MapsServiceDependencies & { navigation: Navigation };

/** Derbyshire Maps: the /map page and the GeoJSON API its scripts (and anyone else) read. */
export function registerMaps(app: FastifyInstance, deps: MapsDependencies): void {
  const maps = createMapsService(deps);
  registerMapsApi(app, maps);
  registerMapsRoutes(app, maps);
  deps.navigation.forResidents({ href: mapsPaths.map, text: 'Map', section: 'map' });
}
