import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { CitizenEmail } from '../identity/index.js';
import { runJobAlerts } from './alerts/index.js';
import { applyRetention, sendClosingReminders } from './applying/index.js';
import { createJobSearch, createJobsRepository, type LocatePostcode } from './jobs/index.js';

/** What the worker hands recruitment's background work: ports of identity, places and partnership, read without an app. */
export interface RecruitmentJobsDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  publicUrl: string;
  citizenEmail: CitizenEmail;
  locate: LocatePostcode;
  memberOrganisationIds: () => Promise<number[]>;
  log: { info(message: string): void };
}

/** One piece of background work, as the worker's job loop runs it. */
export interface RecruitmentJob {
  name: string;
  run(): Promise<void>;
}

// How often each is looked for: alerts fall due by the minute, closing reminders by the hour, retention by the day.
const JOB_ALERTS_CHECK_INTERVAL_MS = 60_000;
const REMINDER_CHECK_INTERVAL_MS = 10 * 60_000;
const RETENTION_CHECK_INTERVAL_MS = 60 * 60_000;

/**
 * Recruitment's background work (docs/recruitment.md): job alerts (each due alert's email of new
 * vacancies, the yearly warning, the lapse after it), the emails 72 hours before a vacancy closes, and
 * deleting unsuccessful applications after the employer's retention period. Each claims its rows in
 * the transaction that queues its email, so it sends once however many workers run.
 */
export function recruitmentJobs(deps: RecruitmentJobsDependencies): RecruitmentJob[] {
  const { db, clock, publicUrl, citizenEmail, log } = deps;
  const jobs = createJobSearch({
    repository: createJobsRepository(db),
    locate: deps.locate,
    memberOrganisationIds: deps.memberOrganisationIds,
  });
  const every = (name: string, intervalMs: number, work: () => Promise<void>): RecruitmentJob => {
    let ranAt = 0;
    return {
      name,
      async run() {
        if (clock().getTime() - ranAt < intervalMs) return;
        ranAt = clock().getTime();
        await work();
      },
    };
  };
  return [
    every('job alerts', JOB_ALERTS_CHECK_INTERVAL_MS, async () => {
      const done = await runJobAlerts({ db, jobs, citizenEmail, publicUrl }, clock());
      if (done.sent || done.warned || done.lapsed)
        log.info(`job alerts: ${done.sent} sent, ${done.warned} warned, ${done.lapsed} lapsed`);
    }),
    every('recruitment closing reminders', REMINDER_CHECK_INTERVAL_MS, async () => {
      await sendClosingReminders({ db, clock, citizenEmail, publicUrl });
    }),
    every('recruitment retention', RETENTION_CHECK_INTERVAL_MS, async () => {
      const done = await applyRetention({ db, clock, citizenEmail, publicUrl });
      if (done.warned || done.deleted)
        log.info(`recruitment retention: ${done.warned} applicant(s) warned, ${done.deleted} application(s) deleted`);
    }),
  ];
}
