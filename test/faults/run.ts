/**
 * npm run test:faults [-- --quick]: Shirehall under the faults of issue 9, on PostgreSQL with two app
 * processes and a worker of its own, as production runs it. Prints, for each fault, how many requests
 * (or emails) were submitted, acknowledged, found afterwards, lost and duplicated. Exits 1 if any
 * acknowledged request or due email was lost, any Idempotency-Key made two cases, a request was never
 * acknowledged, a process ended when its connections were terminated, or a second process got into
 * the embedded database's folder. See docs/faults.md.
 *
 * Not part of `npm test`: it takes minutes and kills processes. PostgreSQL is reached at DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres); it makes a database of its own and drops it.
 * The server itself is never restarted: connections are ended with pg_terminate_backend.
 */
import { parseArgs } from 'node:util';
import { freePort } from '../support/server.js';
import { Cluster } from './cluster.js';
import type { Row } from './count.js';
import { killOneApp, killWorker, smtpDown, terminateConnections, twoOnOneFolder, type Settings } from './faults.js';
import { MailSink } from './mail-sink.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const startedAt = Date.now();
const log = (message: string) =>
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const settings: Settings = {
  quick: values.quick ?? false,
  loadMs: values.quick ? 5_000 : 10_000,
  smtpDownMs: values.quick ? 10_000 : 60_000,
  log,
};

function table(rows: Row[]): string {
  const headers = ['fault', 'submitted', 'acknowledged', 'found', 'lost', 'duplicated'];
  const cells = rows.map((row) =>
    [row.fault, row.submitted, row.acknowledged, row.found, row.lost, row.duplicated].map(String),
  );
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((line) => line[column].length)));
  const line = (values: string[]) =>
    values
      .map((value, column) => (column === 0 ? value.padEnd(widths[column]) : value.padStart(widths[column])))
      .join('  ');
  const notes = rows.map((row, index) => `  ${index + 1}. ${row.fault}: ${row.notes}`);
  return [
    line(headers),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
    '',
    'notes:',
    ...notes,
  ].join('\n');
}

/** What makes the run fail: anything acknowledged lost, any key twice, and each fault's own problems. */
function failures(rows: Row[]): string[] {
  return rows.flatMap((row) => {
    const problems: string[] = [];
    if (row.lost > 0) problems.push(`${row.fault}: ${row.lost} lost`);
    if (row.duplicated > 0 && !row.fault.endsWith('emails'))
      problems.push(`${row.fault}: ${row.duplicated} Idempotency-Keys made two cases`);
    return [...problems, ...row.problems.map((problem) => `${row.fault}: ${problem}`)];
  });
}

async function main(): Promise<number> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const sink = new MailSink(await freePort());
  await sink.start();
  log(`preparing a database on ${new URL(serverUrl).host}${settings.quick ? ' (quick run)' : ''}`);
  const cluster = await Cluster.create(serverUrl, sink.url, () => {});
  const rows: Row[] = [];
  try {
    await Promise.all([cluster.startApp(0), cluster.startApp(1)]);
    cluster.startWorker();
    log(`two apps at ${cluster.targets().join(' and ')}, a worker, a mail server at ${sink.url}`);

    log('fault: kill -9 of one app process mid-load');
    rows.push(...(await killOneApp(cluster, settings)));
    log('fault: connections terminated mid-load (pg_terminate_backend)');
    rows.push(...(await terminateConnections(cluster, settings)));
    // The embedded folder's fault runs while the suite mostly waits for the mail server.
    log('fault: SMTP down while emails are due, and beside it: two processes on one embedded folder');
    // Settled into a value at once, so a failure there is not an unhandled rejection meanwhile.
    const embedded = twoOnOneFolder(settings).then(
      (result) => ({ rows: result }),
      (error: unknown) => ({ error }),
    );
    rows.push(...(await smtpDown(cluster, sink, settings)));
    const embeddedResult = await embedded;
    if ('error' in embeddedResult) throw embeddedResult.error;
    const embeddedRows = embeddedResult.rows;
    log('fault: the worker killed mid-batch');
    rows.push(...(await killWorker(cluster, sink, settings)));
    rows.push(...embeddedRows);
  } finally {
    await cluster.stop();
    sink.stop();
  }
  log(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s\n`);
  console.log(table(rows));
  const problems = failures(rows);
  console.log(
    problems.length
      ? `\nFAILED:\n${problems.map((problem) => `  ${problem}`).join('\n')}`
      : '\nNothing acknowledged was lost, no Idempotency-Key made two cases, every request was acknowledged, the apps and the worker outlived their connections, and the second process was refused.',
  );
  return problems.length ? 1 : 0;
}

process.exitCode = await main();
