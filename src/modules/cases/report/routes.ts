import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { unknownPostcodeMessage } from '../../places/schemas.js';
import type { Place } from '../../places/service.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { CaseService } from '../core/case-service.js';
import type { PlacesService } from '../../places/service.js';
import { casePaths } from '../paths.js';
import { firstIncompleteStep, mayShow, nextPath, stepPaths, type ReportDraft, type ReportStep } from './draft.js';
import type { ReportDrafts } from './drafts.js';
import { areaName, distanceText, groupKinds, placeLabel } from './presenters.js';
import { publicStatusNames } from '../core/status.js';
import { NEARBY_METRES } from '../core/case-service.js';
import type { CasePhotos } from '../photos/service.js';
import { nearbyMap } from './nearby-map.js';
import { kindSearchSchema, LOCATION_DESCRIPTION_LIMIT, pointSchema, whatSchema, whereSchema } from './schemas.js';

export const reportView = (name: string) => `cases/views/report/${name}.njk`;

type ChangeQuery = { Querystring: { change?: string; search?: string; expired?: string } };
type FormBody = { Body: Record<string, string | string[] | undefined> };

/** "?change=yes" (or the form's hidden field): the resident came from "check your answers". */
export const isChanging = (value: unknown) => value === 'yes';

/** Sends a resident who skipped ahead back to the first step still to answer. */
export function resumeIfSkipped(
  step: ReportStep,
  draft: ReportDraft,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  if (mayShow(step, draft, request.actor)) return false;
  // The reply is a thenable; the redirect is sent by this call, nothing is left to wait for.
  void reply.redirect(stepPaths[firstIncompleteStep(draft, request.actor)], 303);
  return true;
}

export interface ReportRouteDependencies {
  catalogue: CatalogueService;
  places: PlacesService;
  cases: CaseService;
  photos: CasePhotos;
}

/** The first steps: what to report, where, and whether someone has already reported it nearby. */
export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDependencies, drafts: ReportDrafts): void {
  const { catalogue, places, cases, photos } = deps;

  async function renderWhat(
    reply: FastifyReply,
    input: {
      search: string;
      selected?: string;
      change: boolean;
      expired?: boolean;
      draft: ReportDraft;
      request: FastifyRequest;
      errors?: FormErrors;
    },
  ) {
    const kinds = input.search ? await catalogue.searchKinds(input.search) : await catalogue.kinds();
    const inProgress =
      input.draft.serviceCode !== undefined && !input.change
        ? stepPaths[firstIncompleteStep(input.draft, input.request.actor)]
        : undefined;
    return reply.code(input.errors ? 400 : 200).render(reportView('what'), {
      groups: groupKinds(kinds),
      matchCount: kinds.length,
      search: input.search,
      expired: input.expired,
      selected: input.selected,
      change: input.change,
      inProgress: inProgress === casePaths.report ? undefined : inProgress,
      errors: input.errors,
      backLink: input.change ? stepPaths.check : undefined,
    });
  }

  app.get<ChangeQuery>(casePaths.report, async (request, reply) => {
    const draft = await drafts.current(request);
    const query = kindSearchSchema.safeParse(request.query);
    const search = query.success ? query.data.search : '';
    const expired = request.query.expired === 'yes';
    return renderWhat(reply, {
      search,
      selected: draft.serviceCode,
      change: isChanging(request.query.change),
      expired,
      draft,
      request,
    });
  });

  app.post<FormBody>(casePaths.report, async (request, reply) => {
    const draft = await drafts.current(request);
    const change = isChanging(request.body.change);
    const form = whatSchema.safeParse(request.body);
    const kind = form.success ? await catalogue.findKind(form.data.serviceCode) : undefined;
    if (!kind) {
      const errors = form.success
        ? fieldError('serviceCode', 'Select what you want to report')
        : formErrorsFrom(form.error);
      return renderWhat(reply, { search: '', change, draft, request, errors });
    }
    // Another kind has other questions, and perhaps another council: keep only what still fits.
    const updated: ReportDraft =
      kind.serviceCode === draft.serviceCode
        ? draft
        : { serviceCode: kind.serviceCode, where: draft.where, about: draft.about };
    await drafts.save(request, reply, updated);
    return reply.redirect(nextPath('what', updated, request.actor, change), 303);
  });

  app.get<ChangeQuery>(casePaths.reportStep.where, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('where', draft, request, reply)) return reply;
    const kind = await catalogue.findKind(draft.serviceCode ?? '');
    const change = isChanging(request.query.change);
    return reply.render(reportView('where'), {
      kind,
      values: draft.where ?? {},
      change,
      limit: LOCATION_DESCRIPTION_LIMIT,
      backLink: change ? stepPaths.check : casePaths.report,
    });
  });

  app.post<FormBody>(casePaths.reportStep.where, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('where', draft, request, reply)) return reply;
    const change = isChanging(request.body.change);
    const kind = await catalogue.findKind(draft.serviceCode ?? '');
    if (!kind) {
      await drafts.save(request, reply, {});
      return reply.redirect(casePaths.report, 303);
    }
    const form = whereSchema.safeParse(request.body);
    const values = {
      postcode: String(request.body.postcode ?? ''),
      locationDescription: String(request.body.locationDescription ?? ''),
      latitude: String(request.body.latitude ?? ''),
      longitude: String(request.body.longitude ?? ''),
    };
    const rerender = (errors: FormErrors) =>
      reply.code(400).render(reportView('where'), {
        kind,
        values,
        change,
        limit: LOCATION_DESCRIPTION_LIMIT,
        errors,
        backLink: change ? stepPaths.check : casePaths.report,
      });
    if (!form.success) return rerender(formErrorsFrom(form.error));

    const point = pointSchema.safeParse(form.data);
    const found = await findPlace(point.success ? point.data : undefined, form.data.postcode);
    const errors: FormErrors = { summary: [], fields: {} };
    if ('error' in found) add(errors, fieldError('postcode', found.error));
    // Without a pin, the postcode alone may cover a hundred homes: the description says which spot.
    if (!point.success && !form.data.locationDescription) {
      add(
        errors,
        fieldError('locationDescription', 'Describe where the problem is, like ‘outside number 12, by the post box’'),
      );
    }
    if (errors.summary.length > 0 || 'error' in found) return rerender(errors);

    const where = {
      postcode: form.data.postcode,
      locationDescription: form.data.locationDescription,
      latitude: form.data.latitude,
      longitude: form.data.longitude,
    };
    const routing = await catalogue.route(kind.serviceCode, found.place);
    if (routing.outcome === 'unknown-kind') {
      await drafts.save(request, reply, { where });
      return reply.redirect(casePaths.report, 303);
    }
    if (routing.outcome !== 'routed') {
      const elsewhere = {
        outcome: routing.outcome,
        placeLabel: placeLabel(found.place),
        areaName: areaName(found.place.lowerTier),
        providerName: routing.provider.name,
        providerUrl: routing.provider.homepageUrl,
      };
      await drafts.save(request, reply, { ...draft, where, place: undefined, routed: undefined, elsewhere });
      return reply.redirect(casePaths.reportStep.elsewhere, 303);
    }
    const { requestType } = routing;
    const sameQuestions = draft.routed?.requestTypeId === requestType.id;
    const updated: ReportDraft = {
      ...draft,
      where,
      place: found.place,
      routed: {
        requestTypeId: requestType.id,
        typeName: requestType.name,
        organisationName: requestType.organisationName,
        allowsAnonymous: requestType.allowsAnonymous,
      },
      elsewhere: undefined,
      questions: sameQuestions ? draft.questions : undefined,
    };
    await drafts.save(request, reply, updated);
    const nearby = await cases.openNearby(kind.serviceCode, found.place);
    if (nearby.length > 0) return reply.redirect(`${casePaths.reportStep.nearby}${change ? '?change=yes' : ''}`, 303);
    return reply.redirect(nextPath('where', updated, request.actor, change), 303);
  });

  /** A pin from the map wins over the postcode (it is where the resident pointed); else the postcode. */
  async function findPlace(
    point: { latitude: number; longitude: number } | undefined,
    postcode: string,
  ): Promise<{ place: Place } | { error: string }> {
    if (point) {
      const lookup = await places.findByPoint(point.latitude, point.longitude);
      if (lookup.outcome === 'found') return { place: lookup.place };
      return { error: 'The place you marked on the map is not in England. Enter a postcode instead' };
    }
    if (!postcode) return { error: 'Enter a postcode' };
    const lookup = await places.findByPostcode(postcode);
    switch (lookup.outcome) {
      case 'found':
        return { place: lookup.place };
      case 'malformed':
        return { error: 'Enter a real postcode, like DE4 3AG' };
      case 'unknown':
        return { error: unknownPostcodeMessage(lookup.postcode, 'mark the place on the map instead') };
      case 'outside-england':
        return { error: `${lookup.postcode} is not in England. We can only find places in England` };
    }
  }

  app.get(casePaths.reportStep.elsewhere, async (request, reply) => {
    const draft = await drafts.current(request);
    if (!draft.elsewhere) return reply.redirect(stepPaths[firstIncompleteStep(draft, request.actor)], 303);
    const kind = await catalogue.findKind(draft.serviceCode ?? '');
    return reply.render(reportView('elsewhere'), {
      kind,
      elsewhere: draft.elsewhere,
      backLink: casePaths.reportStep.where,
    });
  });

  app.get<ChangeQuery>(casePaths.reportStep.nearby, async (request, reply) => {
    const draft = await drafts.current(request);
    if (resumeIfSkipped('questions', draft, request, reply)) return reply;
    const change = isChanging(request.query.change);
    const onward = nextPath('where', draft, request.actor, change);
    const nearby = await cases.openNearby(draft.serviceCode ?? '', draft.place!);
    if (nearby.length === 0) return reply.redirect(onward, 303);
    const kind = await catalogue.findKind(draft.serviceCode ?? '');
    const thumbnails = await photos.firstPublicOf(nearby.map((found) => found.id));
    // What lets a resident judge whether it is the same problem: what was reported, a photo, how far
    // from the place they marked and where. Never the reporter's name, contact or words about the spot.
    const requests = nearby.map((found, index) => {
      const photo = thumbnails.get(found.id);
      return {
        number: index + 1,
        reference: found.reference,
        href: casePaths.trackCase({ reference: found.reference }),
        typeName: found.type_name,
        description: found.description,
        thumbnailHref: photo === undefined ? undefined : casePaths.photoThumbnail({ id: photo }),
        photoHref: photo === undefined ? undefined : casePaths.photo({ id: photo }),
        status: publicStatusNames[found.status],
        reportedOn: found.created_at,
        distance: distanceText(found.metres),
        organisationName: found.organisation_name,
      };
    });
    return reply.render(reportView('nearby'), {
      kind,
      requests,
      map: nearbyMap(draft.place!, nearby, NEARBY_METRES),
      followPath: casePaths.followNearby,
      onward,
      backLink: `${casePaths.reportStep.where}${change ? '?change=yes' : ''}`,
    });
  });
}

function add(into: FormErrors, errors: FormErrors): void {
  into.summary.push(...errors.summary);
  Object.assign(into.fields, errors.fields);
}
