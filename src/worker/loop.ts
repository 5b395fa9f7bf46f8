import type { WorkerLog } from '../modules/notify/worker.js';

export interface Job {
  name: string;
  /** Does whatever is due now; should return soon after the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export interface JobLoop {
  /** Lets the job that is running finish, then starts no more. */
  stop(): Promise<void>;
}

/**
 * Runs each job now and then every `intervalMs` after the last run ends, so runs never overlap. A job
 * that throws is logged and tried again next time: one bad run must not stop the loop.
 */
export function startJobLoop({ jobs, intervalMs, log }: { jobs: Job[]; intervalMs: number; log: WorkerLog }): JobLoop {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;

  async function runJobs(): Promise<void> {
    for (const job of jobs) {
      if (stopping.signal.aborted) return;
      try {
        await job.run(stopping.signal);
      } catch (error) {
        log.error({ err: error }, `${job.name}: run failed; trying again in ${intervalMs / 1000} s`);
      }
    }
  }

  let running = runJobs().then(scheduleNext);
  function scheduleNext(): void {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      running = runJobs().then(scheduleNext);
    }, intervalMs);
  }

  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
