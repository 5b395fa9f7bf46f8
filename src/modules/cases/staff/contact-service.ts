import type { Actor, StaffActor } from '../../../shared/actor.js';
import { hasCapability } from '../../identity/policy.js';
import { ForbiddenError } from '../../../shared/errors.js';
import type { Place, PlacesService } from '../../places/service.js';
import { unknownPostcodeMessage } from '../../places/schemas.js';
import type { RawAnswers } from '../core/answers.js';
import { worksWithCases } from '../core/case-policy.js';
import type { CaseService, SubmitOptions, SubmitResult } from '../core/case-service.js';
import type { Question } from '../catalogue/repository.js';
import type { CatalogueService, RequestKind } from '../catalogue/service.js';
import type { Consent, ContactDetails, ContactStart } from './contact-schemas.js';

export interface StaffContactServiceDependencies {
  cases: CaseService;
  catalogue: CatalogueService;
  places: PlacesService;
}

/** Where the request goes, or why it cannot be taken, after step 1. */
export type ContactRouting =
  | { outcome: 'problem'; field: 'kind' | 'postcode'; message: string }
  | { outcome: 'elsewhere'; kind: RequestKind; place: Place; providerName: string; providerUrl: string | null }
  | { outcome: 'routed'; kind: RequestKind; place: Place; organisationName: string; questions: Question[] };

/** Staff record a contact for someone who rang, called in, wrote or was met: agents, officers and partner advisers. */
function requireRecorder(actor: Actor): StaffActor {
  if (!worksWithCases(actor)) throw new ForbiddenError();
  return actor;
}

/**
 * "Record a contact": the same routing as a resident's own report (the kind's tier at the place,
 * among the partnership's members), then cases.submit with the channel and, for a partner
 * adviser, the client's consent. The organisation of the member of staff is recorded on the case.
 */
export function createStaffContactService({ cases, catalogue, places }: StaffContactServiceDependencies) {
  async function route(actor: Actor, start: ContactStart): Promise<ContactRouting> {
    requireRecorder(actor);
    const kind = await catalogue.findKind(start.kind);
    if (!kind) return { outcome: 'problem', field: 'kind', message: 'Select the kind of request' };
    const lookup = await places.findByPostcode(start.postcode);
    if (lookup.outcome === 'malformed')
      return { outcome: 'problem', field: 'postcode', message: 'Enter a real postcode, like DE4 3AG' };
    if (lookup.outcome === 'unknown')
      return {
        outcome: 'problem',
        field: 'postcode',
        message: unknownPostcodeMessage(lookup.postcode, 'enter a postcode nearby'),
      };
    if (lookup.outcome === 'outside-england')
      return {
        outcome: 'problem',
        field: 'postcode',
        message: `${lookup.postcode} is not in England. Enter a postcode in England`,
      };
    const routing = await catalogue.route(kind.serviceCode, lookup.place);
    if (routing.outcome === 'unknown-kind')
      return { outcome: 'problem', field: 'kind', message: 'Select the kind of request' };
    if (routing.outcome !== 'routed')
      return {
        outcome: 'elsewhere',
        kind,
        place: lookup.place,
        providerName: routing.provider.name,
        providerUrl: routing.provider.homepageUrl,
      };
    return {
      outcome: 'routed',
      kind,
      place: lookup.place,
      organisationName: routing.requestType.organisationName,
      questions: await catalogue.questions(routing.requestType.id),
    };
  }

  return {
    /** Partner advisers act for a client only with the client's recorded consent. */
    needsConsent: (actor: Actor) => hasCapability(requireRecorder(actor), 'cases.recordForClient'),

    /** The kinds of request of the whole partnership, in their groups: whichever council will receive it. */
    async kinds(actor: Actor) {
      requireRecorder(actor);
      return catalogue.kinds();
    },

    route,

    /** Records the request on the person's behalf; routed again, as the catalogue may have changed since step 1. */
    async record(
      actor: Actor,
      start: ContactStart,
      place: Place,
      details: ContactDetails,
      answers: RawAnswers,
      consent: Consent | undefined,
      /** What came with the contact (its photos), saved in the new case's transaction. */
      alongside?: SubmitOptions['withinTransaction'],
    ): Promise<SubmitResult> {
      requireRecorder(actor);
      return cases.submit(
        actor,
        {
          serviceCode: start.kind,
          place,
          locationDescription: details.locationDescription,
          description: details.description,
          answers,
          channel: start.channel,
          contact: { name: details.contactName, email: details.contactEmail, phone: details.contactPhone },
          citizenId: null,
          consent,
        },
        { withinTransaction: alongside },
      );
    },

    /**
     * The confirmation: the new case as its recorder may see it (getForStaff records the read), or,
     * when no agreement lets them follow it (an adviser and a council with none), only where it went.
     */
    async recorded(actor: Actor, caseId: number) {
      // Exactly how the client follows it: the page says so, for the agent to read out or the adviser to write down.
      const howToFollow = {
        trackPageUrl: cases.trackPageUrl,
        followsForClient: hasCapability(actor, 'cases.recordForClient'),
      };
      try {
        const record = await cases.getForStaff(actor, caseId);
        return { ...record, follow_with: cases.sharing.followWith(record), mayView: true, ...howToFollow };
      } catch (error) {
        const confirmation =
          error instanceof ForbiddenError ? await cases.sharing.confirmationFor(actor, caseId) : undefined;
        if (!confirmation) throw error;
        return { ...confirmation, ...howToFollow };
      }
    },
  };
}

export type StaffContactService = ReturnType<typeof createStaffContactService>;
