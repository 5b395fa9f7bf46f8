import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { CitizenEmail } from '../../identity/index.js';
import type { PeoplePort } from '../../people/index.js';
import type { ActiveAgreementFinder } from '../../identity/policy.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { PlacesService } from '../../places/service.js';
import { createCaseFollowers } from './case-followers.js';
import { createCaseRepository } from './case-repository.js';
import { createCaseService } from './case-service.js';
import { createCaseWorkflow } from './case-workflow.js';

export interface CaseCoreDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  catalogue: CatalogueService;
  agreements: ActiveAgreementFinder;
  citizenEmail: CitizenEmail;
  people: Pick<PeoplePort, 'linkFor'>;
  /** places' port: which councils serve a point (a transfer's check). */
  places: Pick<PlacesService, 'findByPoint'>;
  publicUrl: string;
  referencePrefix: string;
}

/** The case itself: made (`cases.submit`), read by whoever may see it, and changed through the workflow. Every other part builds on these. */
export function createCaseCore(deps: CaseCoreDependencies) {
  const repository = createCaseRepository(deps.db);
  const cases = createCaseService({ ...deps, repository });
  const followers = createCaseFollowers({ ...deps, repository });
  const workflow = createCaseWorkflow({ ...deps, repository, cases, followers });
  return { repository, cases, workflow, followers };
}

export type CaseCore = ReturnType<typeof createCaseCore>;
