import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../../shared/errors.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { casePaths } from '../paths.js';
import { sharingPaths } from '../sharing-paths.js';
import { mayFollow } from './routes.js';
import type { TrackingProof } from './proof.js';

type ReferenceRequest = FastifyRequest<{ Params: { reference: string } }>;

export interface TrackConsentRouteDependencies {
  cases: CaseService;
  repository: CaseRepository;
  clock: () => Date;
  signInAttemptsPerMinute: number;
}

/**
 * The resident withdraws the consent they gave a partner (an adviser) to see their request: from
 * their own tracking page, so only whoever may follow the request — the signed-in resident who made
 * it, or the browser that proved its reference and email. The partner loses it at once.
 */
export function registerTrackConsentRoutes(
  app: FastifyInstance,
  deps: TrackConsentRouteDependencies,
  proof: TrackingProof,
): void {
  const { cases, repository, clock, signInAttemptsPerMinute } = deps;
  const limited = { config: { rateLimit: { max: signInAttemptsPerMinute, timeWindow: '1 minute' } } };

  app.post(sharingPaths.residentWithdrawConsent.pattern, limited, async (request: ReferenceRequest, reply) => {
    const record = await repository.findByReference(request.params.reference.toUpperCase());
    if (!record || !mayFollow(request.actor, record, proof.provenCaseId(request))) throw new ForbiddenError();
    await cases.sharing.withdrawConsent(request.actor, record.id, clock(), 'resident');
    return reply.redirect(`${casePaths.trackCase({ reference: record.reference })}?consentWithdrawn=yes`, 303);
  });
}
