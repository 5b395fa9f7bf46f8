import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { PlacesService } from '../../places/service.js';
import { registerJobsApi } from './api.js';
import { registerJobsFeed } from './feed.js';
import { createJobsRepository } from './repository.js';
import { registerJobsRoutes } from './routes.js';
import { createJobSearch, type LocatePostcode } from './service.js';

export { createJobSearch, type JobSearchService, type LocatePostcode } from './service.js';
export { createJobsRepository } from './repository.js';

export interface JobsDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  publicUrl: string;
  places: PlacesService;
  memberOrganisationIds: () => Promise<number[]>;
}

/** A postcode's point from the places service: the search's "within so many miles of". */
export function locateWith(places: PlacesService): LocatePostcode {
  return async (postcode) => {
    const lookup = await places.findByPostcode(postcode);
    return lookup.outcome === 'found'
      ? { latitude: lookup.place.latitude, longitude: lookup.place.longitude }
      : undefined;
  };
}

/** The public side of recruitment: /jobs, each vacancy's page, the JSON API and the Atom feed. */
export function createJobsPart(deps: JobsDependencies) {
  const repository = createJobsRepository(deps.db);
  const jobs = createJobSearch({
    repository,
    locate: locateWith(deps.places),
    memberOrganisationIds: deps.memberOrganisationIds,
  });
  return {
    jobs,
    register(app: FastifyInstance): void {
      const common = { jobs, clock: deps.clock, publicUrl: deps.publicUrl };
      registerJobsApi(app, common);
      registerJobsFeed(app, common);
      registerJobsRoutes(app, { ...common, repository });
    },
  };
}
