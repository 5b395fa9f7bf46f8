import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import type { ActiveAgreementFinder } from '../identity/policy.js';
import type { PlacesService } from '../places/service.js';
import { createCaseRepository } from './core/case-repository.js';
import { createCaseService } from './core/case-service.js';
import { createCaseWorkflow } from './core/case-workflow.js';
import { createCatalogueRepository } from './catalogue/repository.js';
import { createCatalogueService } from './catalogue/service.js';
import { registerStaffCases } from './staff/index.js';
import { registerCitizenCasePages } from './report/index.js';
import { registerMaps } from '../maps/module.js';
import { registerOpen311 } from './open311/index.js';
import { registerCatalogueAdminRoutes } from './catalogue/admin-routes.js';

export interface CasesModuleDependencies {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  places: PlacesService;
  agreements: ActiveAgreementFinder;
  referencePrefix: string;
  /** The partnership's member organisations: routing sends requests only to them. */
  memberOrganisationIds: () => Promise<number[]>;
}

/** The combined CRM's services, wired once; its route files each take what they need from here. */
export function createCasesModule(deps: CasesModuleDependencies) {
  const { db, config, clock, agreements } = deps;
  const catalogue = createCatalogueService({ repository: createCatalogueRepository(db), memberOrganisationIds: deps.memberOrganisationIds });
  const repository = createCaseRepository(db);
  const cases = createCaseService({ db, repository, catalogue, agreements, clock, publicUrl: config.publicUrl, referencePrefix: deps.referencePrefix });
  const workflow = createCaseWorkflow({ db, repository, cases, catalogue, agreements, clock, publicUrl: config.publicUrl });
  return { ...deps, catalogue, repository, cases, workflow };
}

export type CasesModule = ReturnType<typeof createCasesModule>;

/** Every page and API of the combined CRM. Each part registers itself here, in one line. */
export function registerCases(app: FastifyInstance, module: CasesModule): void {
  registerMaps(app, module);
  registerStaffCases(app, module);
  registerCitizenCasePages(app, module);
  registerOpen311(app, module);
  registerCatalogueAdminRoutes(app, module);
}
