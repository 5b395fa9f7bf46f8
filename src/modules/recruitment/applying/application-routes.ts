import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CitizenActor } from '../../../shared/actor.js';
import { formatDateTime } from '../../../shared/dates.js';
import { NotFoundError } from '../../../shared/errors.js';
import { single } from '../../../shared/form-values.js';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { citizenOnly } from '../../identity/guards.js';
import { identityPaths } from '../../identity/paths.js';
import { isFinalStage, stageNames } from '../applications/stages.js';
import type { EqualityRepository } from '../equality/repository.js';
import { equalityQuestions, equalitySchema, PREFER_NOT_TO_SAY, type EqualityAnswers } from '../equality/questions.js';
import { recruitmentPaths } from '../paths.js';
import { isOpenForApplications, vacancyPhase, type VacancyPhase } from '../vacancies/phase.js';
import {
  applicationSections,
  closedAt,
  DeadlinePassed,
  isSectionKey,
  missingSections,
  NotADraft,
  NotReady,
  sectionStatuses,
  type ApplicationService,
} from './application-service.js';
import { listSectionPage, personalPage, saveList, savePersonal, view, type SectionTarget } from './content-sections.js';
import { listSections, type ListSection } from './list-kinds.js';
import { answerCards } from './presenters.js';
import type { ApplicationRow, ApplyingRepository, Criterion, VacancySummary } from './repository.js';
import {
  adjustmentsSchema,
  ADJUSTMENTS_LIMIT,
  CRITERION_WORD_LIMIT,
  declarationSchema,
  guaranteedInterviewNames,
  guaranteedInterviewSchemes,
  parseId,
  pressed,
  statementSchema,
} from './schemas.js';

const paths = recruitmentPaths.applicant;
type Body = Record<string, unknown>;
type IdRequest = FastifyRequest<{
  Params: { id: string; section?: string };
  Querystring: Record<string, string>;
  Body: Body;
}>;

export interface ApplicationRouteDependencies {
  repository: ApplyingRepository;
  equality: EqualityRepository;
  applications: ApplicationService;
  clock: () => Date;
}

/** Vacancies nobody outside the employer may know of yet: not found. */
const notPublic = new Set<VacancyPhase>(['draft', 'awaiting_approval', 'scheduled']);

const statusTags = {
  completed: { text: 'Completed' },
  in_progress: { tag: { text: 'In progress', classes: 'govuk-tag--light-blue' } },
  not_started: { tag: { text: 'Not started', classes: 'govuk-tag--blue' } },
} as const;

/** Starting an application, its task list and sections, check answers and submit, withdrawing, and the list of them. */
export function registerApplicationRoutes(app: FastifyInstance, deps: ApplicationRouteDependencies): void {
  const { repository, equality, applications, clock } = deps;

  /** The signed-in applicant's own application, or "not found" for anyone else's. */
  async function ownApplication(request: IdRequest) {
    const id = parseId(request.params.id);
    if (id === null) throw new NotFoundError();
    return applications.own(request.actor as CitizenActor, id);
  }

  function closedPage(reply: FastifyReply, vacancy: VacancySummary, applicationId: number | null) {
    return reply.code(409).render(view('closed'), {
      pageTitle: 'This vacancy has closed',
      title: vacancy.title,
      employer: vacancy.employer_name,
      closedAt: formatDateTime(closedAt(vacancy)),
      applicationHref: applicationId === null ? null : paths.application({ id: applicationId }),
      applicationsHref: paths.applications,
    });
  }

  /** Runs a change of a draft, answering a closed vacancy or a submitted application as the applicant should read it. */
  async function changing(
    reply: FastifyReply,
    application: ApplicationRow,
    vacancy: VacancySummary,
    change: () => Promise<unknown>,
  ) {
    try {
      return await change();
    } catch (error) {
      if (error instanceof DeadlinePassed) return closedPage(reply, vacancy, application.id);
      if (error instanceof NotADraft) return reply.redirect(paths.application({ id: application.id }), 303);
      throw error;
    }
  }

  function targetFor(request: IdRequest, application: ApplicationRow, vacancy: VacancySummary): SectionTarget {
    return {
      kind: 'application',
      content: application,
      href: (section) => paths.section({ id: application.id, section }),
      home: paths.application({ id: application.id }),
      caption: `${vacancy.title}, ${vacancy.employer_name}`,
      save: (section, columns, complete) =>
        applications.saveSection(request.actor as CitizenActor, application.id, {
          section: section as never,
          values: Object.fromEntries(Object.entries(columns).map(([key, value]) => [key, JSON.stringify(value)])),
          complete,
          now: clock(),
          ipAddress: request.ip,
        }),
    };
  }

  app.register(async (scope) => {
    // Starting from a vacancy's page: someone not signed in is sent to sign in (or register) and back here.
    scope.post(paths.start.pattern, async (request: FastifyRequest<{ Params: { slug: string } }>, reply) => {
      const back = paths.start({ slug: request.params.slug });
      if (request.actor.kind !== 'citizen')
        return reply.redirect(`${identityPaths.citizen.signIn}?next=${encodeURIComponent(back)}`, 303);
      const vacancy = await repository.vacancyByAddress(request.params.slug);
      if (!vacancy || notPublic.has(vacancyPhase(vacancy, clock()))) throw new NotFoundError();
      try {
        const id = await applications.start(request.actor, vacancy, clock());
        return reply.redirect(paths.application({ id }), 303);
      } catch (error) {
        if (error instanceof DeadlinePassed) return closedPage(reply, vacancy, null);
        throw error;
      }
    });
  });

  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    scope.get(paths.start.pattern, async (request: FastifyRequest<{ Params: { slug: string } }>, reply) => {
      const vacancy = await repository.vacancyByAddress(request.params.slug);
      const phase = vacancy ? vacancyPhase(vacancy, clock()) : null;
      if (!vacancy || notPublic.has(phase!)) throw new NotFoundError();
      const actor = request.actor as CitizenActor;
      const existing = await repository.applicationFor(actor.citizenId, vacancy.id);
      if (existing) return reply.redirect(paths.application({ id: existing.id }), 303);
      if (phase !== 'live') return closedPage(reply, vacancy, null);
      return reply.render(view('start'), {
        pageTitle: `Apply for ${vacancy.title}`,
        vacancy,
        closes: formatDateTime(vacancy.closes_at),
        action: paths.start({ slug: vacancy.slug }),
        jobHref: recruitmentPaths.job({ slug: vacancy.slug }),
        profileHref: paths.profile,
        backLink: recruitmentPaths.job({ slug: vacancy.slug }),
      });
    });

    scope.get(paths.applications, async (request, reply) => {
      const actor = request.actor as CitizenActor;
      const now = clock();
      const rows = await repository.applicationsOf(actor.citizenId);
      return reply.render(view('applications'), {
        pageTitle: 'Your applications',
        currentSection: 'jobs',
        applications: rows.map((row) => ({
          href: paths.application({ id: row.id }),
          title: row.title,
          employer: row.employer_name,
          stage: stageNames[row.status],
          closes: formatDateTime(row.closes_at),
          closed:
            vacancyPhase({ status: row.vacancy_status, publish_at: row.publish_at, closes_at: row.closes_at }, now) !==
            'live',
        })),
        profileHref: paths.profile,
        savedJobsHref: paths.savedJobs,
        yourDataHref: paths.yourData,
      });
    });

    scope.get(paths.application.pattern, async (request: IdRequest, reply) => {
      const { application, vacancy } = await ownApplication(request);
      const now = clock();
      const criteria = await repository.criteriaOf(vacancy.id);
      const answered = (await equality.answersOf(application.id)) !== null;
      const common = {
        pageTitle: vacancy.title,
        currentSection: 'jobs',
        vacancy,
        stage: stageNames[application.status],
        closes: formatDateTime(vacancy.closes_at),
        backLink: paths.applications,
      };
      if (application.status !== 'draft')
        return reply.render(view('application'), {
          ...common,
          submittedAt: application.submitted_at ? formatDateTime(application.submitted_at) : null,
          cards: answerCards(application, criteria, answered, now),
          interviewHref: application.status === 'interview_invited' ? paths.interview({ id: application.id }) : null,
          offerHref: application.status === 'conditional_offer' ? paths.offer({ id: application.id }) : null,
          withdrawHref: isFinalStage(application.status) ? null : paths.withdraw({ id: application.id }),
          withdrawn: request.query.withdrawn === 'yes',
        });
      const statuses = sectionStatuses(application, answered);
      const open = isOpenForApplications(vacancy, now);
      const ready = missingSections(application, criteria, now).length === 0;
      return reply.render(view('task-list'), {
        ...common,
        open,
        closedAt: formatDateTime(closedAt(vacancy)),
        savedForLater: request.query.saved === 'later',
        tasks: applicationSections.map((section) => ({
          title: { text: section.name },
          hint: section.optional ? { text: 'Optional' } : undefined,
          href: open ? paths.section({ id: application.id, section: section.key }) : undefined,
          status: statusTags[statuses[section.key]],
        })),
        checkTask: {
          title: { text: 'Check your answers and submit' },
          href: open && ready ? paths.checkAnswers({ id: application.id }) : undefined,
          status: ready
            ? statusTags.not_started
            : { text: 'Cannot start yet', classes: 'govuk-task-list__status--cannot-start-yet' },
        },
        completedCount: applicationSections.filter((section) => statuses[section.key] === 'completed').length,
        sectionCount: applicationSections.length,
        withdrawHref: paths.withdraw({ id: application.id }),
      });
    });

    scope.get(paths.section.pattern, async (request: IdRequest, reply) => {
      const { application, vacancy } = await ownApplication(request);
      const section = request.params.section ?? '';
      if (!isSectionKey(section)) throw new NotFoundError();
      if (application.status !== 'draft') return reply.redirect(paths.application({ id: application.id }), 303);
      if (!isOpenForApplications(vacancy, clock())) return closedPage(reply, vacancy, application.id);
      const target = targetFor(request, application, vacancy);
      if (section === 'personal') return personalPage(reply, target);
      if (listSections.includes(section as ListSection))
        return listSectionPage(reply, target, section as ListSection, request.query, clock());
      if (section === 'statement')
        return statementPage(reply, target, await repository.criteriaOf(vacancy.id), statementValues(application));
      if (section === 'adjustments')
        return adjustmentsPage(reply, target, {
          adjustments: application.adjustments,
          guaranteed_interview: application.guaranteed_interview,
        });
      return equalityPage(reply, target, (await equality.answersOf(application.id)) ?? {});
    });

    scope.post(paths.section.pattern, async (request: IdRequest, reply) => {
      const { application, vacancy } = await ownApplication(request);
      const section = request.params.section ?? '';
      if (!isSectionKey(section)) throw new NotFoundError();
      const body = request.body ?? {};
      const target = targetFor(request, application, vacancy);
      const complete = pressed(body) === 'complete';
      const done = () => reply.redirect(complete ? target.home : `${target.home}?saved=later`, 303);
      return changing(reply, application, vacancy, async () => {
        // Checked before the form, so that a post after the deadline says so whatever it held.
        if (application.status !== 'draft') throw new NotADraft();
        if (!isOpenForApplications(vacancy, clock())) throw new DeadlinePassed(closedAt(vacancy));
        if (section === 'personal') return savePersonal(reply, target, body);
        if (listSections.includes(section as ListSection))
          return saveList(reply, target, section as ListSection, body, clock());
        if (section === 'statement') {
          const criteria = await repository.criteriaOf(vacancy.id);
          const form = statementSchema(criteria, complete).safeParse(body);
          if (!form.success) return statementPage(reply, target, criteria, body, formErrorsFrom(form.error));
          const answers = Object.fromEntries(
            criteria.map((criterion) => [String(criterion.id), String(form.data[`criterion-${criterion.id}`] ?? '')]),
          );
          await applications.saveSection(request.actor as CitizenActor, application.id, {
            section,
            values: { criteria_answers: JSON.stringify(answers) },
            complete,
            now: clock(),
            ipAddress: request.ip,
          });
          return done();
        }
        if (section === 'adjustments') {
          const form = adjustmentsSchema.safeParse(body);
          if (!form.success)
            return adjustmentsPage(
              reply,
              target,
              { adjustments: single(body.adjustments), guaranteed_interview: [body.guaranteed_interview ?? []].flat() },
              formErrorsFrom(form.error),
            );
          await applications.saveSection(request.actor as CitizenActor, application.id, {
            section,
            values: { adjustments: form.data.adjustments, guaranteed_interview: form.data.guaranteed_interview },
            complete,
            now: clock(),
            ipAddress: request.ip,
          });
          return done();
        }
        const form = equalitySchema.safeParse(body);
        if (!form.success) return equalityPage(reply, target, body, formErrorsFrom(form.error));
        await applications.saveSection(request.actor as CitizenActor, application.id, {
          section,
          equality: form.data as EqualityAnswers,
          complete,
          now: clock(),
          ipAddress: request.ip,
        });
        return done();
      });
    });

    async function checkAnswersPage(request: IdRequest, reply: FastifyReply, errors?: FormErrors) {
      const { application, vacancy } = await ownApplication(request);
      if (application.status !== 'draft') return reply.redirect(paths.application({ id: application.id }), 303);
      const now = clock();
      if (!isOpenForApplications(vacancy, now)) return closedPage(reply, vacancy, application.id);
      const criteria = await repository.criteriaOf(vacancy.id);
      const missing = missingSections(application, criteria, now);
      const answered = (await equality.answersOf(application.id)) !== null;
      return reply.code(errors ? 400 : 200).render(view('check-answers'), {
        pageTitle: 'Check your answers before you submit your application',
        vacancy,
        cards: answerCards(application, criteria, answered, now).map((card) => ({
          ...card,
          changeHref: paths.section({ id: application.id, section: card.key }),
        })),
        missing: missing.map((key) => ({
          text: `Complete ${applicationSections.find((section) => section.key === key)!.name.toLowerCase()}`,
          href: paths.section({ id: application.id, section: key }),
        })),
        action: paths.checkAnswers({ id: application.id }),
        backLink: paths.application({ id: application.id }),
        errors,
      });
    }

    scope.get(paths.checkAnswers.pattern, (request: IdRequest, reply) => checkAnswersPage(request, reply));

    scope.post(paths.checkAnswers.pattern, async (request: IdRequest, reply) => {
      const { application, vacancy } = await ownApplication(request);
      const form = declarationSchema.safeParse(request.body ?? {});
      if (!form.success) return checkAnswersPage(request, reply, formErrorsFrom(form.error));
      return changing(reply, application, vacancy, async () => {
        try {
          await applications.submit(request.actor as CitizenActor, application.id, clock(), request.ip);
        } catch (error) {
          if (!(error instanceof NotReady)) throw error;
          return checkAnswersPage(request, reply, {
            summary: error.sections.map((key) => ({
              text: `Complete ${applicationSections.find((section) => section.key === key)!.name.toLowerCase()}`,
              href: paths.section({ id: application.id, section: key }),
            })),
            fields: {},
          });
        }
        return reply.render(view('submitted'), {
          pageTitle: 'Application submitted',
          vacancy,
          applicationHref: paths.application({ id: application.id }),
          applicationsHref: paths.applications,
        });
      });
    });

    scope.get(paths.withdraw.pattern, async (request: IdRequest, reply) => {
      const { application, vacancy } = await ownApplication(request);
      if (isFinalStage(application.status)) return reply.redirect(paths.application({ id: application.id }), 303);
      return reply.render(view('withdraw'), {
        pageTitle: `Withdraw your application for ${vacancy.title}`,
        vacancy,
        action: paths.withdraw({ id: application.id }),
        backLink: paths.application({ id: application.id }),
      });
    });

    scope.post(paths.withdraw.pattern, async (request: IdRequest, reply) => {
      const { application } = await ownApplication(request);
      await applications.withdraw(request.actor as CitizenActor, application.id, clock(), request.ip);
      return reply.redirect(`${paths.application({ id: application.id })}?withdrawn=yes`, 303);
    });
  });
}

function statementValues(application: ApplicationRow): Body {
  return Object.fromEntries(
    Object.entries(application.criteria_answers ?? {}).map(([id, answer]) => [`criterion-${id}`, answer]),
  );
}

function statementPage(
  reply: FastifyReply,
  target: SectionTarget,
  criteria: readonly Criterion[],
  values: Body,
  errors?: FormErrors,
) {
  return reply.code(errors ? 400 : 200).render(view('section-statement'), {
    pageTitle: 'Supporting statement',
    target,
    backLink: target.home,
    action: target.href('statement'),
    criteria: criteria.map((criterion) => ({
      ...criterion,
      name: `criterion-${criterion.id}`,
      value: String(single(values[`criterion-${criterion.id}`]) ?? ''),
    })),
    wordLimit: CRITERION_WORD_LIMIT,
    errors,
  });
}

function adjustmentsPage(
  reply: FastifyReply,
  target: SectionTarget,
  values: { adjustments: unknown; guaranteed_interview: unknown[] },
  errors?: FormErrors,
) {
  return reply.code(errors ? 400 : 200).render(view('section-adjustments'), {
    pageTitle: 'Adjustments and guaranteed interviews',
    target,
    backLink: target.home,
    action: target.href('adjustments'),
    values,
    schemes: guaranteedInterviewSchemes.map((scheme) => ({
      value: scheme,
      text: guaranteedInterviewNames[scheme].text,
      hint: { text: guaranteedInterviewNames[scheme].hint },
      checked: values.guaranteed_interview.includes(scheme),
    })),
    limit: ADJUSTMENTS_LIMIT,
    errors,
  });
}

function equalityPage(
  reply: FastifyReply,
  target: SectionTarget,
  values: Record<string, unknown>,
  errors?: FormErrors,
) {
  return reply.code(errors ? 400 : 200).render(view('section-equality'), {
    pageTitle: 'Equality monitoring',
    target,
    backLink: target.home,
    action: target.href('equality'),
    questions: equalityQuestions.map((question) => ({
      field: question.field,
      question: question.question,
      hint: question.hint,
      items: [
        ...question.options.map((option) => ({ ...option, checked: single(values[question.field]) === option.value })),
        { divider: 'or' },
        {
          value: PREFER_NOT_TO_SAY,
          text: 'Prefer not to say',
          checked: single(values[question.field]) === PREFER_NOT_TO_SAY,
        },
      ],
    })),
    errors,
  });
}
