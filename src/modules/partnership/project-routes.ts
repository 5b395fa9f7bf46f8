import type { FastifyInstance, FastifyReply } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../web/form-errors.js';
import { parseIdParam } from '../identity/schemas.js';
import { partnershipPaths as paths } from './paths.js';
import { inFieldOrder, presentProject, projectFormValues } from './presenters.js';
import type { ProjectService } from './project-service.js';
import { PartnershipRuleError } from './rules.js';
import {
  fieldIds,
  lessonFilterSchema,
  projectFieldOrder,
  lessonOutcomeNames,
  lessonSchema,
  organisationTypeNames,
  projectSchema,
  projectStatusNames,
  type ProjectForm,
} from './schemas.js';

const views = 'partnership/views';

interface ProjectFormPage {
  heading: string;
  caption: string;
  members: { id: number; name: string }[];
  values: Record<string, unknown>;
  backLink: string;
  errors?: FormErrors;
}

export function registerProjectRoutes(scope: FastifyInstance, projects: ProjectService): void {
  const renderForm = (reply: FastifyReply, page: ProjectFormPage) =>
    reply.render(`${views}/project-form.njk`, { ...page, statusNames: projectStatusNames });

  /** Parses and saves the project form; on a problem answers 400 with the form as it was typed. */
  async function saveProject(
    reply: FastifyReply,
    body: Record<string, unknown>,
    page: Omit<ProjectFormPage, 'values'>,
    persist: (form: ProjectForm) => Promise<number>,
  ) {
    const form = projectSchema.safeParse(body);
    if (!form.success)
      return renderForm(reply.code(400), {
        ...page,
        values: body,
        errors: inFieldOrder(formErrorsFrom(form.error, fieldIds), projectFieldOrder, fieldIds),
      });
    try {
      const id = await persist(form.data);
      return reply.redirect(`${paths.project({ id })}?saved`, 303);
    } catch (error) {
      if (!(error instanceof PartnershipRuleError)) throw error;
      return renderForm(reply.code(error.statusCode), {
        ...page,
        values: body,
        errors: fieldError(error.field, error.message),
      });
    }
  }

  scope.get<{ Params: { id: string } }>(paths.newProject.pattern, async (request, reply) => {
    const { partnership, members } = await projects.newProjectOptions(request.actor, parseIdParam(request.params));
    return renderForm(reply, {
      heading: 'Add a project',
      caption: partnership.name,
      members,
      values: { status: 'proposed' },
      backLink: paths.partnership({ id: partnership.id }),
    });
  });

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.newProject.pattern,
    async (request, reply) => {
      const { partnership, members } = await projects.newProjectOptions(request.actor, parseIdParam(request.params));
      const page = {
        heading: 'Add a project',
        caption: partnership.name,
        members,
        backLink: paths.partnership({ id: partnership.id }),
      };
      return saveProject(reply, request.body, page, (form) => projects.create(request.actor, partnership.id, form));
    },
  );

  scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    paths.project.pattern,
    async (request, reply) => {
      const { project, members, lessons, mayRecord } = await projects.get(request.actor, parseIdParam(request.params));
      return reply.render(`${views}/project.njk`, {
        paths,
        project: presentProject(project),
        members,
        lessons,
        mayRecord,
        notice: Object.keys(request.query)[0],
        statusNames: projectStatusNames,
        outcomeNames: lessonOutcomeNames,
        typeNames: organisationTypeNames,
        backLink: paths.partnership({ id: project.partnership_id }),
      });
    },
  );

  scope.get<{ Params: { id: string } }>(paths.editProject.pattern, async (request, reply) => {
    const { project, members, chosen } = await projects.editOptions(request.actor, parseIdParam(request.params));
    const chosenIds = chosen.map((member) => member.id);
    return renderForm(reply, {
      heading: 'Change the project',
      caption: project.partnership_name,
      members: withFormerMembers(members, chosen),
      values: projectFormValues(project, chosenIds),
      backLink: paths.project({ id: project.id }),
    });
  });

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.editProject.pattern,
    async (request, reply) => {
      const { project, members, chosen } = await projects.editOptions(request.actor, parseIdParam(request.params));
      const page = {
        heading: 'Change the project',
        caption: project.partnership_name,
        members: withFormerMembers(members, chosen),
        backLink: paths.project({ id: project.id }),
      };
      return saveProject(reply, request.body, page, async (form) => {
        await projects.update(request.actor, project.id, form);
        return project.id;
      });
    },
  );

  const renderLessonForm = (
    reply: FastifyReply,
    project: { id: number; name: string },
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    reply.render(`${views}/lesson-form.njk`, {
      project,
      values,
      errors,
      outcomeNames: lessonOutcomeNames,
      backLink: paths.project({ id: project.id }),
    });

  scope.get<{ Params: { id: string } }>(paths.newLesson.pattern, async (request, reply) => {
    const { project } = await projects.lessonOptions(request.actor, parseIdParam(request.params));
    return renderLessonForm(reply, project, {});
  });

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.newLesson.pattern,
    async (request, reply) => {
      const { project } = await projects.lessonOptions(request.actor, parseIdParam(request.params));
      const form = lessonSchema.safeParse(request.body);
      if (!form.success) return renderLessonForm(reply.code(400), project, request.body, formErrorsFrom(form.error));
      await projects.addLesson(request.actor, project.id, form.data);
      return reply.redirect(`${paths.project({ id: project.id })}?lessonAdded`, 303);
    },
  );

  scope.get<{ Querystring: Record<string, string> }>(paths.lessons, async (request, reply) => {
    const { outcome } = lessonFilterSchema.parse(request.query);
    return reply.render(`${views}/lessons.njk`, {
      paths,
      lessons: await projects.listLessons(request.actor, outcome),
      outcome,
      outcomeNames: lessonOutcomeNames,
      statusNames: projectStatusNames,
      currentSection: 'staff',
    });
  });
}

/** The partnership's members, plus any body named on the project that has since left the partnership. */
function withFormerMembers(members: { id: number; name: string }[], chosen: { id: number; name: string }[]) {
  const former = chosen.filter((organisation) => !members.some((member) => member.id === organisation.id));
  return [
    ...members,
    ...former.map((organisation) => ({ ...organisation, name: `${organisation.name} (no longer a member)` })),
  ];
}
