import type { FastifyInstance } from 'fastify';
import { formErrorsFrom } from '../../../web/form-errors.js';
import { hashToken } from '../../identity/secrets.js';
import type { CaseService } from '../core/case-service.js';
import { casePaths } from '../paths.js';
import type { TrackRepository } from './repository.js';
import { satisfactionNames, satisfactionSchema, satisfactionScores } from './schemas.js';
import { singleValue } from '../../../web/query.js';

const view = (name: string) => `cases/views/track/${name}.njk`;
const choices = satisfactionScores.map((score) => ({ value: score, text: satisfactionNames[score] }));

export interface SatisfactionRouteDependencies {
  cases: CaseService;
}

/** The one-question survey linked from the "resolved" email: one answer per link. */
export function registerSatisfactionRoutes(
  app: FastifyInstance,
  deps: SatisfactionRouteDependencies,
  repository: TrackRepository,
): void {
  app.get<{ Querystring: { token?: string } }>(casePaths.satisfaction, async (request, reply) => {
    const token = (singleValue(request.query.token) ?? '').slice(0, 100);
    const survey = token ? await repository.findSurvey(hashToken(token)) : undefined;
    if (!survey) return reply.code(404).render(view('survey-unavailable'), { answered: false });
    if (survey.responded_at) return reply.code(410).render(view('survey-unavailable'), { answered: true });
    return reply.render(view('survey'), { token, reference: survey.reference, choices });
  });

  app.post<{ Body: Record<string, string> }>(casePaths.satisfaction, async (request, reply) => {
    const token = String(request.body.token ?? '').slice(0, 100);
    const form = satisfactionSchema.safeParse(request.body);
    if (!form.success) {
      const survey = token ? await repository.findSurvey(hashToken(token)) : undefined;
      if (!survey) return reply.code(404).render(view('survey-unavailable'), { answered: false });
      return reply
        .code(400)
        .render(view('survey'), { token, reference: survey.reference, choices, errors: formErrorsFrom(form.error) });
    }
    if (!(await deps.cases.recordSatisfaction(form.data.token, form.data.score))) {
      const survey = await repository.findSurvey(hashToken(form.data.token));
      return reply.code(survey ? 410 : 404).render(view('survey-unavailable'), { answered: survey !== undefined });
    }
    return reply.redirect(casePaths.satisfactionThanks, 303);
  });

  app.get(casePaths.satisfactionThanks, async (_request, reply) =>
    reply.render(view('survey-thanks'), { reportHref: casePaths.report }),
  );
}
