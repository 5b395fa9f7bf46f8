import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ActiveAgreementFinder } from '../../identity/policy.js';
import type { PlacesService } from '../../places/service.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import type { CaseWorkflow } from '../core/case-workflow.js';
import { createBulkActions } from './bulk-service.js';
import type { CasePhotos } from '../photos/service.js';
import { createStaffCaseRepository } from './case-page-repository.js';
import { registerStaffCaseRoutes } from './case-page-routes.js';
import { createStaffCaseService } from './case-page-service.js';
import { registerStaffContactRoutes } from './contact-routes.js';
import { createStaffContactService } from './contact-service.js';
import { registerCaseSharingRoutes } from './sharing-routes.js';
import { createWorklistRepository } from './worklist-repository.js';
import { registerWorklistRoutes } from './worklist-routes.js';
import { createWorklistService } from './worklist-service.js';

export interface StaffCasesDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  catalogue: CatalogueService;
  places: PlacesService;
  agreements: ActiveAgreementFinder;
  cases: CaseService;
  workflow: CaseWorkflow;
  repository: CaseRepository;
  memberOrganisationIds: () => Promise<number[]>;
  photos: CasePhotos;
  photoUploadsPerMinute: number;
}

/** The staff side of the combined CRM: worklist, case page, record a contact, CSV export, manager view. */
export function registerStaffCases(app: FastifyInstance, deps: StaffCasesDependencies): void {
  const { db, clock, cases, catalogue, repository: caseRepository } = deps;
  const worklistRepository = createWorklistRepository(db);
  const staffCases = createStaffCaseRepository(db);
  const worklist = createWorklistService({
    db,
    repository: worklistRepository,
    caseRepository,
    cases,
    catalogue,
    clock,
  });
  const bulk = createBulkActions({ workflow: deps.workflow, caseRepository, staffCases });
  registerWorklistRoutes(app, { worklist, staffCases, bulk });
  registerStaffCaseRoutes(
    app,
    createStaffCaseService({ ...deps, caseRepository, staffCases, worklistRepository }),
    deps.photos,
    deps.photoUploadsPerMinute,
  );
  registerStaffContactRoutes(app, createStaffContactService(deps), clock, deps.photos, deps.photoUploadsPerMinute);
  registerCaseSharingRoutes(app, cases, clock);
}
