import type { FastifyInstance } from 'fastify';
import { staffOnly } from '../identity/guards.js';
import { registerAgreementRoutes } from './agreement-routes.js';
import { registerOrganisationRoutes } from './organisation-routes.js';
import { registerPartnershipPages } from './partnership-routes.js';
import { registerProjectRoutes } from './project-routes.js';
import type { PartnershipServices } from './service.js';

/** The staff pages of organisations, partnerships, projects and lessons, and data-sharing agreements. */
export function registerPartnershipRoutes(app: FastifyInstance, services: PartnershipServices): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);
    registerOrganisationRoutes(scope, services.organisations);
    registerPartnershipPages(scope, services.partnerships, services.projects);
    registerProjectRoutes(scope, services.projects);
    registerAgreementRoutes(scope, services.agreements);
  });
}
