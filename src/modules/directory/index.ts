import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Navigation } from '../../web/navigation.js';
import type { PlacesService } from '../places/service.js';
import { registerDirectoryApi } from './api.js';
import { directoryPaths } from './paths.js';
import { createDirectoryRepository } from './repository.js';
import { registerDirectoryRoutes } from './routes.js';
import { createDirectoryService } from './service.js';
import { loadSearchSynonyms } from './synonyms.js';

export interface DirectoryDependencies {
  db: Kysely<Database>;
  places: PlacesService;
  navigation: Navigation;
}

/** The A-Z of services and each service's page for a resident's own councils, as pages and an API. */
export async function registerDirectory(
  app: FastifyInstance,
  { db, places, navigation }: DirectoryDependencies,
): Promise<void> {
  const directory = createDirectoryService(createDirectoryRepository(db), await loadSearchSynonyms());
  registerDirectoryApi(app, directory, places);
  registerDirectoryRoutes(app, directory, places);
  const aToZ = { href: directoryPaths.services, text: 'Services A to Z', section: 'services' };
  navigation.forResidents(aToZ);
  navigation.forStaff(aToZ);
}
