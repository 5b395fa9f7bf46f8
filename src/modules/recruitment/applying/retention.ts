import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { formatDay, DAY_MS } from '../../../shared/dates.js';
import { recordAudit } from '../../audit/service.js';
import type { CitizenEmail } from '../../identity/index.js';
import { queueEmail } from '../../notify/outbox.js';
import { recruitmentPaths } from '../paths.js';

/** Applicants are warned this long before their application is deleted. */
export const RETENTION_WARNING_MS = 14 * DAY_MS;
const DEFAULT_RETENTION_MONTHS = 6;

/** When an application is due for deletion: the employer's months (or 6) after its vacancy closed, early or at its deadline. */
const deleteAt = sql<Date>`coalesce(vacancies.closed_at, vacancies.closes_at) + coalesce(settings.retention_months, ${sql.lit(DEFAULT_RETENTION_MONTHS)}) * interval '1 month'`;

/** The applications retention deletes: those that ended other than in an appointment, and drafts never submitted. */
const retainedStages = ['unsuccessful', 'offer_declined', 'withdrawn', 'vacancy_cancelled', 'draft'] as const;

export interface RetentionDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  citizenEmail: CitizenEmail;
  publicUrl: string;
}

/**
 * Retention (docs/recruitment-applying.md): an unsuccessful applicant's application is deleted the
 * employer's retention months (6 unless it says otherwise) after the vacancy closed, having been
 * warned by email 14 days before. An application is never deleted less than 14 days after its
 * warning, even if the job did not run for a while. Deletion takes its events, scores, references
 * and equality answers with it (the foreign keys cascade) and leaves one audit entry, without content.
 */
export async function applyRetention({ db, clock, citizenEmail, publicUrl }: RetentionDependencies) {
  const now = clock();
  // When each candidate application is due for deletion: months after its vacancy closed.
  const due = () =>
    db
      .selectFrom('applications')
      .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
      .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
      .leftJoin('recruitment_employer_settings as settings', 'settings.organisation_id', 'vacancies.organisation_id')
      .select([
        'applications.id',
        'applications.citizen_id',
        'applications.personal',
        'applications.retention_warning_sent_at',
        'vacancies.title',
        'organisations.name as employer',
        sql<number>`coalesce(settings.retention_months, ${sql.lit(DEFAULT_RETENTION_MONTHS)})`.as('retention_months'),
        deleteAt.as('delete_at'),
      ])
      .where('applications.status', 'in', [...retainedStages])
      .where((eb) =>
        eb.or([
          eb('vacancies.closes_at', '<=', now),
          eb('vacancies.status', 'in', ['closed', 'appointed', 'not_filled', 'cancelled']),
        ]),
      );

  let warned = 0;
  let deleted = 0;
  const toWarn = await due()
    .where('applications.retention_warning_sent_at', 'is', null)
    .where(deleteAt, '<=', new Date(now.getTime() + RETENTION_WARNING_MS))
    .execute();
  for (const application of toWarn) {
    await db.transaction().execute(async (tx) => {
      // Claimed first: another worker that found it too updates nothing and sends nothing.
      const claimed = await tx
        .updateTable('applications')
        .set({ retention_warning_sent_at: now })
        .where('id', '=', application.id)
        .where('retention_warning_sent_at', 'is', null)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) return;
      const given = typeof application.personal.email === 'string' ? application.personal.email.trim() : '';
      const to = given || (application.citizen_id === null ? null : await citizenEmail(application.citizen_id, tx));
      // An applicant with no email address (a paper one) cannot be warned; the warning is still
      // recorded, so that the deletion waits its 14 days like everyone else's.
      if (to) {
        const deleteOn = new Date(
          Math.max(new Date(application.delete_at).getTime(), now.getTime() + RETENTION_WARNING_MS),
        );
        await queueEmail(tx, {
          to,
          subject: `Your application for ${application.title} will be deleted on ${formatDay(deleteOn)}`,
          body:
            `Your application for ${application.title} at ${application.employer} has ended. ${application.employer} keeps ` +
            `applications for ${application.retention_months} months after a vacancy closes, then deletes them.\n\n` +
            `We will delete this application, and everything about it, on ${formatDay(deleteOn)}.\n\n` +
            `You can download a copy of everything we hold about you before then: ${publicUrl}${recruitmentPaths.applicant.yourData}\n`,
        });
      }
      warned += 1;
    });
  }

  const toDelete = await due()
    .where('applications.retention_warning_sent_at', '<=', new Date(now.getTime() - RETENTION_WARNING_MS))
    .where(deleteAt, '<=', now)
    .execute();
  for (const application of toDelete) {
    await db.transaction().execute(async (tx) => {
      const removed = await tx
        .deleteFrom('applications')
        .where('id', '=', application.id)
        .where('status', 'in', [...retainedStages])
        .executeTakeFirst();
      if (removed.numDeletedRows === 0n) return;
      await recordAudit(
        tx,
        {
          actor: { kind: 'system', label: 'recruitment retention' },
          action: 'delete',
          recordType: 'application',
          recordId: application.id,
          detail: { reason: 'retention', retentionMonths: application.retention_months },
        },
        now,
      );
      deleted += 1;
    });
  }
  return { warned, deleted };
}
