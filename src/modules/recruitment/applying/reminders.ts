import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { formatDateTime } from '../../../shared/dates.js';
import type { CitizenEmail } from '../../identity/index.js';
import { queueEmail } from '../../notify/outbox.js';
import { recruitmentPaths } from '../paths.js';

/** Applicants are reminded this long before a vacancy closes. */
export const REMINDER_BEFORE_MS = 72 * 3_600_000;

export interface ReminderDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  citizenEmail: CitizenEmail;
  publicUrl: string;
}

/** Live vacancies closing within the next 72 hours. */
const closingSoon = (tx: Transaction<Database>, now: Date) =>
  tx
    .selectFrom('vacancies')
    .select('vacancies.id')
    .where('vacancies.status', '=', 'published')
    .where((eb) => eb.or([eb('vacancies.publish_at', 'is', null), eb('vacancies.publish_at', '<=', now)]))
    .where('vacancies.closes_at', '>', now)
    .where('vacancies.closes_at', '<=', new Date(now.getTime() + REMINDER_BEFORE_MS));

/**
 * Emails, once, everyone with an unfinished draft for a vacancy closing within 72 hours, and
 * everyone who saved it without applying. Each reminder is claimed (its sent time set) in the same
 * transaction that queues its email, so two workers running at once send it once between them.
 */
export async function sendClosingReminders({ db, clock, citizenEmail, publicUrl }: ReminderDependencies) {
  const now = clock();
  return db.transaction().execute(async (tx) => {
    const drafts = await tx
      .updateTable('applications')
      .set({ closing_reminder_sent_at: now })
      .where('status', '=', 'draft')
      .where('citizen_id', 'is not', null)
      .where('closing_reminder_sent_at', 'is', null)
      .where('vacancy_id', 'in', closingSoon(tx, now))
      .returning(['id', 'citizen_id', 'vacancy_id', 'personal'])
      .execute();
    const saved = await tx
      .updateTable('saved_jobs')
      .set({ closing_reminder_sent_at: now })
      .where('closing_reminder_sent_at', 'is', null)
      .where('vacancy_id', 'in', closingSoon(tx, now))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('applications')
              .select('applications.id')
              .whereRef('applications.vacancy_id', '=', 'saved_jobs.vacancy_id')
              .whereRef('applications.citizen_id', '=', 'saved_jobs.citizen_id'),
          ),
        ),
      )
      .returning(['citizen_id', 'vacancy_id'])
      .execute();

    const vacancyIds = [...new Set([...drafts, ...saved].map((row) => row.vacancy_id))];
    const vacancies = vacancyIds.length
      ? await tx
          .selectFrom('vacancies')
          .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
          .select([
            'vacancies.id',
            'vacancies.slug',
            'vacancies.title',
            'vacancies.closes_at',
            'organisations.name as employer',
          ])
          .where('vacancies.id', 'in', vacancyIds)
          .execute()
      : [];
    const vacancy = (id: number) => vacancies.find((row) => row.id === id)!;

    for (const draft of drafts) {
      const given = typeof draft.personal.email === 'string' ? draft.personal.email.trim() : '';
      const to = given || (await citizenEmail(draft.citizen_id!, tx));
      if (!to) continue;
      const job = vacancy(draft.vacancy_id);
      await queueEmail(tx, {
        to,
        subject: `Your application closes soon: ${job.title}`,
        body:
          `You have started an application for ${job.title} at ${job.employer}, but you have not submitted it yet.\n\n` +
          `Applications close on ${formatDateTime(job.closes_at)}. After that, you will not be able to submit it.\n\n` +
          `Carry on with your application: ${publicUrl}${recruitmentPaths.applicant.application({ id: draft.id })}\n`,
      });
    }
    for (const row of saved) {
      const to = await citizenEmail(row.citizen_id, tx);
      if (!to) continue;
      const job = vacancy(row.vacancy_id);
      await queueEmail(tx, {
        to,
        subject: `A job you saved closes soon: ${job.title}`,
        body:
          `You saved ${job.title} at ${job.employer}. Applications close on ${formatDateTime(job.closes_at)}.\n\n` +
          `See the job and apply: ${publicUrl}${recruitmentPaths.job({ slug: job.slug })}\n`,
      });
    }
    return { drafts: drafts.length, savedJobs: saved.length };
  });
}
