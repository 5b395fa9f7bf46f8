import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's folder: servers and commands run from it, as `npm start` does. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A port nobody listens on now: the operating system's choice, given back at once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  hasExited(): boolean;
}

/**
 * Runs a command of the project (`node --import tsx <file>` by default) with the given environment
 * on top of this one, collecting what it prints.
 */
export function runProcess(
  args: string[],
  env: Record<string, string | undefined>,
  command = process.execPath,
): RunningProcess {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let ended = false;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  if (child.pid === undefined) throw new Error(`Could not start ${command} ${args.join(' ')}`);
  return { child, pid: child.pid, output: () => output, exited, hasExited: () => ended };
}

export interface RunningServer extends RunningProcess {
  port: number;
  url: string;
}

/** The real server, `node --import tsx src/main.ts`, on a free port; resolves once /health answers 200. */
export async function startServer(
  env: Record<string, string | undefined>,
  options: { timeoutMs?: number; port?: number } = {},
): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const running = runProcess(['--import', 'tsx', 'src/main.ts'], {
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...env,
  });
  const server = { ...running, port, url: `http://127.0.0.1:${port}` };
  await waitForHealth(server, options.timeoutMs ?? 120_000);
  return server;
}

/** Polls /health until it answers 200; fails at once if the process ends first. */
export async function waitForHealth(server: RunningServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`The server ended before it was ready:\n${server.output()}`);
    try {
      const response = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`The server was not ready within ${timeoutMs} ms:\n${server.output()}`);
}

/** Asks the process to stop (SIGTERM) and waits; SIGKILL if it has not gone within `graceMs`. */
export async function stopProcess(running: RunningProcess, graceMs = 15_000): Promise<number | string> {
  if (running.hasExited()) return running.exited;
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
