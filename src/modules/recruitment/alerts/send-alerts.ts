import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { DAY_MS, formatDateTime } from '../../../shared/dates.js';
import type { CitizenEmail } from '../../identity/index.js';
import { queueEmail } from '../../notify/outbox.js';
import { recruitmentPaths } from '../paths.js';
import { locationText, salaryText } from '../jobs/presenters.js';
import type { VacancySummary } from '../jobs/repository.js';
import { describeSearch, searchFromQueryString } from '../jobs/search-query.js';
import type { JobSearchService } from '../jobs/service.js';
import { createAlertsRepository, type AlertRow } from './repository.js';

/** An alert not confirmed for this long is warned that it will lapse… */
export const CONFIRM_EVERY_MS = 365 * DAY_MS;
/** …and lapses this long after the warning, unless its owner keeps it. */
export const LAPSE_AFTER_WARNING_MS = 14 * DAY_MS;
/** The most jobs one email lists; the rest are a link away. */
export const JOBS_PER_EMAIL = 25;
const BATCH = 200;
/** At most this many batches a run; the next run, a minute later, carries on. */
const MAX_PASSES = 50;

export interface AlertWorkDependencies {
  db: Kysely<Database>;
  jobs: JobSearchService;
  citizenEmail: CitizenEmail;
  publicUrl: string;
}

export interface AlertWorkDone {
  sent: number;
  /** Due alerts with nothing new: no email, the next period starts now. */
  nothingNew: number;
  warned: number;
  lapsed: number;
}

function jobLines(vacancy: VacancySummary, publicUrl: string): string {
  const facts = [
    vacancy.employer,
    locationText(vacancy),
    salaryText(vacancy),
    `closes ${formatDateTime(vacancy.closes_at)}`,
  ];
  return `${vacancy.title}\n${facts.filter(Boolean).join('. ')}\n${publicUrl}${recruitmentPaths.job({ slug: vacancy.slug })}`;
}

function stopLines(alert: AlertRow, publicUrl: string): string {
  return [
    `Change or delete your job alerts: ${publicUrl}${recruitmentPaths.applicant.alerts}`,
    `Stop this alert (no sign-in needed): ${publicUrl}${recruitmentPaths.unsubscribe({ key: alert.unsubscribe_key })}`,
  ].join('\n');
}

/**
 * The job alerts' work, one pass at the time `now`: each due alert (a day or a week since its last
 * email) is sent one email of the live vacancies its search finds that went live since then, none
 * when there are none; an alert not confirmed for 12 months is warned, and lapses 14 days after the
 * warning. Each email is queued in the same transaction that records it, and recorded only if no
 * other worker got there first, so none is sent twice.
 */
export async function runJobAlerts(deps: AlertWorkDependencies, now: Date): Promise<AlertWorkDone> {
  const { db, jobs, citizenEmail, publicUrl } = deps;
  const alerts = createAlertsRepository(db);
  const done: AlertWorkDone = { sent: 0, nothingNew: 0, warned: 0, lapsed: 0 };
  /** An alert's search in words, read before any transaction. */
  const wordsOf = async (query: string) => {
    const search = searchFromQueryString(query);
    if (!search) return 'a search';
    const employers = search.employerId === undefined ? [] : await jobs.employers();
    return describeSearch(search, employers.find((employer) => employer.id === search.employerId)?.name);
  };

  // Lapse first: an alert warned 14 days ago and not kept sends nothing more.
  for (const alert of await alerts.toLapse(new Date(now.getTime() - LAPSE_AFTER_WARNING_MS), BATCH)) {
    const to = await citizenEmail(alert.citizen_id);
    // Read before the transaction: inside it, only the transaction may be used (PGlite has one connection).
    const words = await wordsOf(alert.query);
    await db.transaction().execute(async (tx) => {
      if (!(await alerts.markLapsed(tx, alert.id, now))) return;
      done.lapsed += 1;
      if (!to) return;
      await queueEmail(tx, {
        to,
        subject: 'Your job alert has stopped',
        body: [
          `Your job alert "${words}" has stopped, as you did not ask to keep it.`,
          `You can make a new one from any search: ${publicUrl}${recruitmentPaths.jobs}`,
        ].join('\n\n'),
      });
    });
  }

  for (const alert of await alerts.needingWarning(new Date(now.getTime() - CONFIRM_EVERY_MS), BATCH)) {
    const to = await citizenEmail(alert.citizen_id);
    const words = await wordsOf(alert.query);
    const lapsesOn = formatDateTime(new Date(now.getTime() + LAPSE_AFTER_WARNING_MS));
    await db.transaction().execute(async (tx) => {
      if (!(await alerts.markWarned(tx, alert.id, now))) return;
      done.warned += 1;
      if (!to) return;
      await queueEmail(tx, {
        to,
        subject: 'Do you still want this job alert?',
        body: [
          `You have had a job alert for a year: "${words}".`,
          `To keep it for another year, use this link by ${lapsesOn}: ${publicUrl}${recruitmentPaths.keepAlert({ key: alert.unsubscribe_key })}`,
          `Or sign in and change it: ${publicUrl}${recruitmentPaths.applicant.alerts}`,
          'If you do nothing, it will stop and we will not email you about it again.',
          stopLines(alert, publicUrl),
        ].join('\n\n'),
      });
    });
  }

  // Batch after batch until none is due: each one read is marked sent (or found sent by another worker).
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const due = await alerts.due(now, BATCH);
    for (const alert of due) {
      const since = alert.last_sent_at ?? alert.created_at;
      const search = searchFromQueryString(alert.query);
      const to = await citizenEmail(alert.citizen_id);
      const found =
        search && to
          ? await jobs.search(search, { now, sort: 'newest', page: 1, perPage: JOBS_PER_EMAIL, liveSince: since })
          : undefined;
      const matches = found?.outcome === 'found' ? found : undefined;
      const words = await wordsOf(alert.query);
      await db.transaction().execute(async (tx) => {
        // The period ends now whether or not there was anything to send: the next one starts here.
        if (!(await alerts.claimSend(tx, alert, now))) return;
        if (!matches || matches.total === 0 || !to || !search) {
          done.nothingNew += 1;
          return;
        }
        const more = matches.total - matches.vacancies.length;
        await queueEmail(tx, {
          to,
          subject: `${matches.total} new ${matches.total === 1 ? 'job' : 'jobs'} for your alert: ${words}`.slice(
            0,
            200,
          ),
          body: [
            `${matches.total === 1 ? 'A new job matches' : `${matches.total} new jobs match`} your ${alert.frequency} alert "${words}".`,
            ...matches.vacancies.map((vacancy) => jobLines(vacancy, publicUrl)),
            ...(more > 0 ? [`And ${more} more.`] : []),
            `See every job for this search: ${publicUrl}${recruitmentPaths.jobs}${alert.query ? `?${alert.query}` : ''}`,
            stopLines(alert, publicUrl),
          ].join('\n\n'),
        });
        done.sent += 1;
      });
    }
    if (due.length < BATCH) break;
  }
  return done;
}
