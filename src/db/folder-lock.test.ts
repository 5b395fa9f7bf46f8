import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataFolderInUseError,
  LOCK_FILE,
  lockDataFolder,
  recordPortInLock,
  serverAdvice,
  type DataFolderLock,
  type LockHolder,
} from './folder-lock.js';

let folder: string;
const held: DataFolderLock[] = [];
const server = { command: 'the Shirehall server (npm start)', port: 3000, advice: serverAdvice };
const lockFile = () => path.join(folder, LOCK_FILE);
const holder = () => JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder;

/** The pid of a process that has ended: one that ran and exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout.toString());
}

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'shirehall-folder-lock-'));
});
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  rmSync(folder, { recursive: true, force: true });
});

describe('lockDataFolder', () => {
  it('writes who holds the folder: pid, what it is, when, and its port', () => {
    held.push(lockDataFolder(folder, server));
    expect(holder()).toMatchObject({ pid: process.pid, command: server.command, port: 3000 });
    expect(Date.parse(holder().startedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a second holder while the first lives, naming it and saying what to do instead', () => {
    held.push(lockDataFolder(folder, server));
    const second = () =>
      lockDataFolder(folder, {
        command: 'npm run open311:key',
        advice: (first) => `Use http://localhost:${first.port}/staff/api-keys`,
      });
    expect(second).toThrow(DataFolderInUseError);
    expect(second).toThrow(`is in use by the Shirehall server (npm start): pid ${process.pid}, port 3000`);
    expect(second).toThrow('Use http://localhost:3000/staff/api-keys');
  });

  it('takes over a lock whose holder has died', () => {
    const dead: LockHolder = {
      pid: deadPid(),
      command: 'the Shirehall server (npm start)',
      startedAt: '2026-01-01T00:00:00.000Z',
      port: 3000,
    };
    writeFileSync(lockFile(), JSON.stringify(dead));
    held.push(lockDataFolder(folder, server));
    expect(holder().pid).toBe(process.pid);
  });

  it('takes over a lock whose pid now belongs to another process, started after the lock was taken', () => {
    // Our own pid, but a different start time: the pid was reused after the holder died (a reboot).
    const reused: LockHolder = {
      pid: process.pid,
      command: 'npm start',
      startedAt: '2026-01-01T00:00:00.000Z',
      processStart: '1',
    };
    writeFileSync(lockFile(), JSON.stringify(reused));
    held.push(lockDataFolder(folder, server));
    expect(holder().command).toBe(server.command);
  });

  it('releases the lock, once, and never another process’s', () => {
    const lock = lockDataFolder(folder, server);
    lock.release();
    expect(existsSync(lockFile())).toBe(false);

    const other: LockHolder = { pid: 1, command: 'someone else', startedAt: new Date().toISOString() };
    writeFileSync(lockFile(), JSON.stringify(other));
    lock.release();
    expect(holder().command).toBe('someone else');
  });

  it('records the port once the server listens', () => {
    held.push(lockDataFolder(folder, { ...server, port: 0 }));
    recordPortInLock(folder, 41234);
    expect(holder()).toMatchObject({ pid: process.pid, port: 41234 });
  });
});
