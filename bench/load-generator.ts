/**
 * The load generator: a second process, forked by bench/run.ts, that drives autocannon and answers
 * with a JSON summary over IPC. Run on its own it takes one job as JSON on the command line and prints
 * the summary:
 *
 *   node --import tsx bench/load-generator.ts '{"targets":["http://127.0.0.1:3000"],"paths":["/"],"connections":100,"durationSeconds":5}'
 */
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

export interface LoadJob {
  /** Base URLs; the connections are shared out between them (two app processes, one generator). */
  targets: string[];
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  /** Rotated through, one per request, across all connections. */
  paths: string[];
  /** Rotated through with the paths when posting. */
  bodies?: string[];
  headers?: Record<string, string>;
  timeoutSeconds?: number;
}

export interface LoadResult {
  durationSeconds: number;
  /** Responses with a 2xx status per second: what the path really served. */
  requestsPerSecond: number;
  responses: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  errors: number;
  timeouts: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
}

async function runOne(
  job: LoadJob,
  target: string,
  connections: number,
  next: () => number,
): Promise<autocannon.Result> {
  const headers = { ...(job.headers ?? {}) };
  return autocannon({
    url: target,
    connections,
    duration: job.durationSeconds,
    timeout: job.timeoutSeconds ?? 10,
    method: job.method ?? 'GET',
    headers,
    requests: [
      {
        setupRequest: (request) => {
          const i = next();
          const body = job.bodies ? job.bodies[i % job.bodies.length] : undefined;
          return { ...request, path: job.paths[i % job.paths.length], ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  });
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  let counter = 0;
  const next = () => counter++;
  const share = (index: number) =>
    Math.floor(job.connections / job.targets.length) + (index < job.connections % job.targets.length ? 1 : 0);
  const results = await Promise.all(job.targets.map((target, index) => runOne(job, target, share(index), next)));
  const sum = (pick: (result: autocannon.Result) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  const max = (pick: (result: autocannon.Result) => number) => Math.max(...results.map(pick));
  const durationSeconds = max((result) => result.duration);
  const ok = sum((result) => result['2xx']);
  const responses = sum((result) => result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']);
  // Percentiles of several instances cannot be merged exactly: the worst of them is reported.
  return {
    durationSeconds,
    requestsPerSecond: ok / durationSeconds,
    responses,
    status: { '2xx': ok, '3xx': sum((r) => r['3xx']), '4xx': sum((r) => r['4xx']), '5xx': sum((r) => r['5xx']) },
    errors: sum((result) => result.errors),
    timeouts: sum((result) => result.timeouts),
    latency: {
      p50: max((result) => result.latency.p50),
      p90: max((result) => result.latency.p90),
      p99: max((result) => result.latency.p99),
      max: max((result) => result.latency.max),
      mean: max((result) => result.latency.mean),
    },
  };
}

type Message = { id: number; job: LoadJob };
const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (isEntryPoint && process.send) {
  process.on('message', (message: Message) => {
    runLoad(message.job).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) =>
        process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
} else if (isEntryPoint && process.argv[2]) {
  console.log(JSON.stringify(await runLoad(JSON.parse(process.argv[2]) as LoadJob)));
}
