import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  runProcess,
  sleep,
  startServer,
  stopProcess,
  waitForHealth,
  type RunningProcess,
  type RunningServer,
} from './support/server.js';

/**
 * Finding 2 of issue 9: the embedded database's folder belongs to one process. A second server, or a
 * command-line tool, on the same DATA_DIR is refused with a message naming the process that has it; a
 * lock left by a killed process is taken over; killing `npm start` ends the server.
 */
const folder = mkdtempSync(path.join(tmpdir(), 'shirehall-lock-'));
const dataDir = path.join(folder, 'data');
const lockFile = path.join(dataDir, 'shirehall.lock');
// DATABASE_URL unset: the embedded database in DATA_DIR, whatever this test run is on.
const embedded = { DATABASE_URL: undefined, DATA_DIR: dataDir };
const started: RunningProcess[] = [];

afterAll(async () => {
  for (const running of started) await stopProcess(running, 5_000);
  rmSync(folder, { recursive: true, force: true });
});

/** Resolves with the exit code, or fails if the process is still running after `ms`. */
async function exitWithin(running: RunningProcess, ms: number): Promise<number | string> {
  const timeout = sleep(ms).then(() => 'still running' as const);
  const result = await Promise.race([running.exited, timeout]);
  if (result === 'still running') {
    running.child.kill('SIGKILL');
    throw new Error(
      `Expected the process to refuse and end, but it was still running after ${ms} ms:\n${running.output()}`,
    );
  }
  return result;
}

function lockHolder(): { pid: number; port?: number; command: string } {
  return JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; port?: number; command: string };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(100);
  }
  return condition();
}

describe('one process per embedded database folder', () => {
  let first: RunningServer;

  it('refuses a second server on the same DATA_DIR, naming the first, even while the first is still creating the folder', async () => {
    const port = await freePort();
    const starting = runProcess(['--import', 'tsx', 'src/main.ts'], {
      ...embedded,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    started.push(starting);
    first = { ...starting, port, url: `http://127.0.0.1:${port}` };
    // The lock comes before initdb, which takes seconds on a new folder: the second arrives meanwhile.
    expect(await waitUntil(() => existsSync(lockFile), 30_000)).toBe(true);

    const second = runProcess(['--import', 'tsx', 'src/main.ts'], {
      ...embedded,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
    started.push(second);
    expect(await exitWithin(second, 60_000)).not.toBe(0);
    expect(second.output()).toContain(`pid ${first.pid}`);
    expect(second.output()).toContain(`port ${port}`);
    expect(second.output()).toMatch(/DATA_DIR=/);

    await waitForHealth(first, 180_000);
  }, 240_000);

  it('refuses npm run open311:key and npm run admin:create beside the running server, saying what to do instead', async () => {
    const key = runProcess(['--import', 'tsx', 'src/cli/open311-key.ts', '--name', 'Beside the server'], embedded);
    started.push(key);
    expect(await exitWithin(key, 60_000)).not.toBe(0);
    expect(key.output()).toContain(`pid ${first.pid}`);
    expect(key.output()).toContain(`/staff/api-keys`);
    expect(key.output()).not.toContain('shk_');

    const admin = runProcess(
      [
        '--import',
        'tsx',
        'src/cli/admin-create.ts',
        '--email',
        'admin@council.gov.uk',
        '--name',
        'An Administrator',
        '--organisation',
        'E10000007',
      ],
      embedded,
    );
    started.push(admin);
    expect(await exitWithin(admin, 60_000)).not.toBe(0);
    expect(admin.output()).toContain(`pid ${first.pid}`);
    expect(admin.output()).toMatch(/stop it first/i);
  }, 150_000);

  it('takes over the lock of a server killed with SIGKILL', async () => {
    first.child.kill('SIGKILL');
    await first.exited;
    expect(lockHolder().pid).toBe(first.pid);

    const next = await startServer(embedded, { timeoutMs: 120_000 });
    started.push(next);
    expect(lockHolder()).toMatchObject({ pid: next.pid, port: next.port });

    expect(await stopProcess(next)).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  }, 180_000);

  it('ends the server when `npm start` is killed, and releases the lock', async () => {
    const port = await freePort();
    const npm = runProcess(['start'], { ...embedded, PORT: String(port), LOG_LEVEL: 'warn' }, 'npm');
    started.push(npm);
    await waitForHealth({ ...npm, port, url: `http://127.0.0.1:${port}` }, 120_000);
    const server = lockHolder().pid;

    npm.child.kill('SIGKILL');
    expect(await waitUntil(() => !isRunning(server), 20_000)).toBe(true);
    expect(existsSync(lockFile)).toBe(false);
  }, 180_000);
});
