import type { FastifyInstance } from 'fastify';
import { questionDatatypes } from '../../../db/schema.js';
import { formErrorsFrom } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { parseIdParam } from '../../identity/schemas.js';
import { attempt, badRequest, catalogueAdminPaths as paths, catalogueViews } from './admin-forms.js';
import {
  datatypeNames,
  moveSchema,
  newQuestionSchema,
  optionsText,
  parseQuestionParams,
  questionSchema,
} from './admin-schemas.js';
import type { CatalogueAdminService } from './admin-service.js';
import type { Question } from './repository.js';

type Params = { Params: { id: string; questionId: string } };

/** A question's form as it first appears. */
function questionValues(question: Question): Record<string, unknown> {
  return {
    label: question.label,
    hint: question.hint,
    datatype: question.datatype,
    required: question.required ? 'yes' : 'no',
    options: optionsText(question.options),
    specialCategory: question.specialCategory ? 'yes' : undefined,
    errorMessage: question.errorMessage,
    dates: question.dates ?? 'any',
  };
}

/** A request type's extra questions: in order, added, changed, moved, and removed while no one has answered them. */
export function registerCatalogueQuestionRoutes(scope: FastifyInstance, admin: CatalogueAdminService): void {
  const common = { paths, datatypes: questionDatatypes, datatypeNames, currentSection: 'staff' };

  scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    paths.questions.pattern,
    async (request, reply) => {
      const id = parseIdParam(request.params);
      const { type, questions } = await admin.questionsOf(request.actor, id);
      return reply.render(`${catalogueViews}/questions.njk`, {
        ...common,
        type,
        questions,
        notice: Object.keys(request.query)[0],
        backLink: paths.type({ id }),
      });
    },
  );

  const newFormContext = async (actor: Actor, typeId: number) => ({
    ...common,
    type: await admin.findType(actor, typeId),
    backLink: paths.questions({ id: typeId }),
  });

  async function editFormContext(actor: Actor, typeId: number, questionId: number) {
    const { type, question } = await admin.findQuestion(actor, typeId, questionId);
    return { ...common, type, question, backLink: paths.questions({ id: typeId }) };
  }

  scope.get<{ Params: { id: string } }>(paths.newQuestion.pattern, async (request, reply) => {
    const context = await newFormContext(request.actor, parseIdParam(request.params));
    return reply.render(`${catalogueViews}/question-form.njk`, {
      ...context,
      values: { required: 'no', dates: 'any' },
    });
  });

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.newQuestion.pattern,
    async (request, reply) => {
      const id = parseIdParam(request.params);
      const context = await newFormContext(request.actor, id);
      const form = newQuestionSchema.safeParse(request.body);
      const errors = form.success
        ? await attempt(() => admin.addQuestion(request.actor, id, form.data))
        : formErrorsFrom(form.error);
      if (errors)
        return reply
          .code(400)
          .render(`${catalogueViews}/question-form.njk`, { ...context, values: request.body, errors });
      return reply.redirect(`${paths.questions({ id })}?added`, 303);
    },
  );

  scope.get<Params>(paths.question.pattern, async (request, reply) => {
    const { id, questionId } = parseQuestionParams(request.params);
    const context = await editFormContext(request.actor, id, questionId);
    return reply.render(`${catalogueViews}/question-form.njk`, {
      ...context,
      values: questionValues(context.question),
    });
  });

  scope.post<Params & { Body: Record<string, unknown> }>(paths.question.pattern, async (request, reply) => {
    const { id, questionId } = parseQuestionParams(request.params);
    const context = await editFormContext(request.actor, id, questionId);
    const form = questionSchema.safeParse(request.body);
    const errors = form.success
      ? await attempt(() => admin.updateQuestion(request.actor, id, questionId, form.data))
      : formErrorsFrom(form.error);
    if (errors)
      return reply
        .code(400)
        .render(`${catalogueViews}/question-form.njk`, { ...context, values: request.body, errors });
    return reply.redirect(`${paths.questions({ id })}?saved`, 303);
  });

  scope.post<Params & { Body: Record<string, unknown> }>(paths.moveQuestion.pattern, async (request, reply) => {
    const { id, questionId } = parseQuestionParams(request.params);
    const move = moveSchema.safeParse(request.body);
    if (!move.success) throw badRequest();
    await admin.moveQuestion(request.actor, id, questionId, move.data.direction);
    return reply.redirect(`${paths.questions({ id })}?moved`, 303);
  });

  async function removeContext(actor: Actor, typeId: number, questionId: number) {
    const { type, question } = await admin.findQuestion(actor, typeId, questionId);
    const answered = await admin.casesAnswering(actor, typeId, questionId);
    return { ...common, type, question, answered, backLink: paths.questions({ id: typeId }) };
  }

  scope.get<Params>(paths.removeQuestion.pattern, async (request, reply) => {
    const { id, questionId } = parseQuestionParams(request.params);
    return reply.render(`${catalogueViews}/question-remove.njk`, await removeContext(request.actor, id, questionId));
  });

  scope.post<Params>(paths.removeQuestion.pattern, async (request, reply) => {
    const { id, questionId } = parseQuestionParams(request.params);
    const refused = await attempt(() => admin.removeQuestion(request.actor, id, questionId));
    // Refused when someone answered it since the page was shown: the page now says why, and offers the alternative.
    if (refused)
      return reply
        .code(409)
        .render(`${catalogueViews}/question-remove.njk`, await removeContext(request.actor, id, questionId));
    return reply.redirect(`${paths.questions({ id })}?removed`, 303);
  });

  scope.post<Params>(paths.optionalQuestion.pattern, async (request, reply) => {
    const { id, questionId } = parseQuestionParams(request.params);
    await admin.makeQuestionOptional(request.actor, id, questionId);
    return reply.redirect(`${paths.questions({ id })}?madeOptional`, 303);
  });
}
