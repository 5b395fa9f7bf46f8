import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { createPhotoRepository } from './repository.js';
import { createCasePhotos } from './service.js';
import { createDatabasePhotoStore, type PhotoStore } from './store.js';

export interface PhotosDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  cases: CaseService;
  caseRepository: CaseRepository;
  publicUrl: string;
  /** The database by default; an S3-compatible store in production can be handed in instead (store.ts). */
  store?: PhotoStore;
}

/** Photos on cases: checked, stripped, stored behind a store, and served only to whoever may see them. */
export function createPhotos(deps: PhotosDependencies) {
  return createCasePhotos({
    ...deps,
    repository: createPhotoRepository(deps.db),
    store: deps.store ?? createDatabasePhotoStore(deps.db),
  });
}

export { registerPhotoRoutes } from './routes.js';
export type { CasePhotos } from './service.js';
