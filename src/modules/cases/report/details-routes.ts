import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dayInEngland } from '../../../shared/dates.js';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { identityPaths } from '../../identity/paths.js';
import { checkAnswers } from '../core/answers.js';
import type { CatalogueService } from '../catalogue/service.js';
import { NotFoundError } from '../../../shared/errors.js';
import { parseIdParam } from '../../identity/schemas.js';
import { casePaths } from '../paths.js';
import { PHOTO_FIELD } from '../photos/limits.js';
import type { CasePhotos } from '../photos/service.js';
import { nextPath, stepPaths, type AboutYou, type ReportDraft } from './draft.js';
import type { ReportDrafts } from './drafts.js';
import { fieldId, questionFields, readAnswers } from './questions.js';
import { isChanging, reportView, resumeIfSkipped } from './routes.js';
import { DESCRIPTION_LIMIT, descriptionSchema, guestDetailsSchema, identifySchema } from './schemas.js';

type ChangeQuery = { Querystring: { change?: string } };
type FormBody = { Body: Record<string, string | string[] | undefined> };

export interface ReportDetailRouteDependencies {
  catalogue: CatalogueService;
  clock: () => Date;
  photos: CasePhotos;
  /** The questions page takes photos: each post may carry megabytes to decode. */
  photoUploadsPerMinute: number;
}

/** The middle of the journey: the kind's own questions and the description, then who is reporting. */
export function registerReportDetailRoutes(
  app: FastifyInstance,
  deps: ReportDetailRouteDependencies,
  drafts: ReportDrafts,
): void {
  const { catalogue, clock, photos } = deps;
  const takesPhotos = {
    config: { takesUploads: true, rateLimit: { max: deps.photoUploadsPerMinute, timeWindow: '1 minute' } },
  };
  const draftId = async (request: FastifyRequest) => {
    const state = await drafts.load(request);
    return state.state === 'editing' ? state.id : undefined;
  };
  const back = (change: boolean, path: string) => (change ? stepPaths.check : path);

  app.get<ChangeQuery>(casePaths.reportStep.questions, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('questions', draft, request, reply)) return reply;
    const change = isChanging(request.query.change);
    const questions = await catalogue.questions(draft.routed!.requestTypeId);
    const fields = draft.questions?.fields ?? {};
    const id = await draftId(request);
    const added = id === undefined ? [] : await photos.forDraft(id);
    return reply.render(reportView('questions'), {
      photoCount: added.length,
      addedPhotos: added,
      typeName: draft.routed!.typeName,
      questions: questionFields(questions, fields),
      description: draft.questions?.description ?? '',
      limit: DESCRIPTION_LIMIT,
      change,
      backLink: back(change, casePaths.reportStep.where),
    });
  });

  app.post<FormBody>(casePaths.reportStep.questions, takesPhotos, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('questions', draft, request, reply)) return reply;
    const id = await draftId(request);
    const photoCount = id === undefined ? 0 : await photos.countForDraft(id);
    const change = isChanging(request.body.change);
    const questions = await catalogue.questions(draft.routed!.requestTypeId);
    const read = readAnswers(questions, request.body);
    const checked = checkAnswers(questions, read.answers, dayInEngland(clock()));
    const description = descriptionSchema.safeParse(request.body);

    // Every message, in the order of the fields on the page: the questions, then the description.
    const questionErrors = { ...(checked.valid ? {} : checked.errors), ...read.errors };
    const errors: FormErrors = { summary: [], fields: {} };
    for (const question of questions) {
      const message = questionErrors[question.code];
      if (message) errors.summary.push({ text: message, href: `#${fieldId(question)}` });
    }
    if (!description.success) {
      const described = formErrorsFrom(description.error);
      errors.summary.push(...described.summary);
      Object.assign(errors.fields, described.fields);
    }
    // Photos last, as on the page; checked (and decoded) only once everything else is right, as a
    // resident must select them again after any error: a browser never keeps a chosen file.
    const checkedPhotos =
      errors.summary.length > 0 || !description.success ? undefined : await photos.check(request.uploads, photoCount);
    if (checkedPhotos && 'error' in checkedPhotos) {
      errors.summary.push({ text: checkedPhotos.error, href: `#${PHOTO_FIELD}` });
      errors.fields[PHOTO_FIELD] = { text: checkedPhotos.error };
    }
    if (errors.summary.length > 0 || !description.success || !checkedPhotos || 'error' in checkedPhotos) {
      return reply.code(400).render(reportView('questions'), {
        photoCount,
        addedPhotos: id === undefined ? [] : await photos.forDraft(id),
        typeName: draft.routed!.typeName,
        questions: questionFields(questions, read.fields, questionErrors),
        description: String(request.body.description ?? ''),
        limit: DESCRIPTION_LIMIT,
        change,
        errors,
        backLink: back(change, casePaths.reportStep.where),
      });
    }
    const updated: ReportDraft = {
      ...draft,
      questions: { fields: read.fields, answers: read.answers, description: description.data.description },
    };
    // The answers and the photos in one transaction: a failure saves neither.
    const saved = await drafts.saveWith(request, updated, async (trx, reportDraftId) => {
      await photos.attach(trx, { reportDraftId }, checkedPhotos.photos);
    });
    if (!saved) return reply.redirect(casePaths.report, 303);
    return reply.redirect(nextPath('questions', updated, request.actor, change), 303);
  });

  app.get<{ Params: { id: string } }>(casePaths.reportPhotoThumbnail.pattern, async (request, reply) => {
    const id = await draftId(request);
    if (id === undefined) throw new NotFoundError();
    const bytes = await photos.draftThumbnail(id, parseIdParam(request.params));
    return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(bytes);
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    casePaths.removeReportPhoto.pattern,
    async (request, reply) => {
      const id = await draftId(request);
      if (id === undefined) throw new NotFoundError();
      await photos.removeFromDraft(id, parseIdParam(request.params));
      const change = isChanging(request.body.change);
      return reply.redirect(`${casePaths.reportStep.questions}${change ? '?change=yes' : ''}`, 303);
    },
  );

  const aboutContext = (draft: ReportDraft, change: boolean) => {
    const returnTo = `${casePaths.reportStep.aboutYou}${change ? '?change=yes' : ''}`;
    return {
      typeName: draft.routed!.typeName,
      allowsAnonymous: draft.routed!.allowsAnonymous,
      signInHref: `${identityPaths.citizen.signIn}?next=${encodeURIComponent(returnTo)}`,
      registerHref: `${identityPaths.citizen.register}?next=${encodeURIComponent(returnTo)}`,
      change,
      backLink: back(change, casePaths.reportStep.questions),
    };
  };

  app.get<ChangeQuery>(casePaths.reportStep.aboutYou, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('about', draft, request, reply)) return reply;
    // A signed-in resident is the reporter: nothing to ask (this is where signing in returns to).
    if (request.actor.kind === 'citizen') return reply.redirect(nextPath('about', draft, request.actor, false), 303);
    const about = draft.about;
    const values =
      about?.kind === 'guest'
        ? { identify: 'details', name: about.name, email: about.email, phone: about.phone ?? '' }
        : { identify: about?.kind === 'anonymous' ? 'anonymous' : undefined };
    return reply.render(reportView('about-you'), { ...aboutContext(draft, isChanging(request.query.change)), values });
  });

  app.post<FormBody>(casePaths.reportStep.aboutYou, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('about', draft, request, reply)) return reply;
    const change = isChanging(request.body.change);
    if (request.actor.kind === 'citizen') return reply.redirect(nextPath('about', draft, request.actor, change), 303);

    const allowsAnonymous = draft.routed!.allowsAnonymous;
    const values = {
      identify: request.body.identify,
      name: request.body.name,
      email: request.body.email,
      phone: request.body.phone,
    };
    const refuse = (errors: FormErrors) =>
      reply.code(400).render(reportView('about-you'), { ...aboutContext(draft, change), values, errors });

    let about: AboutYou;
    if (allowsAnonymous) {
      const identify = identifySchema.safeParse(request.body);
      if (!identify.success) return refuse(formErrorsFrom(identify.error));
      if (identify.data.identify === 'anonymous') about = { kind: 'anonymous' };
      else {
        const details = guestDetailsSchema.safeParse(request.body);
        if (!details.success) return refuse(formErrorsFrom(details.error));
        about = { kind: 'guest', ...details.data };
      }
    } else {
      // The page offers no anonymous choice here; a form that sends one anyway is answered plainly.
      if (request.body.identify === 'anonymous') {
        return refuse({
          summary: [
            {
              text: `You cannot report ${draft.routed!.typeName.toLowerCase()} anonymously. Give your name and email address`,
              href: '#name',
            },
          ],
          fields: {
            name: {
              text: `You cannot report ${draft.routed!.typeName.toLowerCase()} anonymously. Give your name and email address`,
            },
          },
        });
      }
      const details = guestDetailsSchema.safeParse(request.body);
      if (!details.success) return refuse(formErrorsFrom(details.error));
      about = { kind: 'guest', ...details.data };
    }
    const updated: ReportDraft = { ...draft, about };
    await drafts.save(request, reply, updated);
    return reply.redirect(nextPath('about', updated, request.actor, change), 303);
  });
}
