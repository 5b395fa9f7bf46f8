import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/database.js';
import { runProcess, sleep, startServer, stopProcess, type RunningProcess } from '../support/server.js';
import type { Cluster } from './cluster.js';
import { countEmails, countRequests, failureSummary, waitForEmails, type Row } from './count.js';
import { runLoad } from './load.js';
import type { MailSink } from './mail-sink.js';

export interface Settings {
  quick: boolean;
  /** How long each load runs. */
  loadMs: number;
  /** How long the mail server stays down. */
  smtpDownMs: number;
  log: (message: string) => void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** kill -9 of one app process mid-load; its clients retry against the other, with the same keys. */
export async function killOneApp(cluster: Cluster, settings: Settings): Promise<Row[]> {
  const label = 'fault:kill-9';
  const both = cluster.targets();
  const load = runLoad({
    targets: () => both,
    apiKey: cluster.apiKey,
    label,
    concurrency: 8,
    durationMs: settings.loadMs,
  });
  await sleep(settings.loadMs * 0.4);
  const victim = cluster.apps[0];
  if (!victim) throw new Error('app 0 is not running');
  victim.child.kill('SIGKILL');
  settings.log(`  app 0 (pid ${victim.pid}) killed with SIGKILL at ${seconds(settings.loadMs * 0.4)}`);
  const submissions = await load;
  await victim.exited;
  const restarted = Date.now();
  await cluster.startApp(0);
  settings.log(`  app 0 started again in ${seconds(Date.now() - restarted)}`);
  return [
    await countRequests(cluster.db, 'kill -9 of one app process mid-load', label, submissions, [
      failureSummary(submissions),
    ]),
  ];
}

/** pg_terminate_backend on every connection of the database, once a second, mid-load. */
export async function terminateConnections(cluster: Cluster, settings: Settings): Promise<Row[]> {
  const label = 'fault:terminate';
  const both = cluster.targets();
  let loading = true;
  const load = runLoad({
    targets: () => both,
    apiKey: cluster.apiKey,
    label,
    concurrency: 8,
    durationMs: settings.loadMs,
  }).finally(() => (loading = false));
  let rounds = 0;
  let ended = 0;
  await sleep(500);
  while (loading) {
    ended += await cluster.terminateBackends();
    rounds += 1;
    await sleep(1_000);
  }
  const submissions = await load;
  const alive = cluster.apps.filter((app) => app && !app.hasExited()).length;
  const workerAlive = cluster.worker && !cluster.worker.hasExited();
  const notes = [
    `${ended} backends ended in ${rounds} rounds`,
    `apps still up: ${alive} of 2, worker ${workerAlive ? 'up' : 'down'}`,
    failureSummary(submissions),
  ];
  const problems = alive < 2 || !workerAlive ? ['a process ended when its connections were terminated'] : [];
  return [await countRequests(cluster.db, 'connections terminated mid-load', label, submissions, notes, problems)];
}

/** The mail server down while receipts are due; the worker retries until it is back. */
export async function smtpDown(cluster: Cluster, sink: MailSink, settings: Settings): Promise<Row[]> {
  const label = 'fault:smtp-down';
  sink.stop();
  const downAt = Date.now();
  settings.log(`  mail server stopped for ${seconds(settings.smtpDownMs)}`);
  const submissions = await runLoad({
    targets: () => cluster.targets(),
    apiKey: cluster.apiKey,
    label,
    concurrency: 4,
    count: settings.quick ? 12 : 30,
    withEmail: true,
  });
  await sleep(Math.max(0, downAt + settings.smtpDownMs - Date.now()));
  await sink.start();
  settings.log('  mail server started again; waiting for every receipt');
  // Attempts back off 30 s, then 60 s, then 120 s (+ up to a fifth): after 60 s down, the last is due within about 75 s.
  const waited = await waitForEmails(submissions, sink, Date.now() + 150_000);
  const notes = [`down ${seconds(settings.smtpDownMs)}`, `every receipt arrived ${seconds(waited)} after it was back`];
  return [
    await countRequests(cluster.db, `SMTP down ${seconds(settings.smtpDownMs)}: requests`, label, submissions, []),
    await countEmails(cluster.db, `SMTP down ${seconds(settings.smtpDownMs)}: emails`, submissions, sink, notes),
  ];
}

/** `npm run worker` killed with SIGKILL halfway through a batch; another worker takes over. */
export async function killWorker(cluster: Cluster, sink: MailSink, settings: Settings): Promise<Row[]> {
  const label = 'fault:worker-kill';
  // Slow enough that a batch of 10 takes seconds, so the kill lands inside one.
  sink.delayMs = 300;
  const submissions = await runLoad({
    targets: () => cluster.targets(),
    apiKey: cluster.apiKey,
    label,
    concurrency: 6,
    count: 30,
    withEmail: true,
  });
  const references = submissions.flatMap((submission) => (submission.reference ? [submission.reference] : []));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && sink.countDelivered(references).found < 3) await sleep(50);
  const victim = cluster.worker;
  if (!victim) throw new Error('the worker is not running');
  victim.child.kill('SIGKILL');
  await victim.exited;
  const before = sink.countDelivered(references).found;
  settings.log(
    `  worker (pid ${victim.pid}) killed with SIGKILL after ${before} of ${references.length} receipts; a new worker started`,
  );
  cluster.startWorker();
  // What the dead worker had claimed waits for its 60-second lease to lapse.
  const waited = await waitForEmails(submissions, sink, Date.now() + 120_000);
  sink.delayMs = 0;
  const notes = [
    `killed after ${before} sent`,
    `the rest arrived within ${seconds(waited)} (the dead worker's lease is 60 s)`,
  ];
  return [
    await countRequests(cluster.db, 'worker killed mid-batch: requests', label, submissions, []),
    await countEmails(cluster.db, 'worker killed mid-batch: emails', submissions, sink, notes),
  ];
}

/** Resolves with the exit code, or kills the process and says so if it is still running after `ms`. */
async function exitWithin(running: RunningProcess, ms: number): Promise<number | string> {
  const result = await Promise.race([running.exited, sleep(ms).then(() => 'still running')]);
  if (result === 'still running') await stopProcess(running);
  return result;
}

const embedded = (dataDir: string) => ({
  DATABASE_URL: undefined,
  DATA_DIR: dataDir,
  OPEN311_POSTS_PER_MINUTE: '1000000',
  RATE_LIMIT_PER_MINUTE: '1000000',
});

/**
 * A second server on the embedded database's folder while the first serves Open311 posts: the second
 * must be refused, and every request the first acknowledged must be there when the folder is opened
 * again.
 */
export async function twoOnOneFolder(settings: Settings): Promise<Row[]> {
  const label = 'fault:embedded';
  const folder = mkdtempSync(path.join(tmpdir(), 'shirehall-faults-'));
  const dataDir = path.join(folder, 'data');
  try {
    // The key is issued before the server starts: beside it, the command would be refused too.
    const issue = runProcess(['--import', 'tsx', 'src/cli/open311-key.ts', '--name', 'Fault suite'], embedded(dataDir));
    await issue.exited;
    const apiKey = /shk_[\w-]+/.exec(issue.output())?.[0];
    if (!apiKey) throw new Error(`npm run open311:key gave no key:\n${issue.output()}`);
    const first = await startServer(embedded(dataDir), { timeoutMs: 180_000 });
    settings.log(`  embedded: first server up (pid ${first.pid}, port ${first.port})`);

    const load = runLoad({ targets: () => [first.url], apiKey, label, concurrency: 4, count: 40 });
    const second = runProcess(['--import', 'tsx', 'src/main.ts'], { ...embedded(dataDir), PORT: '0' });
    const secondExit = await exitWithin(second, 60_000);
    const beside = runProcess(
      ['--import', 'tsx', 'src/cli/open311-key.ts', '--name', 'Beside the server'],
      embedded(dataDir),
    );
    const besideExit = await exitWithin(beside, 60_000);
    const submissions = await load;
    await stopProcess(first);

    // Opened again, as the next start would: what was acknowledged must be there, once.
    const db = await openDatabase({
      kind: 'pglite',
      dataDir,
      user: { command: 'npm run test:faults', advice: () => 'Stop it first.' },
    });
    try {
      const refusal = second
        .output()
        .split('\n')
        .find((line) => line.includes('is in use by'));
      const refused = refusal !== undefined && secondExit !== 0 && secondExit !== 'still running';
      const notes = [
        refused
          ? `second server refused, exit ${secondExit}: "${refusal.trim()}"`
          : `second server not refused (exit ${secondExit})`,
        `npm run open311:key beside it exited ${besideExit}`,
      ];
      const problems = [
        refused ? '' : 'the second server was not refused',
        besideExit === 0 ? 'npm run open311:key ran beside the server' : '',
      ].filter(Boolean);
      return [await countRequests(db, 'two processes on one embedded folder', label, submissions, notes, problems)];
    } finally {
      await db.destroy();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
