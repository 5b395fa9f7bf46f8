import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PlacesService } from '../places/service.js';
import { registerDirectoryApi } from './api.js';
import { createDirectoryRepository } from './repository.js';
import { registerDirectoryRoutes } from './routes.js';
import { createDirectoryService } from './service.js';
import { loadSearchSynonyms } from './synonyms.js';

export interface DirectoryDependencies {
  db: Kysely<Database>;
  places: PlacesService;
}

/** The A-Z of services and each service's page for a resident's own councils, as pages and an API. */
export async function registerDirectory(app: FastifyInstance, { db, places }: DirectoryDependencies): Promise<void> {
  const directory = createDirectoryService(createDirectoryRepository(db), await loadSearchSynonyms());
  registerDirectoryApi(app, directory, places);
  registerDirectoryRoutes(app, directory, places);
}
