import type { FastifyInstance } from 'fastify';
import type { CasesModule } from '../index.js';
import { registerReportDetailRoutes } from './details-routes.js';
import { createReportDraftRepository } from './draft-repository.js';
import { createReportDrafts } from './drafts.js';
import { registerReportRoutes } from './routes.js';
import { registerReportSendRoutes } from './send-routes.js';
import { createTrackingProof } from '../track/proof.js';
import { createTrackRepository } from '../track/repository.js';
import { registerTrackRoutes } from '../track/routes.js';
import { registerSatisfactionRoutes } from '../track/satisfaction-routes.js';
import { registerTrackConsentRoutes } from '../track/consent-routes.js';

/** The resident's side of the combined CRM: /report, /track, "your requests" and the satisfaction survey. */
export function registerCitizenCasePages(app: FastifyInstance, module: CasesModule): void {
  const secureCookies = module.config.environment === 'production';
  const drafts = createReportDrafts(createReportDraftRepository(module.db), module.clock, secureCookies);
  const proof = createTrackingProof(module.clock, secureCookies);
  registerReportRoutes(app, module, drafts);
  registerReportDetailRoutes(app, module, drafts);
  registerReportSendRoutes(app, module, drafts, proof);
  registerTrackRoutes(app, module, proof);
  registerTrackConsentRoutes(app, module, proof);
  registerSatisfactionRoutes(app, module, createTrackRepository(module.db));
}
