import type { FastifyInstance } from 'fastify';
import type { CasesModule } from './module.js';
import { createStaffCaseRepository } from './staff-case-repository.js';
import { registerStaffCaseRoutes } from './staff-case-routes.js';
import { createStaffCaseService } from './staff-case-service.js';
import { registerStaffContactRoutes } from './staff-contact-routes.js';
import { createStaffContactService } from './staff-contact-service.js';
import { createWorklistRepository } from './worklist-repository.js';
import { registerWorklistRoutes } from './worklist-routes.js';
import { createWorklistService } from './worklist-service.js';
import { registerCaseSharingRoutes } from './case-sharing-routes.js';

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
