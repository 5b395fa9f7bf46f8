import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { publishAnchor } from '../modules/audit/anchor.js';
import { sealAuditLog } from '../modules/audit/seal.js';
import { pruneSignInFailures } from '../modules/identity/sign-in-failures.js';
import { createCitizenRepository } from '../modules/identity/citizen-repository.js';
import { createStaffRepository } from '../modules/identity/staff-repository.js';
import { createSmtpMailer } from '../modules/notify/mailer.js';
import { createOutboxRepository } from '../modules/notify/repository.js';
import { createOutboxWorker, type WorkerLog } from '../modules/notify/worker.js';
import { startJobLoop, type Job, type JobLoop } from './loop.js';
import { createPartnershipModule } from '../modules/partnership/index.js';
import { normalisePostcode } from '../modules/places/postcode.js';
import { createPlacesRepository } from '../modules/places/repository.js';
import { recruitmentJobs } from '../modules/recruitment/background-jobs.js';

/** Often enough that an email leaves within seconds; rarely enough to cost the database nothing. */
export const POLL_INTERVAL_MS = 5_000;
const FINAL_SEAL_PATIENCE_MS = 2_000;
const PRUNE_INTERVAL_MS = 60_000;
/** How often a worker asks whether an anchor is due; the schedule itself is AUDIT_ANCHOR_INTERVAL_HOURS. */
const ANCHOR_CHECK_INTERVAL_MS = 60_000;

export interface WorkerDependencies {
  config: Config;
  db: Kysely<Database>;
  log: WorkerLog;
  clock?: () => Date;
  intervalMs?: number;
}

/**
 * Starts the background jobs this configuration calls for. The audit log is always sealed. Without
 * SMTP_URL there is no mailer and nothing sends email: it waits in the outbox, where partnership
 * administrators can read it.
 */
export function startWorker({
  config,
  db,
  log,
  clock = () => new Date(),
  intervalMs = POLL_INTERVAL_MS,
}: WorkerDependencies): JobLoop {
  // Every few seconds, so that an entry stays unsealed, and so deletable unnoticed, for seconds only.
  const sealer: Job = {
    name: 'audit sealer',
    run: async (signal) => {
      await sealAuditLog(db, clock, { signal });
    },
  };
  // Counts of wrong passwords whose window has passed hold no lock and count nothing any more.
  let prunedAt = 0;
  const pruner: Job = {
    name: 'sign-in failures pruner',
    run: async () => {
      if (clock().getTime() - prunedAt < PRUNE_INTERVAL_MS) return;
      prunedAt = clock().getTime();
      await pruneSignInFailures(db, clock());
    },
  };
  // The head seal's hash, emailed to the partnership administrators on a schedule (docs/audit.md,
  // "Anchors"); when it was last done is in the database, so every process keeps one schedule.
  let anchorCheckedAt = 0;
  const staff = createStaffRepository(db);
  const anchorer: Job = {
    name: 'audit anchor',
    run: async () => {
      if (clock().getTime() - anchorCheckedAt < ANCHOR_CHECK_INTERVAL_MS) return;
      anchorCheckedAt = clock().getTime();
      const partnership = await db
        .selectFrom('partnerships')
        .select('name')
        .where('slug', '=', config.partnership)
        .executeTakeFirst();
      const published = await publishAnchor(db, clock, {
        intervalMs: config.auditAnchorIntervalMs,
        publicUrl: config.publicUrl,
        partnershipName: partnership?.name ?? config.partnership,
        recipients: () => staff.listPartnershipAdministrators(),
      });
      if (published.outcome !== 'published') return;
      if (published.recipients === 0)
        log.warn(
          `audit anchor ${published.anchorId}: seal ${published.sealId} published to no one, as there is no partnership administrator`,
        );
      else
        log.info(
          `audit anchor ${published.anchorId}: seal ${published.sealId} emailed to ${published.recipients} partnership administrator(s)`,
        );
    },
  };
  // The anchor runs after the sealer, so that it publishes the seal made just before.
  const jobs: Job[] = [sealer, anchorer, pruner];
  // Recruitment's alerts, closing reminders and retention, given the ports they read without an app.
  const places = createPlacesRepository(db);
  let partnership: ReturnType<typeof createPartnershipModule> | undefined;
  jobs.push(
    ...recruitmentJobs({
      db,
      clock,
      publicUrl: config.publicUrl,
      citizenEmail: createCitizenRepository(db).emailOf,
      locate: async (postcode) => {
        const normalised = normalisePostcode(postcode);
        return normalised ? places.findPostcode(normalised) : undefined;
      },
      // The partnership's members, as the app reads them; a failed first read is tried again next time.
      memberOrganisationIds: async () => {
        partnership ??= createPartnershipModule({ db, clock, partnershipSlug: config.partnership }).catch((error) => {
          partnership = undefined;
          throw error;
        });
        return (await partnership).memberOrganisationIds();
      },
      log,
    }),
  );
  const closers: (() => void)[] = [];

  if (config.smtpUrl) {
    const mailer = createSmtpMailer(config.smtpUrl, config.emailFrom);
    closers.push(() => mailer.close());
    const outbox = createOutboxWorker({ repository: createOutboxRepository(db), mailer, clock, log });
    jobs.push({ name: 'email outbox', run: (signal) => outbox.sendDue(signal) });
  } else {
    log.info('SMTP_URL is not set: emails are not sent; they wait in the outbox at /staff/outbox');
  }

  log.info(`worker started: ${jobs.map((job) => job.name).join(', ')}, every ${intervalMs / 1000} s`);
  const loop = startJobLoop({ jobs, intervalMs, log });
  return {
    async stop() {
      await loop.stop();
      for (const close of closers) close();
      // What was written since the last run is sealed now rather than by whichever process runs next;
      // a moment's patience lets transactions that are just ending (other processes') be sealed too.
      await sealAuditLog(db, clock, { patienceMs: FINAL_SEAL_PATIENCE_MS }).catch((error: unknown) =>
        log.error({ err: error }, 'audit sealer: the last seal before stopping failed'),
      );
    },
  };
}
