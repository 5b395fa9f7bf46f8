import type { FastifyInstance } from 'fastify';
import { registerMapsApi } from './api.js';
import { registerMapsRoutes } from './routes.js';
import { createMapsService, type MapsServiceDependencies } from './service.js';

export type MapsDependencies = MapsServiceDependencies;

/** Derbyshire Maps: the /map page and the GeoJSON API its scripts (and anyone else) read. */
export function registerMaps(app: FastifyInstance, deps: MapsDependencies): void {
  const maps = createMapsService(deps);
  registerMapsApi(app, maps);
  registerMapsRoutes(app, maps);
}
