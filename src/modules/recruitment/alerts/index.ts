import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { JobSearchService } from '../jobs/service.js';
import { createAlertsRepository } from './repository.js';
import { registerAlertRoutes } from './routes.js';
import { createAlertsService } from './service.js';

export { runJobAlerts, type AlertWorkDependencies, type AlertWorkDone } from './send-alerts.js';

/** Job alerts' pages: making, changing and deleting an alert, and the emailed links that stop or keep one. */
export function registerJobAlerts(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; jobs: JobSearchService; clock: () => Date },
): void {
  const alerts = createAlertsService({
    repository: createAlertsRepository(deps.db),
    jobs: deps.jobs,
    clock: deps.clock,
  });
  registerAlertRoutes(app, alerts);
}
