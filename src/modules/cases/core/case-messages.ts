import type { Kysely, Transaction } from 'kysely';
import type { CaseStatus, ClosureReason, Database } from '../../../db/schema.js';
import { formatDay } from '../../../shared/dates.js';
import { queueEmail } from '../../notify/outbox.js';
import { createMessageTemplateRepository } from '../catalogue/message-template-repository.js';
import { messageKinds, renderMessage, type MessageKind } from '../catalogue/message-templates.js';
import { casePaths } from '../paths.js';
import { closureNames } from '../report/presenters.js';
import type { CaseRecord, CaseRepository } from './case-repository.js';

type KindFor<A> = { [K in MessageKind]: (typeof messageKinds)[K]['audience'] extends A ? K : never }[MessageKind];
export type ResidentMessageKind = KindFor<'resident'>;
export type StaffMessageKind = KindFor<'staff'>;

/** What someone following a case (their own report closed as a duplicate of it) is told of a change. */
export const newsWith = (news: string, message: string) => (message ? `${news}\n\n${message}` : news);

/** A case by its id, or as its transaction has just read it (one read fewer on a hot path). */
export type CaseSubject = number | CaseRecord;

export interface StatusChangeMessage {
  status: CaseStatus;
  closureReason?: ClosureReason;
  /** The case a duplicate repeats. */
  duplicateOf?: number | null;
  message: string;
}

export interface CaseMessagesDependencies {
  db: Kysely<Database>;
  repository: CaseRepository;
  contactEmailOf: (record: CaseRecord, executor: Transaction<Database>) => Promise<string | null>;
  trackUrl: (reference: string) => string;
  publicUrl: string;
}

/**
 * A message at every step of a case, each in its organisation's wording (catalogue/message-templates),
 * written in the transaction of the change that causes it: an email in the outbox, or, for a resident
 * who gave no email address but a name or telephone number, a letter kept with the case for staff to
 * post or read out. Each reads the case as the change left it (its new owner, its due dates).
 */
export function createCaseMessages({ db, repository, contactEmailOf, trackUrl, publicUrl }: CaseMessagesDependencies) {
  const templates = createMessageTemplateRepository(db);

  /** The case as the change left it: read in its transaction, unless the caller just read it there. */
  const caseOf = (trx: Transaction<Database>, subject: CaseSubject) =>
    typeof subject === 'number' ? repository.findById(subject, trx) : Promise.resolve(subject);

  function commonValues(record: CaseRecord): Record<string, string> {
    return {
      reference: record.reference,
      request_type: record.type_name,
      organisation: record.organisation_name,
      track_url: trackUrl(record.reference),
      case_url: `${publicUrl}${casePaths.staff.case({ id: record.id })}`,
      location: [record.postcode, record.location_description].filter(Boolean).join(', ') || 'Marked on the map',
    };
  }

  /** One resident's message about a case: their own, or (following) the one their duplicate repeats. */
  async function toResident(
    trx: Transaction<Database>,
    recipient: CaseRecord,
    kind: ResidentMessageKind,
    values: Record<string, string>,
    about: CaseRecord = recipient,
  ): Promise<void> {
    const wording = await templates.wordingOf(trx, about.organisation_id, kind);
    const text = renderMessage(wording, {
      ...commonValues(about),
      // The day the resident was given stays theirs, whoever now deals with the case.
      due_date: formatDay(about.resident_due_on ?? about.due_on),
      name: recipient.contact_name ?? 'resident',
      ...values,
    });
    const email = await contactEmailOf(recipient, trx);
    if (email) await queueEmail(trx, { to: email, ...text });
    else if (recipient.contact_name || recipient.contact_phone)
      await trx
        .insertInto('case_letters')
        .values({ case_id: recipient.id, kind, ...text })
        .execute();
  }

  const messages = {
    /**
     * Tells the resident, and, with `news`, everyone following the case: the residents whose own
     * reports of the same problem were closed as duplicates of it.
     */
    async tellResident(
      trx: Transaction<Database>,
      subject: CaseSubject,
      kind: ResidentMessageKind,
      values: Record<string, string> = {},
      news?: string,
    ): Promise<void> {
      const record = await caseOf(trx, subject);
      if (!record) return;
      const caseId = record.id;
      await toResident(trx, record, kind, values);
      if (news === undefined) return;
      const followers = await trx
        .selectFrom('cases')
        .select('id')
        .where('duplicate_of_case_id', '=', caseId)
        .where('status', '=', 'closed')
        .orderBy('id')
        .execute();
      for (const { id } of followers) {
        const follower = await repository.findById(id, trx);
        if (follower)
          await toResident(
            trx,
            follower,
            'following',
            { ...commonValues(record), your_reference: follower.reference, news },
            record,
          );
      }
    },

    /** Tells the case's team (its shared email address) and the person it is assigned to, each once. */
    async tellStaff(
      trx: Transaction<Database>,
      subject: CaseSubject,
      kind: StaffMessageKind,
      values: Record<string, string> = {},
      recipients: { team: boolean; assignee: boolean } = { team: true, assignee: true },
    ): Promise<void> {
      const record = await caseOf(trx, subject);
      if (!record) return;
      const addresses = new Set<string>();
      if (recipients.team && record.team_id !== null) {
        const team = await trx.selectFrom('teams').select('email').where('id', '=', record.team_id).executeTakeFirst();
        if (team?.email) addresses.add(team.email);
      }
      if (recipients.assignee && record.assignee_staff_id !== null) {
        const person = await trx
          .selectFrom('staff_directory')
          .select('email')
          .where('id', '=', record.assignee_staff_id)
          .where('active', '=', true)
          .executeTakeFirst();
        if (person) addresses.add(person.email);
      }
      if (addresses.size === 0) return;
      const wording = await templates.wordingOf(trx, record.organisation_id, kind);
      const text = renderMessage(wording, { ...commonValues(record), due_date: formatDay(record.due_on), ...values });
      for (const to of addresses) await queueEmail(trx, { to, ...text });
    },

    /** The resident's message for a case's new status, and the news for anyone following it; `surveyUrl` for a resolved one. */
    async tellOfStatus(
      trx: Transaction<Database>,
      caseId: number,
      change: StatusChangeMessage,
      surveyUrl?: string,
    ): Promise<void> {
      const { message } = change;
      if (change.status === 'acknowledged') {
        await messages.tellResident(trx, caseId, 'acknowledged', { message }, message || undefined);
      } else if (change.status === 'in_progress') {
        await messages.tellResident(
          trx,
          caseId,
          'in-progress',
          { message },
          newsWith('Work on it has started.', message),
        );
      } else if (change.status === 'resolved') {
        if (!surveyUrl) throw new Error('A resolved case’s message needs its survey link');
        await messages.tellResident(
          trx,
          caseId,
          'resolved',
          { message, survey_url: surveyUrl },
          newsWith('It has been resolved.', message),
        );
      } else if (change.status === 'closed') {
        const original = change.duplicateOf ? await repository.findById(change.duplicateOf, trx) : undefined;
        if (change.closureReason === 'duplicate' && original) {
          await messages.tellResident(trx, caseId, 'closed-duplicate', {
            message,
            original_reference: original.reference,
            original_url: trackUrl(original.reference),
          });
        } else {
          const why = closureNames[change.closureReason ?? 'no_further_action'];
          await messages.tellResident(
            trx,
            caseId,
            'closed',
            { message, closure_reason: why },
            newsWith(`It has been closed: ${why.toLowerCase()}.`, message),
          );
        }
      }
    },
  };
  return messages;
}

export type CaseMessages = ReturnType<typeof createCaseMessages>;
