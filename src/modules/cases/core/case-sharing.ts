import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { dayInEngland } from '../../../shared/dates.js';
import { dataCategories, type ApplicableAgreement, type DataCategory } from '../../../shared/sharing.js';
import { recordAudit } from '../../audit/service.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { type ActiveAgreementFinder } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { actsOnCases, worksWithCases, type CaseAccess, type CaseOwnership } from './case-policy.js';
import type { CaseRecord, CaseRepository } from './case-repository.js';
import { createCaseSharingRepository } from './case-sharing-repository.js';

/** How long a verified caller's case stays open to the member of staff who verified them. */
export const CALLER_CHECK_MINUTES = 30;
/** Wrong tries allowed in that time, across every reference: beyond it, verifying is guessing. */
export const CALLER_CHECK_FAILURES = 5;

/** Why a member of staff may see a case, and how much of it. */
export interface CaseSharing {
  access: CaseAccess;
  /** Their own organisation's case; one it recorded for a partner; another body's under an agreement. */
  basis: 'own' | 'recorded' | 'agreement' | 'none';
  /** The categories of the case's data they may see: all of them for their own and recorded cases. */
  categories: readonly DataCategory[];
  agreement: Pick<ApplicableAgreement, 'id' | 'title' | 'purposeStatement' | 'relationship'> | null;
}

const nothing: CaseSharing = { access: 'none', basis: 'none', categories: [], agreement: null };
const everything = dataCategories;

export type CallerCheck =
  | { outcome: 'visible'; caseId: number }
  | { outcome: 'verified'; caseId: number; expiresAt: Date }
  | { outcome: 'not-found' }
  | { outcome: 'too-many-tries' };

export interface CaseSharingDependencies {
  db: Kysely<Database>;
  agreements: ActiveAgreementFinder;
  repository: CaseRepository;
  contactEmailOf: (record: CaseRecord) => Promise<string | null>;
}

const normalisedPostcode = (value: string) => value.replace(/\s+/g, '').toUpperCase();

/**
 * Who may see a case of another body, and what of it, as the agreements between them say: an
 * agreement that names the viewer's role, and whose relationship test the viewer passes for this
 * case — the client consented to the viewer's organisation seeing it, or the viewer verified the
 * caller a short while ago. Only the agreement's categories of data are shown. Nothing else is
 * shared: no browsing another body's cases because an agreement exists between the two.
 */
export function createCaseSharing({ db, agreements, repository, contactEmailOf }: CaseSharingDependencies) {
  const sharing = createCaseSharingRepository(db);

  /** The consent holds on the day: not withdrawn, not past its last day. */
  const consentHolds = (consent: { withdrawn_at: Date | null; expires_on: string }, day: string) =>
    consent.withdrawn_at === null && consent.expires_on >= day;

  async function accessTo(actor: Actor, record: CaseOwnership, now: Date): Promise<CaseSharing> {
    if (!worksWithCases(actor)) return nothing;
    if (actor.organisationId === record.organisation_id)
      return { access: actsOnCases(actor) ? 'act' : 'read', basis: 'own', categories: everything, agreement: null };
    const consent = await sharing.consentOf(record.id);
    // Its own record of a contact (an agent for another council): unless it was made on a client's
    // consent, which then decides, with an agreement, as for any other body's case.
    if (actor.organisationId === record.recorded_by_organisation_id && !consent)
      return { access: 'read', basis: 'recorded', categories: everything, agreement: null };
    const applicable = await agreements.applicableAgreements({
      from: record.organisation_id,
      to: actor.organisationId,
      purpose: 'cases',
      lgsl: record.lgsl,
      on: now,
      roles: actor.roles,
    });
    for (const agreement of applicable) {
      const passes =
        agreement.relationship === 'client_consent'
          ? consent !== undefined &&
            consent.organisation_id === actor.organisationId &&
            consentHolds(consent, dayInEngland(now))
          : agreement.relationship === 'caller_verified' &&
            (await sharing.hasLiveCheck(actor.staffId, record.id, agreement.id, now));
      if (passes) return { access: 'read', basis: 'agreement', categories: agreement.categories, agreement };
    }
    return nothing;
  }

  /** What the audit log says a read relied on. */
  function auditDetail(access: CaseSharing): Record<string, unknown> | undefined {
    if (access.basis === 'own') return undefined;
    if (access.basis !== 'agreement' || !access.agreement) return { basis: access.basis };
    return {
      basis: 'agreement',
      agreementId: access.agreement.id,
      agreement: access.agreement.title,
      categories: access.categories,
      relationship: access.agreement.relationship,
    };
  }

  /** The case with only what the categories let its viewer see; the rest is blanked, not just hidden. */
  function redact<T extends CaseRecord>(record: T, categories: readonly DataCategory[]): T {
    const redacted = { ...record };
    if (!categories.includes('location_description')) {
      Object.assign(redacted, {
        description: '',
        answers: {},
        postcode: null,
        location_description: '',
        latitude: 0,
        longitude: 0,
      });
    }
    if (!categories.includes('contact_details'))
      Object.assign(redacted, { contact_name: null, contact_email: null, contact_phone: null, citizen_id: null });
    return redacted;
  }

  /**
   * A caller asks "where is my request?" and gives its reference and the postcode or email address on
   * it. When an agreement for verified callers names the member of staff's role, and what was given
   * matches, they may see that one case for 30 minutes. Every try is recorded; after five wrong ones
   * in 30 minutes, no more. What was wrong, or whether the case exists, is never said.
   */
  async function verifyCaller(
    actor: Actor,
    reference: string,
    verification: string,
    now: Date,
    ipAddress: string | null,
  ): Promise<CallerCheck> {
    if (!worksWithCases(actor)) throw new ForbiddenError();
    if (
      (await sharing.failedChecksSince(actor.staffId, new Date(now.getTime() - CALLER_CHECK_MINUTES * 60_000))) >=
      CALLER_CHECK_FAILURES
    )
      return { outcome: 'too-many-tries' };
    const record = await repository.findByReference(reference);
    if (record && (await accessTo(actor, record, now)).access !== 'none')
      return { outcome: 'visible', caseId: record.id };

    const candidates = record
      ? (
          await agreements.applicableAgreements({
            from: record.organisation_id,
            to: actor.organisationId,
            purpose: 'cases',
            lgsl: record.lgsl,
            on: now,
            roles: actor.roles,
          })
        ).filter((agreement) => agreement.relationship === 'caller_verified')
      : [];
    const given = verification.trim();
    let matched: 'postcode' | 'email' | null = null;
    if (record && candidates.length > 0 && given) {
      const email = await contactEmailOf(record);
      if (record.postcode && normalisedPostcode(record.postcode) === normalisedPostcode(given)) matched = 'postcode';
      else if (email && email.trim().toLowerCase() === given.toLowerCase()) matched = 'email';
    }
    const agreement = matched ? candidates[0] : undefined;
    const expiresAt = agreement ? new Date(now.getTime() + CALLER_CHECK_MINUTES * 60_000) : null;
    await db.transaction().execute(async (trx) => {
      await sharing.recordCheck(trx, {
        staffId: actor.staffId,
        caseId: record?.id ?? null,
        agreementId: agreement?.id ?? null,
        checkedAt: now,
        expiresAt,
      });
      await recordAudit(
        trx,
        agreement && record
          ? {
              actor,
              action: 'verify-caller',
              recordType: 'case',
              recordId: record.id,
              detail: {
                agreementId: agreement.id,
                agreement: agreement.title,
                categories: agreement.categories,
                matched,
                expiresAt: expiresAt?.toISOString(),
              },
              ipAddress,
            }
          : {
              actor,
              action: 'verify-caller-failed',
              recordType: 'case',
              recordId: record?.id ?? null,
              detail: { reference },
              ipAddress,
            },
        now,
      );
    });
    return agreement && record && expiresAt
      ? { outcome: 'verified', caseId: record.id, expiresAt }
      : { outcome: 'not-found' };
  }

  /** The consent recorded with a case, for the pages of those who may see it. */
  const consentOf = (caseId: number) => sharing.consentOf(caseId);

  /**
   * The client no longer wants their case seen by the organisation they consented to: withdrawn by
   * that organisation's staff (the adviser), by the owning council's officers, or by the resident.
   * Access ends at once; the owning council is told in an internal note; the withdrawal is audited.
   */
  async function withdrawConsent(actor: Actor, caseId: number, now: Date, by: 'staff' | 'resident') {
    const record = await repository.findById(caseId);
    const consent = record ? await sharing.consentOf(caseId) : undefined;
    if (!record || !consent) throw new NotFoundError();
    if (by === 'staff') {
      if (!worksWithCases(actor)) throw new ForbiddenError();
      const ofConsentedOrganisation = actor.organisationId === consent.organisation_id;
      const ownerActing = actor.organisationId === record.organisation_id && actsOnCases(actor);
      if (!ofConsentedOrganisation && !ownerActing) throw new ForbiddenError();
    }
    const staff = by === 'staff' ? (actor as StaffActor) : null;
    await db.transaction().execute(async (trx) => {
      const changed = await sharing.withdrawConsent(trx, caseId, staff ? { staffId: staff.staffId } : 'resident', now);
      if (!changed) return;
      const who = staff
        ? `The client withdrew their consent, as ${staff.name} (${staff.organisationName}) recorded`
        : 'The resident withdrew their consent on the tracking page';
      await repository.addEvent(trx, {
        case_id: caseId,
        occurred_at: now,
        kind: 'internal_note',
        is_public: false,
        body: `${who}: ${consent.organisation_name} can no longer see this case.`,
        staff_id: staff?.staffId ?? null,
        organisation_id: staff?.organisationId ?? null,
        channel: 'web',
      });
      await recordAudit(
        trx,
        {
          actor,
          action: 'withdraw-consent',
          recordType: 'case',
          recordId: caseId,
          detail: { organisationId: consent.organisation_id, by },
        },
        now,
      );
    });
    return { reference: record.reference, organisationName: consent.organisation_name };
  }

  /**
   * What "record a contact" confirms to whoever just recorded the case, when no agreement lets them
   * see it: where it went and when it is due, nothing of the person.
   */
  /** What the client follows a request with: their email address, their phone number, or neither. */
  const followWith = (record: CaseRecord) =>
    record.contact_email ? 'email' : record.contact_phone ? 'phone' : record.citizen_id !== null ? 'account' : null;

  async function confirmationFor(actor: Actor, caseId: number) {
    const record = await repository.findById(caseId);
    if (!record || actor.kind !== 'staff' || record.created_by_staff_id !== actor.staffId) return undefined;
    const { id, reference, type_name, organisation_name, team_name, channel, due_on } = record;
    return {
      id,
      reference,
      type_name,
      organisation_name,
      team_name,
      channel,
      due_on,
      contact_email: null,
      // How the client follows it, for the recorder who just typed their details (never the details themselves).
      follow_with: followWith(record),
      mayView: false,
    };
  }

  /** A case's reference alone: what a page may name of a case its reader can no longer see. */
  const referenceOf = async (caseId: number) => (await repository.findById(caseId))?.reference;

  return {
    accessTo,
    auditDetail,
    redact,
    verifyCaller,
    consentOf,
    withdrawConsent,
    confirmationFor,
    followWith,
    referenceOf,
  };
}

export type CaseSharingRules = ReturnType<typeof createCaseSharing>;
