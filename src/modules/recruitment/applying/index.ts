import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { createEqualityRepository } from '../equality/repository.js';
import { registerApplicationRoutes } from './application-routes.js';
import { createApplicationService } from './application-service.js';
import { registerProfileRoutes } from './profile-routes.js';
import { createApplyingRepository } from './repository.js';
import { registerSavedJobRoutes } from './saved-job-routes.js';
import { createYourDataRepository } from './your-data-repository.js';
import { registerYourDataRoutes } from './your-data-routes.js';

export { sendClosingReminders } from './reminders.js';
export { applyRetention } from './retention.js';

export interface ApplyingDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  messages: ApplicantMessages;
}

/**
 * The applicant's side: their profile, saved jobs, applications as a task list that saves as it
 * goes, check answers, submit and withdraw, and their data. Returns what the vacancy's page needs:
 * whether the signed-in applicant has saved the job, and their application for it.
 */
export function createApplying({ db, clock, messages }: ApplyingDependencies) {
  const repository = createApplyingRepository(db);
  const equality = createEqualityRepository(db);
  const applications = createApplicationService({ db, repository, equality, messages });
  return {
    register(app: FastifyInstance): void {
      registerProfileRoutes(app, { repository, clock });
      registerSavedJobRoutes(app, { repository, clock });
      registerApplicationRoutes(app, { repository, equality, applications, clock });
      registerYourDataRoutes(app, { db, yourData: createYourDataRepository(db), clock });
    },
  };
}
