import type { Mailer } from './mailer.js';
import type { ClaimedEmail, OutboxRepository } from './repository.js';

/** How long a claimed email is this worker's alone. A worker that dies lets it lapse; another retries. */
export const LEASE_MS = 60_000;
/** No new send starts with less lease than this left: room for one send at the SMTP timeouts. */
const SEND_ALLOWANCE_MS = 40_000;
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 3_600_000;
const DEFAULT_BATCH_SIZE = 10;
const MAX_ERROR_LENGTH = 1_000;

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
  error(detail: { err: unknown }, message: string): void;
}

export const silentLog: WorkerLog = { info() {}, warn() {}, error() {} };

export interface OutboxWorkerDependencies {
  repository: OutboxRepository;
  mailer: Mailer;
  clock: () => Date;
  /** 0 ≤ n < 1, for the jitter of retries; injectable so tests can pin it. */
  random?: () => number;
  batchSize?: number;
  log?: WorkerLog;
}

/**
 * How long to wait after a failed attempt: 30 s, doubling each time, at most an hour, plus up to a
 * fifth more at random so that emails which failed together (a mail server outage) do not all
 * retry at the same moment.
 */
export function retryDelayMs(attempts: number, random: () => number): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);
  return Math.round(base * (1 + 0.2 * random()));
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

/**
 * Sends what waits in the outbox, at least once each. An email is marked sent only after the mail
 * server accepted it; if this process dies in between, the email is sent again when its lease lapses.
 */
export function createOutboxWorker({
  repository,
  mailer,
  clock,
  random = Math.random,
  batchSize = DEFAULT_BATCH_SIZE,
  log = silentLog,
}: OutboxWorkerDependencies) {
  async function recordFailure(email: ClaimedEmail, error: unknown): Promise<void> {
    const now = clock();
    const attempts = email.attempts + 1;
    const givingUp = attempts >= MAX_ATTEMPTS;
    await repository.recordFailedAttempt(email.id, {
      attempts,
      lastError: describeError(error),
      nextAttemptAt: givingUp ? now : new Date(now.getTime() + retryDelayMs(attempts, random)),
      failedAt: givingUp ? now : null,
    });
    // The id, never the address: logs are not a place for personal data.
    if (givingUp)
      log.error({ err: error }, `email ${email.id} failed after ${attempts} attempts; it stays in the outbox`);
    else log.warn(`email ${email.id} not sent (attempt ${attempts}): ${describeError(error)}`);
  }

  async function sendOne(email: ClaimedEmail): Promise<boolean> {
    let messageId: string;
    try {
      ({ messageId } = await mailer.send({ to: email.to_address, subject: email.subject, body: email.body_text }));
    } catch (error) {
      await recordFailure(email, error);
      return false;
    }
    // Should this write fail, the lease lapses and the email is sent again: twice rather than never.
    await repository.markSent(email.id, clock(), messageId);
    return true;
  }

  /** Claims one batch and sends it. Returns how many were claimed, and whether every one was tried. */
  async function sendBatch(signal?: AbortSignal): Promise<{ claimed: number; finished: boolean }> {
    const claimedAt = clock();
    const leaseEnds = claimedAt.getTime() + LEASE_MS;
    const emails = await repository.claimDue(claimedAt, new Date(leaseEnds), batchSize);
    for (const email of emails) {
      // Left unsent (shutting down, or the lease running short), the rest are claimed again when
      // their lease lapses, so none is ever sent by two workers at once.
      if (signal?.aborted || leaseEnds - clock().getTime() < SEND_ALLOWANCE_MS)
        return { claimed: emails.length, finished: false };
      await sendOne(email);
    }
    return { claimed: emails.length, finished: true };
  }

  return {
    /** Sends every email that is due, batch after batch, until none is left or the signal stops it. */
    async sendDue(signal?: AbortSignal): Promise<void> {
      while (!signal?.aborted) {
        const { claimed, finished } = await sendBatch(signal);
        if (claimed < batchSize || !finished) return;
      }
    },
    sendBatch,
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
