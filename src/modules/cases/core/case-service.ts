import { sql, type Kysely, type Transaction } from 'kysely';
import type { CaseStatus, Channel, Database } from '../../../db/schema.js';
import { recordAudit } from '../../audit/service.js';
import type { CitizenEmail } from '../../identity/index.js';
import type { PeoplePort } from '../../people/index.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { type ActiveAgreementFinder, hasCapability } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { hashToken, newToken } from '../../identity/secrets.js';
import type { Place } from '../../places/service.js';
import { checkAnswers, type RawAnswers } from './answers.js';
import { worksWithCases, type CaseAccess } from './case-policy.js';
import { createCaseMessages } from './case-messages.js';
import { normaliseUkPhone } from '../../../shared/phone.js';
import type { CaseRecord, CaseRepository } from './case-repository.js';
import type { CatalogueService, Routing } from '../catalogue/service.js';
import { boxAround, metresBetween } from './distance.js';
import { dayInEngland } from '../../../shared/dates.js';
import { addWorkingDays } from './working-days.js';
import { casePaths } from '../paths.js';
import { createCaseSharing, type CaseSharing } from './case-sharing.js';

export const NEARBY_METRES = 250;
export const REOPEN_DAYS = 28;

export interface Contact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface NewRequest {
  serviceCode: string;
  place: Place;
  locationDescription: string;
  description: string;
  answers: RawAnswers;
  channel: Channel;
  /** Who the request is from: a signed-in citizen, someone who gave contact details, or nobody. */
  contact: Contact;
  citizenId: number | null;
  /** A partner adviser acts for a client only with the client's consent, recorded here. */
  consent?: { givenBy: string; givenOn: string; purpose: string; expiresOn?: string };
  apiClientId?: number;
}

/** The case a submission made, as its own transaction knows it. */
export interface CreatedCase {
  caseId: number;
  reference: string;
  /** 'YYYY-MM-DD'. */
  dueOn: string;
}

export interface SubmitOptions {
  /** The routing the caller already did (Open311 checks it against the jurisdiction first): it is not done twice. */
  routing?: Routing;
  /**
   * The caller's own work, run in the transaction that makes the case (an idempotent response saved,
   * a draft marked sent): both are saved or neither is. Throwing undoes the case.
   */
  withinTransaction?: (trx: Transaction<Database>, created: CreatedCase) => Promise<void>;
}

export type SubmitResult =
  | ({ outcome: 'created' } & CreatedCase)
  | { outcome: 'invalid-answers'; errors: Record<string, string> }
  | { outcome: 'not-a-member' | 'not-offered'; providerName: string; providerUrl: string | null }
  | { outcome: 'unknown-kind' }
  | { outcome: 'anonymous-not-allowed' }
  | { outcome: 'consent-required' };

export interface CaseServiceDependencies {
  db: Kysely<Database>;
  repository: CaseRepository;
  catalogue: CatalogueService;
  agreements: ActiveAgreementFinder;
  /** identity's port: the email of a citizen who followed their request by account. */
  citizenEmail: CitizenEmail;
  /** The customer view's port: the person each new case belongs to. */
  people: Pick<PeoplePort, 'linkFor'>;
  clock: () => Date;
  publicUrl: string;
  referencePrefix: string;
}

export type CaseView = CaseRecord & { access: CaseAccess; sharing: CaseSharing };

export function createCaseService(deps: CaseServiceDependencies) {
  const { db, repository, catalogue, agreements, citizenEmail, people, clock, publicUrl, referencePrefix } = deps;
  const trackUrl = (reference: string) => `${publicUrl}${casePaths.track}?reference=${encodeURIComponent(reference)}`;

  async function dueOn(from: Date, workingDays: number): Promise<string> {
    return addWorkingDays(dayInEngland(from), workingDays, await catalogue.bankHolidays());
  }

  async function contactEmailOf(
    caseRecord: CaseRecord,
    executor: Kysely<Database> | Transaction<Database> = db,
  ): Promise<string | null> {
    if (caseRecord.contact_email) return caseRecord.contact_email;
    if (caseRecord.citizen_id === null) return null;
    return citizenEmail(caseRecord.citizen_id, executor);
  }

  /** The case of this reference if `matches` holds for it or for one of the reports that follow it. */
  async function findFollowed(
    reference: string,
    matches: (candidate: CaseRecord) => Promise<boolean>,
  ): Promise<CaseRecord | undefined> {
    const record = await repository.findByReference(reference.trim().toUpperCase());
    if (!record) return undefined;
    for (const candidate of [record, ...(await repository.followersOf(record.id))])
      if (await matches(candidate)) return record;
    return undefined;
  }

  const messages = createCaseMessages({ db, repository, contactEmailOf, trackUrl, publicUrl });
  const sharing = createCaseSharing({ db, agreements, repository, contactEmailOf: (record) => contactEmailOf(record) });

  return {
    trackUrl,
    contactEmailOf,
    /** A message at every step: to the resident (email or letter) and to the staff working the case. */
    messages,
    /** Who may see another body's case, and what of it (case-sharing.ts). */
    sharing,

    /** Records a request from any channel: routes it, sets its due date and reference, tells the resident. */
    async submit(actor: Actor, request: NewRequest, options: SubmitOptions = {}): Promise<SubmitResult> {
      const routing = options.routing ?? (await catalogue.route(request.serviceCode, request.place));
      if (routing.outcome === 'unknown-kind') return routing;
      if (routing.outcome !== 'routed')
        return {
          outcome: routing.outcome,
          providerName: routing.provider.name,
          providerUrl: routing.provider.homepageUrl,
        };
      const { requestType } = routing;

      const isAnonymous = request.citizenId === null && !request.contact.email && !request.contact.phone;
      if (isAnonymous && !requestType.allowsAnonymous && request.channel === 'web')
        return { outcome: 'anonymous-not-allowed' };
      const staff = actor.kind === 'staff' ? actor : null;
      if (staff && hasCapability(staff, 'cases.recordForClient') && !request.consent)
        return { outcome: 'consent-required' };

      const now = clock();
      const check = checkAnswers(await catalogue.questions(requestType.id), request.answers, dayInEngland(now));
      if (!check.valid) return { outcome: 'invalid-answers', errors: check.errors };

      const due = await dueOn(now, requestType.slaWorkingDays);
      const year = Number(dayInEngland(now).slice(0, 4));
      // Taken in a statement of its own, like a sequence: the counter's row is locked for that
      // statement only, not for the whole transaction, which had made every new case in every process
      // wait its turn. A transaction that then fails leaves a gap in the numbers, never a number used twice.
      const number = await repository.nextReferenceNumber(db, referencePrefix, year);
      const created = await db.transaction().execute(async (trx) => {
        const reference = `${referencePrefix}-${year}-${String(number).padStart(6, '0')}`;
        const personId = await people.linkFor(trx, {
          citizenId: request.citizenId,
          ...request.contact,
          postcode: request.place.postcode ?? null,
        });
        const caseId = await repository.insert(trx, {
          reference,
          request_type_id: requestType.id,
          organisation_id: requestType.organisationId,
          team_id: requestType.teamId,
          status: 'open',
          channel: request.channel,
          description: request.description,
          answers: JSON.stringify(check.answers),
          latitude: request.place.latitude,
          longitude: request.place.longitude,
          postcode: request.place.postcode ?? null,
          location_description: request.locationDescription,
          citizen_id: request.citizenId,
          person_id: personId,
          contact_name: request.contact.name,
          contact_email: request.contact.email,
          contact_phone: request.contact.phone,
          is_public: requestType.publicOnMap,
          due_on: due,
          created_by_staff_id: staff?.staffId ?? null,
          recorded_by_organisation_id: staff?.organisationId ?? null,
          created_by_api_client_id: request.apiClientId ?? null,
          created_at: now,
          updated_at: now,
        });
        await repository.addEvent(trx, {
          case_id: caseId,
          occurred_at: now,
          kind: 'created',
          is_public: true,
          body: `Reported to ${requestType.organisationName}`,
          to_status: 'open',
          staff_id: staff?.staffId ?? null,
          organisation_id: staff?.organisationId ?? requestType.organisationId,
          channel: request.channel,
        });
        if (request.consent && staff) {
          await trx
            .insertInto('case_consents')
            .values({
              case_id: caseId,
              given_by: request.consent.givenBy,
              given_on: request.consent.givenOn,
              purpose: request.consent.purpose,
              recorded_by_staff_id: staff.staffId,
              // The client consents to the adviser's organisation seeing the case, until the day it ends.
              organisation_id: staff.organisationId,
              expires_on:
                request.consent.expiresOn ?? sql<string>`(${request.consent.givenOn}::date + interval '1 year')::date`,
            })
            .execute();
        }
        // Read once, as the transaction has it, for both messages.
        const saved = await repository.findById(caseId, trx);
        if (saved) {
          await messages.tellResident(trx, saved, 'received');
          await messages.tellStaff(trx, saved, 'staff-new', {}, { team: true, assignee: false });
        }
        const auditActor = request.apiClientId
          ? { kind: 'api_client' as const, id: request.apiClientId, label: 'Open311 client' }
          : actor;
        await recordAudit(
          trx,
          {
            actor: auditActor,
            action: 'create',
            recordType: 'case',
            recordId: caseId,
            detail: { reference, channel: request.channel },
          },
          now,
        );
        const made = { caseId, reference, dueOn: due };
        await options.withinTransaction?.(trx, made);
        return made;
      });
      return { outcome: 'created', ...created };
    },

    /**
     * A case as a member of staff may see it, with only the categories of data they may see; reading
     * it is recorded, as it holds personal data, with the agreement another body's read relied on.
     */
    async getForStaff(actor: Actor, caseId: number): Promise<CaseView> {
      if (!worksWithCases(actor)) throw new ForbiddenError();
      const record = await repository.findById(caseId);
      if (!record) throw new NotFoundError();
      const now = clock();
      const shared = await sharing.accessTo(actor, record, now);
      if (shared.access === 'none') throw new ForbiddenError();
      await recordAudit(
        db,
        { actor, action: 'read', recordType: 'case', recordId: caseId, detail: sharing.auditDetail(shared) },
        now,
      );
      return { ...sharing.redact(record, shared.categories), access: shared.access, sharing: shared };
    },

    async timeline(caseRecord: CaseRecord, includeInternal: boolean) {
      return repository.events(caseRecord.id, !includeInternal);
    },

    /** /track's address, to tell someone who follows by reference and email or phone number. */
    trackPageUrl: `${publicUrl}${casePaths.track}`,

    /**
     * For /track: the case, if the reference and the email given match it, or match a report closed as
     * a duplicate of it (whose resident follows it).
     */
    async findForTracking(reference: string, email: string): Promise<CaseRecord | undefined> {
      const given = email.trim().toLowerCase();
      return findFollowed(reference, async (candidate) => (await contactEmailOf(candidate))?.toLowerCase() === given);
    },

    /** For /track without an email address: the same, by the telephone number given, however it is written. */
    async findForTrackingByPhone(reference: string, phone: string): Promise<CaseRecord | undefined> {
      const given = normaliseUkPhone(phone);
      if (!given) return undefined;
      return findFollowed(
        reference,
        async (candidate) => candidate.contact_phone !== null && normaliseUkPhone(candidate.contact_phone) === given,
      );
    },

    async listForCitizen(actor: Actor) {
      if (actor.kind !== 'citizen') throw new ForbiddenError();
      return repository.listForCitizen(actor.citizenId);
    },

    /** Public open requests of the same kind within 250 m, nearest first, to offer following one instead. */
    async openNearby(serviceCode: string, point: { latitude: number; longitude: number }) {
      const candidates = await repository.openNear(serviceCode, boxAround(point, NEARBY_METRES));
      return candidates
        .map((candidate) => ({ ...candidate, metres: Math.round(metresBetween(point, candidate)) }))
        .filter((candidate) => candidate.metres <= NEARBY_METRES)
        .sort((a, b) => a.metres - b.metres);
    },

    /** A reopened case's new due date: its type's target again, from now. Read before the reopening's transaction. */
    async dueOnReopening(record: Pick<CaseRecord, 'request_type_id'>, now: Date): Promise<string> {
      const type = await catalogue.findType(record.request_type_id);
      return dueOn(now, type?.slaWorkingDays ?? 10);
    },

    /** Whether a resident may still reopen it: resolved or closed less than 28 days ago. */
    canReopen(record: { status: CaseStatus; resolved_at: Date | null; closed_at: Date | null }): boolean {
      const ended = record.resolved_at ?? record.closed_at;
      if (!ended || (record.status !== 'resolved' && record.status !== 'closed')) return false;
      return clock().getTime() - ended.getTime() <= REOPEN_DAYS * 86_400_000;
    },

    async issueSurveyToken(trx: Transaction<Database>, caseId: number): Promise<string> {
      const { token, hash } = newToken();
      await trx
        .insertInto('satisfaction_responses')
        .values({ case_id: caseId, token_hash: hash, score: null, responded_at: null })
        .onConflict((oc) => oc.column('case_id').doUpdateSet({ token_hash: hash, score: null, responded_at: null }))
        .execute();
      return token;
    },

    /** One answer per survey link: 1 (very dissatisfied) to 5 (very satisfied). */
    async recordSatisfaction(token: string, score: number): Promise<boolean> {
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('satisfaction_responses')
          .set({ score, responded_at: now })
          .where('token_hash', '=', hashToken(token))
          .where('responded_at', 'is', null)
          .returning('case_id')
          .executeTakeFirst();
        if (!row) return false;
        await repository.addEvent(trx, {
          case_id: row.case_id,
          occurred_at: now,
          kind: 'satisfaction',
          is_public: false,
          body: `Satisfaction: ${score} out of 5`,
          organisation_id: null,
          channel: 'web',
        });
        return true;
      });
    },

    /** Staff who may see cases of this organisation: for the worklist's scope. */
    worklistOrganisations(actor: Actor): number[] {
      if (!worksWithCases(actor)) throw new ForbiddenError();
      return [(actor as StaffActor).organisationId];
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
