import { randomUUID } from 'node:crypto';
import { sleep } from '../support/server.js';

/** One request as the client saw it: its Idempotency-Key, and the reference if it was acknowledged. */
export interface Submission {
  key: string;
  /** Its place in the load: requests start at the processes in turn, as a load balancer sends them. */
  index: number;
  description: string;
  email: string | undefined;
  /** Set once a 201 named the case. */
  reference?: string;
  attempts: number;
  /** The statuses and network errors of the attempts that failed, in order. */
  failures: string[];
  /** A 4xx other than 429: the request itself was refused, so retrying would not help. */
  refused?: string;
}

export interface LoadOptions {
  /** Base addresses of the app processes; a failed attempt is retried against the next one. */
  targets: () => string[];
  apiKey: string;
  /** Written into each description, so that the cases of one fault can be counted afterwards. */
  label: string;
  /** Clients posting side by side. */
  concurrency: number;
  /** Stop starting new requests after this long, or after `count` requests, whichever comes first. */
  durationMs?: number;
  count?: number;
  /** Each request gives an email address, so a receipt is queued for it. */
  withEmail?: boolean;
  /** A request not acknowledged by then is given up: it counts as submitted, not acknowledged. */
  giveUpAfterMs?: number;
}

/** The Open311 form FixMyStreet posts (test/support/open311.ts missedBin), with this request's own words. */
function formFor(apiKey: string, description: string, email: string | undefined): string {
  const form = new URLSearchParams([
    ['api_key', apiKey],
    ['service_code', 'missed-bin'],
    ['address_string', 'DE4 3AG'],
    ['attribute[bin_type]', 'general'],
    ['description', description],
  ]);
  if (email) form.append('email', email);
  return form.toString();
}

/** Whether an answer is worth trying again (the service was away), as a careful client decides. */
function isRetryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * Posts one request until it is acknowledged, always with the same Idempotency-Key, so that however
 * many attempts reach the service it makes one case. Each retry goes to the next process, after a
 * pause that grows with each failure.
 */
async function submit(options: LoadOptions, submission: Submission, giveUpAt: number): Promise<void> {
  const body = formFor(options.apiKey, submission.description, submission.email);
  while (Date.now() < giveUpAt) {
    const targets = options.targets();
    const target = targets[(submission.index + submission.attempts) % targets.length];
    submission.attempts += 1;
    try {
      const response = await fetch(`${target}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': submission.key },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status === 201) {
        submission.reference = (JSON.parse(text) as { service_request_id: string }[])[0].service_request_id;
        return;
      }
      submission.failures.push(String(response.status));
      if (!isRetryable(response.status)) {
        submission.refused = `${response.status} ${text.slice(0, 200)}`;
        return;
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      submission.failures.push(cause?.code ?? (error as Error).name);
    }
    await sleep(Math.min(100 * submission.attempts, 1_000));
  }
}

/** Runs the load and resolves with every request started, acknowledged or not. */
export async function runLoad(options: LoadOptions): Promise<Submission[]> {
  const submissions: Submission[] = [];
  const stopAt = Date.now() + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;

  async function client(): Promise<void> {
    while (Date.now() < stopAt && submissions.length < limit) {
      const key = randomUUID();
      const submission: Submission = {
        key,
        index: submissions.length,
        description: `${options.label} ${key}`,
        email: options.withEmail ? `resident+${key.slice(0, 8)}@faults.example` : undefined,
        attempts: 0,
        failures: [],
      };
      submissions.push(submission);
      await submit(options, submission, Date.now() + giveUpAfterMs);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, client));
  return submissions;
}
