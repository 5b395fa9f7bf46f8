import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { staffOnly } from '../../identity/guards.js';
import { NotFoundError } from '../../../shared/errors.js';
import { isMessageStage, recruitmentPlaceholders, type MessageStage } from '../messages/templates.js';
import { recruitmentPaths } from '../paths.js';
import { templateFormSchema } from './schemas.js';
import type { TemplatesService } from './templates-service.js';
import { placeholdersIn, type MessageText } from '../../../shared/message-text.js';
import { stageNames } from '../applications/stages.js';

const views = 'recruitment/pipeline/views';
const paths = recruitmentPaths;
type Params = { Params: { stage: string } };
type Form = { Body: Record<string, unknown> };

/** The stages whose email carries a link in its message: the interview booking and the offer. */
const stagesWithLinks: MessageStage[] = ['interview_invited', 'conditional_offer'];

function stageOf(value: string): MessageStage {
  if (!isMessageStage(value)) throw new NotFoundError();
  return value;
}

/** The employer's emails to applicants, one per stage: change, preview, reset. */
export function registerTemplatesRoutes(app: FastifyInstance, templates: TemplatesService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get(paths.staff.templates, async (request, reply) =>
      reply.render(`${views}/templates.njk`, {
        templates: await templates.list(request.actor),
        paths,
        notice: (request.query as Record<string, unknown>)?.saved,
        currentSection: 'recruitment',
        backLink: paths.staff.home,
      }),
    );

    async function renderTemplate(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      extra: { values?: MessageText; preview?: MessageText; errors?: FormErrors; status?: number } = {},
    ) {
      const stage = stageOf(request.params.stage);
      const current = await templates.get(request.actor, stage);
      return reply.code(extra.status ?? 200).render(`${views}/template.njk`, {
        stage,
        stageName: stageNames[stage],
        values: extra.values ?? current.text,
        preview: extra.preview ?? (extra.errors ? null : current.preview),
        isDefault: current.isDefault,
        placeholders: recruitmentPlaceholders,
        errors: extra.errors,
        paths,
        currentSection: 'recruitment',
        backLink: paths.staff.templates,
      });
    }

    scope.get<Params>(paths.staff.template.pattern, (request, reply) => renderTemplate(request, reply));

    scope.post<Params & Form>(paths.staff.template.pattern, async (request, reply) => {
      const stage = stageOf(request.params.stage);
      const body = request.body ?? {};
      if (body.action === 'reset') {
        await templates.reset(request.actor, stage, request.ip);
        return reply.redirect(`${paths.staff.templates}?saved=${stage}`, 303);
      }
      const form = templateFormSchema.safeParse(body);
      const values = { subject: String(body.subject ?? ''), body: String(body.body ?? '') };
      if (!form.success)
        return renderTemplate(request, reply, { values, errors: formErrorsFrom(form.error), status: 400 });
      const text = { subject: form.data.subject, body: form.data.body };
      // The invitation's and the offer's ((message)) carries the link the applicant answers by.
      if (stagesWithLinks.includes(stage) && !placeholdersIn(text.body).includes('message'))
        return renderTemplate(request, reply, {
          values,
          errors: fieldError('body', 'The body must include ((message)): it holds the link the applicant needs'),
          status: 400,
        });
      if (form.data.action === 'preview')
        return renderTemplate(request, reply, { values: text, preview: templates.preview(request.actor, text) });
      await templates.save(request.actor, stage, text, request.ip);
      return reply.redirect(`${paths.staff.templates}?saved=${stage}`, 303);
    });
  });
}
