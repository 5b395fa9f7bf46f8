import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { PlacesService } from '../../places/service.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import type { CasePhotos } from '../photos/service.js';
import type { TrackingProof } from '../track/proof.js';
import type { CaseFollowers } from '../core/case-followers.js';
import { registerReportDetailRoutes } from './details-routes.js';
import { registerFollowRoutes } from './follow-routes.js';
import { createReportDraftRepository } from './draft-repository.js';
import { createReportDrafts } from './drafts.js';
import { registerReportRoutes } from './routes.js';
import { registerReportSendRoutes } from './send-routes.js';

export interface ReportDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  secureCookies: boolean;
  signInAttemptsPerMinute: number;
  catalogue: CatalogueService;
  places: PlacesService;
  cases: CaseService;
  repository: CaseRepository;
  photos: CasePhotos;
  photoUploadsPerMinute: number;
  followers: CaseFollowers;
  /** Sending a report proves to this browser that the resident may follow it. */
  proof: TrackingProof;
}

/** /report: the resident's journey from "what" and "where" to a case, saved as a draft at each step. */
export function registerReport(app: FastifyInstance, deps: ReportDependencies): void {
  const drafts = createReportDrafts(createReportDraftRepository(deps.db), deps.clock, deps.secureCookies, (now) =>
    deps.photos.forgetExpiredDrafts(now),
  );
  registerReportRoutes(app, deps, drafts);
  registerReportDetailRoutes(app, deps, drafts);
  registerReportSendRoutes(app, deps, drafts, deps.proof);
  registerFollowRoutes(app, deps);
}
