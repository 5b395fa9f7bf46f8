import type { FastifyInstance } from 'fastify';
import type { ActiveAgreementFinder } from '../identity/policy.js';

export { createActiveAgreementFinder } from './agreements-repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The sharing rule (see createActiveAgreementFinder), for modules registered as plugins and for tests. */
    activeAgreements: ActiveAgreementFinder;
  }
}

/** Makes the app's one sharing rule reachable from the app itself. */
export function provideSharingRule(app: FastifyInstance, finder: ActiveAgreementFinder): void {
  app.decorate('activeAgreements', finder);
}
