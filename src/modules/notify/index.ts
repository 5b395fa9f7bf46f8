import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import { notifyPaths } from './paths.js';
import { createOutboxRepository } from './repository.js';
import { registerNotifyRoutes } from './routes.js';
import { createOutboxService } from './service.js';

export interface NotifyDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** False when no SMTP server is configured: email then waits in the outbox, unsent. */
  sending: boolean;
  staffHome: StaffHome;
}

/** The email outbox's staff pages. Modules queue email with `queueEmail` in their own transactions; the worker sends it. */
export function registerNotify(app: FastifyInstance, deps: NotifyDependencies): void {
  registerNotifyRoutes(
    app,
    createOutboxService({ db: deps.db, repository: createOutboxRepository(deps.db), clock: deps.clock }),
    { sending: deps.sending },
  );
  deps.staffHome.add({
    href: notifyPaths.outbox,
    text: 'Email outbox',
    description: 'Every email the service sends: waiting, sent or failed, and why.',
    capability: 'outbox.view',
  });
}
