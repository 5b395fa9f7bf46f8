import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import type { CaseWorkflow } from '../core/case-workflow.js';
import { registerTrackConsentRoutes } from './consent-routes.js';
import type { TrackingProof } from './proof.js';
import { createTrackRepository } from './repository.js';
import { registerTrackRoutes } from './routes.js';
import { registerSatisfactionRoutes } from './satisfaction-routes.js';

export { createTrackingProof, type TrackingProof } from './proof.js';

export interface TrackDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  signInAttemptsPerMinute: number;
  cases: CaseService;
  workflow: CaseWorkflow;
  repository: CaseRepository;
  proof: TrackingProof;
}

/** Following a request: /track, "your requests", reopening, withdrawing consent, and the satisfaction survey. */
export function registerTrack(app: FastifyInstance, deps: TrackDependencies): void {
  registerTrackRoutes(app, deps, deps.proof);
  registerTrackConsentRoutes(app, deps, deps.proof);
  registerSatisfactionRoutes(app, deps, createTrackRepository(deps.db));
}
