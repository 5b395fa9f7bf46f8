import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { createEqualityRepository } from './repository.js';
import { registerEqualityRoutes } from './routes.js';

export interface EqualityDependencies {
  db: Kysely<Database>;
  clock: () => Date;
}

/**
 * Equality monitoring's staff reports (the applicant's form is a section of the application,
 * applying/). The answers are read only here and in the applicant's own pages and download.
 */
export function registerEquality(app: FastifyInstance, { db, clock }: EqualityDependencies): void {
  const equality = createEqualityRepository(db);
  registerEqualityRoutes(app, { equality, vacancyOf: equality.vacancyOf, clock });
}
