import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { createSmtpMailer } from '../modules/notify/mailer.js';
import { createOutboxRepository } from '../modules/notify/repository.js';
import { createOutboxWorker, type WorkerLog } from '../modules/notify/worker.js';
import { startJobLoop, type Job, type JobLoop } from './loop.js';

/** Often enough that an email leaves within seconds; rarely enough to cost the database nothing. */
export const POLL_INTERVAL_MS = 5_000;

export interface WorkerDependencies {
  config: Config;
  db: Kysely<Database>;
  log: WorkerLog;
  clock?: () => Date;
  intervalMs?: number;
}

/**
 * Starts the background jobs this configuration calls for. Without SMTP_URL there is no mailer and
 * nothing sends email: it waits in the outbox, where partnership administrators can read it.
 */
export function startWorker({ config, db, log, clock = () => new Date(), intervalMs = POLL_INTERVAL_MS }: WorkerDependencies): JobLoop {
  const jobs: Job[] = [];
  const closers: (() => void)[] = [];

  if (config.smtpUrl) {
    const mailer = createSmtpMailer(config.smtpUrl, config.emailFrom);
    closers.push(() => mailer.close());
    const outbox = createOutboxWorker({ repository: createOutboxRepository(db), mailer, clock, log });
    jobs.push({ name: 'email outbox', run: (signal) => outbox.sendDue(signal) });
  } else {
    log.info('SMTP_URL is not set: emails are not sent; they wait in the outbox at /staff/outbox');
  }

  if (jobs.length === 0) return { stop: async () => {} };
  log.info(`worker started: ${jobs.map((job) => job.name).join(', ')}, every ${intervalMs / 1000} s`);
  const loop = startJobLoop({ jobs, intervalMs, log });
  return {
    async stop() {
      await loop.stop();
      for (const close of closers) close();
    },
  };
}
