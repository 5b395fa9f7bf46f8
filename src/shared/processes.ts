import { readFileSync } from 'node:fs';

/** True while a process of this id exists, whoever owns it (EPERM: it exists, but is not ours to signal). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process of this id started, in the kernel's clock ticks since boot (Linux: /proc/<pid>/stat,
 * field 22); undefined where there is no /proc. A pid is reused once its process has gone: with the
 * start time, a lock's holder is told from a stranger given the same number later.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once the process that launched this one has ended, when that launcher is npm (an npm
 * script set npm_lifecycle_event). `npm start` killed with SIGKILL cannot pass the signal on: without
 * this, the server it started would run on, an orphan still holding its port and its data folder.
 * Node's process.ppid is read once at start, so the launcher is watched by its pid.
 */
export function whenLauncherEnds(onGone: () => void, intervalMs = 1_000): void {
  if (!process.env.npm_lifecycle_event) return;
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (isProcessAlive(launcher)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  // The watch alone must not keep the process running.
  timer.unref();
}
