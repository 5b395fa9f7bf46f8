import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive, processStartTime } from '../shared/processes.js';

/**
 * PGlite is PostgreSQL in this process's memory: two processes on one folder each believe they alone
 * write it, and corrupt it (issue 9: references issued twice, acknowledged requests gone). So the
 * folder gets a lock file, made with O_EXCL ('wx') so that of two processes starting at once exactly
 * one makes it. The file names its holder, so the one refused can say who to stop.
 */
export const LOCK_FILE = 'shirehall.lock';

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  /** What the holder is, as a person started it: "npm start", "npm run open311:key". */
  command: string;
  /** When it took the lock (ISO 8601). */
  startedAt: string;
  /** The port a server listens on; none for a command-line tool. */
  port?: number;
  /** The holder's start time by the kernel's clock, where known (see processStartTime). */
  processStart?: string;
}

/** Who wants the folder, and what they should do instead when it is taken. */
export interface FolderUser {
  command: string;
  port?: number;
  /** What to do instead, said to a person: another DATA_DIR, the staff pages, stopping the holder. */
  advice(holder: LockHolder): string;
}

export class DataFolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
    advice: string,
  ) {
    const port = holder.port ? `, port ${holder.port}` : '';
    super(
      `The embedded database in ${folder} is in use by ${holder.command}: pid ${holder.pid}${port}, since ${holder.startedAt}.\n${advice}`,
    );
    this.name = 'DataFolderInUseError';
  }
}

export interface DataFolderLock {
  /** Removes the lock file if it is still this process's; safe to call more than once. */
  release(): void;
}

/** A lock file that names nobody may be one being written this instant: this old, it never will be. */
const UNREADABLE_LOCK_PATIENCE_MS = 5_000;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string | undefined): LockHolder | undefined {
  try {
    const holder = JSON.parse(text ?? '') as Partial<LockHolder>;
    return typeof holder.pid === 'number' && typeof holder.command === 'string' ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** A holder that is still running: its pid alive and, where the kernel says, the same process that took it. */
function isLive(holder: LockHolder): boolean {
  if (!isProcessAlive(holder.pid)) return false;
  const started = processStartTime(holder.pid);
  return !holder.processStart || !started || started === holder.processStart;
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates the lock file with the holder in it, or returns false if one exists. */
function tryCreate(file: string, holder: LockHolder): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(descriptor, JSON.stringify(holder));
  } finally {
    closeSync(descriptor);
  }
  return true;
}

/**
 * Removes a lock whose holder has gone (killed, or its machine restarted), if the file still holds
 * what was judged stale. Two processes taking over one stale lock at the same instant could still
 * both succeed; it needs both to start within microseconds of each other after a crash.
 */
function removeStale(file: string, judged: string): void {
  if (readText(file) !== judged) return;
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Takes the folder for this process, or throws DataFolderInUseError naming the process that has it.
 * A lock whose holder is dead is taken over. The lock goes with `release()`, and in any case when
 * this process exits normally; a process killed with SIGKILL leaves it, for the next to take over.
 */
export function lockDataFolder(dataDir: string, user: FolderUser): DataFolderLock {
  const folder = path.resolve(dataDir);
  const file = path.join(folder, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    command: user.command,
    startedAt: new Date().toISOString(),
    port: user.port,
    processStart: processStartTime(process.pid),
  };

  for (let attempt = 0; !tryCreate(file, holder); attempt++) {
    if (attempt >= 20)
      throw new Error(`Could not take the lock ${file}: it keeps changing. Is something else starting on this folder?`);
    const text = readText(file);
    if (text === undefined) continue;
    const existing = parseHolder(text);
    if (existing && isLive(existing)) throw new DataFolderInUseError(folder, existing, user.advice(existing));
    // Made but not yet written, this instant, by a process starting beside this one: read it again.
    if (!existing && ageMs(file) < UNREADABLE_LOCK_PATIENCE_MS) pause(100);
    else removeStale(file, text);
  }

  const isOurs = () => {
    const current = parseHolder(readText(file));
    return current?.pid === process.pid && current.startedAt === holder.startedAt;
  };
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    if (isOurs()) unlinkSync(file);
  };
  process.once('exit', release);

  return { release };
}

/**
 * Writes the port the server listens on into this process's lock on the folder, once known (PORT=0
 * lets the system choose), so that a process refused can say where the holder answers.
 */
export function recordPortInLock(dataDir: string, port: number): void {
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  const holder = parseHolder(readText(file));
  if (holder?.pid !== process.pid) return;
  // Written beside it and renamed over it: the lock file is never seen half written.
  const next = `${file}.${process.pid}`;
  writeFileSync(next, JSON.stringify({ ...holder, port }));
  renameSync(next, file);
}

/** For a command's start: a folder in use ends the process with the message alone, not a stack trace. */
export function refuseIfFolderInUse(error: unknown): never {
  if (!(error instanceof DataFolderInUseError)) throw error;
  console.error(error.message);
  process.exit(1);
}

/** What a second server on the folder is told to do instead. */
export function serverAdvice(holder: LockHolder): string {
  return `Two processes on one folder would corrupt it, so this one stops. Stop that one first (Ctrl+C where it runs, or kill ${holder.pid}), or start this one on a folder of its own: DATA_DIR=another-folder npm start`;
}
