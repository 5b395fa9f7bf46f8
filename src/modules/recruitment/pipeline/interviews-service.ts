import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { formatDateTime } from '../../../shared/dates.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import { changeStage } from '../applications/stage-change.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { applicantLabel } from './anonymise.js';
import { recruiterAccess } from './access.js';

/** Someone else booked the slot between the applicant seeing it and choosing it. */
export class SlotTaken extends Error {
  constructor() {
    super('That time has just been booked by someone else: choose another');
    this.name = 'SlotTaken';
  }
}

export interface NewSlot {
  startsAt: Date;
  minutes: number;
  place: string;
}

/** "Tuesday 8 December 2026 at 10:30am (45 minutes), Town Hall, Matlock": how an interview reads in England. */
export function describeSlot(slot: { starts_at: Date; minutes: number; place: string }): string {
  return `${formatDateTime(slot.starts_at)} (${slot.minutes} minutes)${slot.place ? `, ${slot.place}` : ''}`;
}

/**
 * Interviews: the recruiter offers slots, each invited applicant books one. A slot is taken by an
 * UPDATE that only succeeds while it is free, in the transaction that moves the application to
 * "interview booked", so of two applicants choosing the last slot at once exactly one gets it.
 */
export function createInterviewsService({
  db,
  clock,
  messages,
}: {
  db: Kysely<Database>;
  clock: () => Date;
  messages: ApplicantMessages;
}) {
  async function ownApplication(actor: Actor, applicationId: number) {
    if (actor.kind !== 'citizen') throw new NotFoundError();
    const application = await db
      .selectFrom('applications')
      .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
      .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
      .select([
        'applications.id',
        'applications.status',
        'applications.vacancy_id',
        'vacancies.title',
        'organisations.name as employer_name',
      ])
      .where('applications.id', '=', applicationId)
      .where('applications.citizen_id', '=', actor.citizenId)
      .where('applications.status', '<>', 'draft')
      .executeTakeFirst();
    if (!application) throw new NotFoundError();
    return application;
  }

  return {
    async slots(actor: Actor, vacancyId: number) {
      const access = await recruiterAccess(db, actor, vacancyId);
      const slots = await db
        .selectFrom('interview_slots')
        .leftJoin('applications', 'applications.id', 'interview_slots.booked_application_id')
        .select([
          'interview_slots.id',
          'interview_slots.starts_at',
          'interview_slots.minutes',
          'interview_slots.place',
          'interview_slots.booked_application_id',
          'applications.personal',
        ])
        .where('interview_slots.vacancy_id', '=', vacancyId)
        .orderBy('interview_slots.starts_at')
        .orderBy('interview_slots.id')
        .execute();
      return {
        access,
        slots: slots.map((slot) => ({
          ...slot,
          description: describeSlot(slot),
          // Only a shortlisted applicant can have booked, so the name is no longer hidden.
          bookedBy:
            slot.booked_application_id === null
              ? null
              : [slot.personal?.first_name, slot.personal?.last_name].filter(Boolean).join(' ') ||
                applicantLabel(slot.booked_application_id),
        })),
      };
    },

    async addSlot(actor: Actor, vacancyId: number, slot: NewSlot, ipAddress: string | null) {
      const access = await recruiterAccess(db, actor, vacancyId);
      await db.transaction().execute(async (tx) => {
        const row = await tx
          .insertInto('interview_slots')
          .values({ vacancy_id: vacancyId, starts_at: slot.startsAt, minutes: slot.minutes, place: slot.place })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(
          tx,
          {
            actor: access.staff,
            action: 'create',
            recordType: 'interview_slot',
            recordId: row.id,
            detail: { vacancyId, startsAt: slot.startsAt.toISOString(), minutes: slot.minutes, place: slot.place },
            ipAddress,
          },
          clock(),
        );
      });
    },

    /** Removes a slot nobody has booked. */
    async removeSlot(actor: Actor, vacancyId: number, slotId: number, ipAddress: string | null) {
      const access = await recruiterAccess(db, actor, vacancyId);
      await db.transaction().execute(async (tx) => {
        const removed = await tx
          .deleteFrom('interview_slots')
          .where('id', '=', slotId)
          .where('vacancy_id', '=', vacancyId)
          .where('booked_application_id', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!removed) throw new NotFoundError();
        await recordAudit(
          tx,
          { actor: access.staff, action: 'delete', recordType: 'interview_slot', recordId: slotId, ipAddress },
          clock(),
        );
      });
    },

    /** The applicant's own invitation: the free slots, or the one they booked. */
    async invitation(actor: Actor, applicationId: number) {
      const application = await ownApplication(actor, applicationId);
      const slots = await db
        .selectFrom('interview_slots')
        .select(['id', 'starts_at', 'minutes', 'place', 'booked_application_id'])
        .where('vacancy_id', '=', application.vacancy_id)
        .where((eb) =>
          eb.or([eb('booked_application_id', 'is', null), eb('booked_application_id', '=', application.id)]),
        )
        .where('starts_at', '>', clock())
        .orderBy('starts_at')
        .execute();
      const booked = slots.find((slot) => slot.booked_application_id === application.id);
      return {
        application,
        booked: booked ? { ...booked, description: describeSlot(booked) } : null,
        free: slots
          .filter((slot) => slot.booked_application_id === null)
          .map((slot) => ({ ...slot, description: describeSlot(slot) })),
      };
    },

    /** Books a free slot for the applicant and moves their application to "interview booked", together. */
    async book(actor: Actor, applicationId: number, slotId: number, ipAddress: string | null) {
      const application = await ownApplication(actor, applicationId);
      if (application.status !== 'interview_invited') throw new ForbiddenError('There is no interview to book');
      await db.transaction().execute(async (tx) => {
        const taken = await tx
          .updateTable('interview_slots')
          .set({ booked_application_id: application.id })
          .where('id', '=', slotId)
          .where('vacancy_id', '=', application.vacancy_id)
          .where('booked_application_id', 'is', null)
          .where('starts_at', '>', clock())
          .returning(['starts_at', 'minutes', 'place'])
          .executeTakeFirst();
        if (!taken) throw new SlotTaken();
        await changeStage(tx, messages, {
          applicationId: application.id,
          to: 'interview_booked',
          actor,
          message: `Your interview: ${describeSlot(taken)}.`,
          now: clock(),
          ipAddress,
        });
      });
    },

    /** The applicant's offer, to accept or decline. */
    async offer(actor: Actor, applicationId: number) {
      return ownApplication(actor, applicationId);
    },

    async answerOffer(actor: Actor, applicationId: number, accept: boolean, ipAddress: string | null) {
      const application = await ownApplication(actor, applicationId);
      if (application.status !== 'conditional_offer') throw new ForbiddenError('There is no offer to answer');
      await db.transaction().execute((tx) =>
        changeStage(tx, messages, {
          applicationId: application.id,
          to: accept ? 'offer_accepted' : 'offer_declined',
          actor,
          now: clock(),
          ipAddress,
        }),
      );
    },
  };
}

export type InterviewsService = ReturnType<typeof createInterviewsService>;
