import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import { createAuditBrowseService } from './browse-service.js';
import { auditPaths } from './paths.js';
import { createAuditRepository } from './repository.js';
import { registerAuditRoutes, type AuditOrganisationOptions } from './routes.js';

export interface AuditDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** The organisations a partnership administrator may filter the log by. */
  memberOrganisations: AuditOrganisationOptions;
  staffHome: StaffHome;
}

/** The audit log's staff pages: browse, export, and check that nothing in it has been changed. Every module writes to it through `recordAudit`. */
export function registerAudit(app: FastifyInstance, deps: AuditDependencies): void {
  const audit = createAuditBrowseService({
    db: deps.db,
    repository: createAuditRepository(deps.db),
    clock: deps.clock,
  });
  registerAuditRoutes(app, audit, deps.memberOrganisations);
  deps.staffHome.add({
    href: auditPaths.log,
    text: 'Audit log',
    description: 'Who did what, to which record, and when; export it or check it has not been changed.',
    capability: 'audit.view',
  });
}
