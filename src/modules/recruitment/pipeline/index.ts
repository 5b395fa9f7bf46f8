import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { registerPipelineApplicantRoutes } from './applicant-routes.js';
import { createApplicationsService } from './applications-service.js';
import { createChecksService } from './checks-service.js';
import { createInterviewsService } from './interviews-service.js';
import { createMovesService } from './moves-service.js';
import { createScoresService } from './scores-service.js';
import { registerPipelineStaffRoutes } from './staff-routes.js';
import { createTemplatesService } from './templates-service.js';
import { registerTemplatesRoutes } from './templates-routes.js';

export interface PipelineDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  messages: ApplicantMessages;
  publicUrl: string;
}

/**
 * The employer's pipeline (docs/recruitment-pipeline.md): a vacancy's applications, anonymised
 * until shortlisted; the panel's scores; stage moves one at a time or in bulk; interview slots the
 * applicant books; the offer; pre-employment checks with referees answering by link; the emails' wording.
 */
export function createPipeline(deps: PipelineDependencies) {
  const services = {
    applications: createApplicationsService(deps),
    moves: createMovesService(deps),
    scores: createScoresService(deps),
    interviews: createInterviewsService(deps),
    checks: createChecksService(deps),
    templates: createTemplatesService(deps),
  };
  return {
    ...services,
    register(app: FastifyInstance): void {
      registerPipelineStaffRoutes(app, services);
      registerPipelineApplicantRoutes(app, services);
      registerTemplatesRoutes(app, services.templates);
    },
  };
}
