import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CitizenActor } from '../../../shared/actor.js';
import { formatDateTime } from '../../../shared/dates.js';
import { NotFoundError } from '../../../shared/errors.js';
import { safeReturnPath } from '../../../web/redirects.js';
import { citizenOnly } from '../../identity/guards.js';
import { identityPaths } from '../../identity/paths.js';
import { recruitmentPaths } from '../paths.js';
import { vacancyPhase } from '../vacancies/phase.js';
import { view } from './content-sections.js';
import type { ApplyingRepository } from './repository.js';

const paths = recruitmentPaths.applicant;
/** Vacancies nobody outside the employer may know of yet. */
const unpublished = new Set(['draft', 'awaiting_approval', 'scheduled']);

export interface SavedJobRouteDependencies {
  repository: ApplyingRepository;
  clock: () => Date;
}

/** Saving a job to come back to (a toggle on the vacancy's page), and the list of saved jobs. */
export function registerSavedJobRoutes(app: FastifyInstance, { repository, clock }: SavedJobRouteDependencies): void {
  app.post(
    paths.saveJob.pattern,
    async (request: FastifyRequest<{ Params: { slug: string }; Body: Record<string, unknown> }>, reply) => {
      const jobPage = recruitmentPaths.job({ slug: request.params.slug });
      if (request.actor.kind !== 'citizen')
        return reply.redirect(`${identityPaths.citizen.signIn}?next=${encodeURIComponent(jobPage)}`, 303);
      const vacancy = await repository.vacancyByAddress(request.params.slug);
      if (!vacancy || unpublished.has(vacancyPhase(vacancy, clock()))) throw new NotFoundError();
      const saved = await repository.toggleSaved(request.actor.citizenId, vacancy.id, clock());
      const back = safeReturnPath(request.body?.next, recruitmentPaths.job({ slug: vacancy.slug }));
      return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}saved=${saved ? 'yes' : 'no'}`, 303);
    },
  );

  app.get(paths.savedJobs, { preHandler: citizenOnly }, async (request, reply) => {
    const actor = request.actor as CitizenActor;
    const now = clock();
    const rows = await repository.savedJobsOf(actor.citizenId);
    return reply.render(view('saved-jobs'), {
      pageTitle: 'Your saved jobs',
      currentSection: 'jobs',
      jobs: rows.map((row) => {
        const live = vacancyPhase(row, now) === 'live';
        return {
          title: row.title,
          employer: row.employer_name,
          href: recruitmentPaths.job({ slug: row.slug }),
          closes: formatDateTime(row.closes_at),
          closed: !live && vacancyPhase(row, now) !== 'scheduled',
          applicationHref: row.application_id === null ? null : paths.application({ id: row.application_id }),
          startHref: live && row.application_id === null ? paths.start({ slug: row.slug }) : null,
          unsaveAction: paths.saveJob({ slug: row.slug }),
        };
      }),
      next: paths.savedJobs,
      applicationsHref: paths.applications,
    });
  });
}
