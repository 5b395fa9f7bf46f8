import type { FastifyInstance } from 'fastify';
import type { CasesModule } from '../index.js';
import { createStaffCaseRepository } from './case-page-repository.js';
import { registerStaffCaseRoutes } from './case-page-routes.js';
import { createStaffCaseService } from './case-page-service.js';
import { registerStaffContactRoutes } from './contact-routes.js';
import { createStaffContactService } from './contact-service.js';
import { createWorklistRepository } from './worklist-repository.js';
import { registerWorklistRoutes } from './worklist-routes.js';
import { createWorklistService } from './worklist-service.js';
import { registerCaseSharingRoutes } from './sharing-routes.js';

/** The staff side of the combined CRM: worklist, case page, record a contact, CSV export, manager view. */
export function registerStaffCases(app: FastifyInstance, module: CasesModule): void {
  const { db, clock, cases, workflow, catalogue, places, agreements, memberOrganisationIds } = module;
  const worklistRepository = createWorklistRepository(db);
  const staffCases = createStaffCaseRepository(db);
  const worklist = createWorklistService({ db, repository: worklistRepository, caseRepository: module.repository, cases, catalogue, clock });
  registerWorklistRoutes(app, { worklist, staffCases });
  registerStaffCaseRoutes(
    app,
    createStaffCaseService({ cases, workflow, catalogue, caseRepository: module.repository, staffCases, worklistRepository, agreements, clock, memberOrganisationIds }),
  );
  registerStaffContactRoutes(app, createStaffContactService({ cases, catalogue, places }), clock);
  registerCaseSharingRoutes(app, cases, clock);
}
