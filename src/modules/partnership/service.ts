import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { createAgreementService } from './agreement-service.js';
import { createAgreementsRepository } from './agreements-repository.js';
import { createOrganisationService } from './organisation-service.js';
import { createPartnershipService } from './partnership-service.js';
import { createProjectService } from './project-service.js';
import { createProjectsRepository } from './projects-repository.js';
import { createPartnershipRepository } from './repository.js';

export interface PartnershipModuleDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** config.partnership: the partnership this installation serves. */
  ownPartnership: string;
  onMembersChanged?: () => void;
}

/** The module's services, wired to their repositories: organisations, partnerships, projects, agreements. */
export function createPartnershipServices({
  db,
  clock,
  ownPartnership,
  onMembersChanged,
}: PartnershipModuleDependencies) {
  const repository = createPartnershipRepository(db);
  const projects = createProjectsRepository(db);
  return {
    organisations: createOrganisationService({ db, repository, clock }),
    partnerships: createPartnershipService({ db, repository, projects, clock, ownPartnership, onMembersChanged }),
    projects: createProjectService({ db, repository, projects, clock }),
    agreements: createAgreementService({ db, repository, agreements: createAgreementsRepository(db), clock }),
  };
}

export type PartnershipServices = ReturnType<typeof createPartnershipServices>;
