/**
 * Child processes of the bench: the app, the bare Fastify baselines and the load generator. Each is
 * started with `node --import tsx` (or plain node on compiled output), so its pid is the server's own
 * and /proc/<pid>/status gives the server's RSS, not a wrapper's. Every child is tracked so that
 * `stopAll()` can end them on success, error or Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const tracked = new Set<ServerProcess>();

/**
 * Where the build puts an entry point's JavaScript: `npm run build` compiles src/ into dist/ (src/main.ts
 * is dist/main.js, as production runs it); buildForBench() compiles the bench's own servers into dist/bench/.
 */
function compiledPathOf(entry: string): string {
  const relative = path.relative(projectRoot, entry).replace(/\.ts$/, '.js');
  return path.join(
    projectRoot,
    'dist',
    relative.startsWith(`src${path.sep}`) ? relative.slice('src/'.length) : relative,
  );
}

/** The command that runs a TypeScript entry point: compiled JavaScript when it exists, else through tsx. */
export function nodeArgsFor(entry: string): { args: string[]; compiled: boolean } {
  const compiled = compiledPathOf(entry);
  if (!useSource && existsSync(compiled)) return { args: [compiled], compiled: true };
  return { args: ['--import', 'tsx', entry], compiled: false };
}

// BENCH_SOURCE=1: run the TypeScript through tsx, as `npm start` does, instead of building first.
const useSource = process.env.BENCH_SOURCE === '1';

/**
 * Compiles the app as production does (`npm run build`: src/ into dist/) and the bench's baselines and
 * preload (tsconfig.bench.json, into dist/bench/), so every server measured runs on plain node, without
 * tsx's loader thread and its compiling at start in the figures. Nothing with BENCH_SOURCE=1.
 */
export function buildForBench(): 'node on dist/' | 'node --import tsx' {
  if (useSource) return 'node --import tsx';
  const tsc = path.join(projectRoot, 'node_modules/typescript/bin/tsc');
  for (const project of ['tsconfig.build.json', 'tsconfig.bench.json']) {
    const built = spawnSync(process.execPath, [tsc, '-p', project], { cwd: projectRoot, stdio: 'inherit' });
    if (built.status !== 0)
      throw new Error(
        `Compiling ${project} failed (exit ${built.status}): fix it, or run the source with BENCH_SOURCE=1`,
      );
  }
  return 'node on dist/';
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS of a process in bytes, or undefined once it has gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface ServerOptions {
  name: string;
  entry: string;
  /** Modules loaded first with --import (bench/exit-watch.ts for the app). */
  preload?: string[];
  /** More flags for node, such as --cpu-prof. */
  nodeFlags?: string[];
  env: Record<string, string | undefined>;
  port: number;
  /** Where its stdout and stderr go (request logs included). */
  logFile: string;
  /** Sampling interval for RSS. */
  sampleMs?: number;
}

/**
 * A server process with an RSS sampler (every 100 ms from spawn until exit) and a readiness probe.
 * `window()` opens a named interval whose peak RSS can be read later. `respawn()` starts it again on
 * the same port with the same environment, if something outside the bench ended it.
 */
export class ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  startedAt = performance.now();
  /** Times it was started again after it stopped without being asked to. */
  respawns = 0;
  private child!: ChildProcess;
  private timer!: NodeJS.Timeout;
  private exitCode: number | null | undefined;
  private exitSignal: NodeJS.Signals | null = null;
  private exited!: Promise<void>;
  private stopping = false;
  peakRss = 0;
  lastRss = 0;
  private readonly windows = new Map<string, number>();
  private readonly options: ServerOptions;

  constructor(options: ServerOptions) {
    this.options = options;
    this.name = options.name;
    this.port = options.port;
    this.baseUrl = `http://127.0.0.1:${options.port}`;
    this.logFile = options.logFile;
    this.spawnChild();
  }

  private spawnChild(): void {
    const options = this.options;
    this.startedAt = performance.now();
    this.exitCode = undefined;
    this.exitSignal = null;
    this.stopping = false;
    const out = openSync(options.logFile, 'a');
    const { args: entryArgs } = nodeArgsFor(options.entry);
    const preload = (options.preload ?? []).flatMap((file) => {
      const { args, compiled } = nodeArgsFor(file);
      return ['--import', compiled ? args[0] : file];
    });
    // tsx's loader must come before a TypeScript preload.
    const flags = options.nodeFlags ?? [];
    const args =
      entryArgs[0] === '--import'
        ? [...flags, ...entryArgs.slice(0, 2), ...preload, ...entryArgs.slice(2)]
        : [...flags, ...preload, ...entryArgs];
    // An undefined value removes the variable: the embedded run must not inherit DATABASE_URL.
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries({
      ...process.env,
      ...options.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
    })) {
      if (value !== undefined) env[name] = value;
    }
    const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', out, out] });
    this.child = child;
    closeSync(out);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        clearInterval(this.timer);
        tracked.delete(this);
        resolve();
      });
    });
    this.timer = setInterval(() => this.sample(), options.sampleMs ?? 100);
    this.timer.unref();
    tracked.add(this);
    this.sample();
  }

  /** True when it exited without the bench asking it to (a crash, or a signal from elsewhere). */
  get diedUnasked(): boolean {
    return !this.running && !this.stopping;
  }

  /** Starts it again after it died unasked; resolves when it answers 200 again. */
  async respawn(): Promise<number> {
    this.respawns += 1;
    this.spawnChild();
    return this.ready();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exitDescription(): string {
    return this.running ? 'is running' : `exited (code ${this.exitCode}, signal ${this.exitSignal})`;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  private sample(): void {
    const rss = rssOf(this.pid);
    if (rss === undefined) return;
    this.lastRss = rss;
    if (rss > this.peakRss) this.peakRss = rss;
    for (const [name, peak] of this.windows) if (rss > peak) this.windows.set(name, rss);
  }

  /** Starts (or restarts) a named window for peak RSS. */
  window(name: string): void {
    this.sample();
    this.windows.set(name, this.lastRss);
  }

  /** The highest RSS seen since `window(name)`. */
  windowPeak(name: string): number {
    this.sample();
    return this.windows.get(name) ?? 0;
  }

  /**
   * Milliseconds from spawn to the first 200 from `path`, polling every 20 ms. Fails if the process
   * exits first or nothing answers in time, quoting the end of its log.
   */
  async ready(probe = '/health', timeoutMs = 180_000): Promise<number> {
    const deadline = this.startedAt + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} ${this.exitDescription} before answering.\n${this.logTail()}`);
      try {
        const response = await fetch(`${this.baseUrl}${probe}`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) return performance.now() - this.startedAt;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`${this.name} did not answer 200 at ${probe} within ${timeoutMs / 1000} s.\n${this.logTail()}`);
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM (the app shuts down gracefully), then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 12_000): Promise<void> {
    this.stopping = true;
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The pids of every server this bench started that is still running. */
export function runningPids(): number[] {
  return [...tracked].map((server) => server.pid);
}

/** Ends every server this bench started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...tracked].map((server) => server.stop(5_000)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (user + system) a process has used, or undefined once it has gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at the closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/**
 * Waits until the given processes are quiet (together under `busyCores` of a core over 200 ms, twice
 * in a row), so that a server still draining a backlog does not eat into the next measurement. Only
 * our own processes are watched: other work on a shared machine may never stop. Gives up after `maxMs`.
 */
export async function settle(pids: number[], busyCores = 0.1, maxMs = 10_000): Promise<number> {
  const start = performance.now();
  const total = () => pids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
  let quiet = 0;
  while (performance.now() - start < maxMs) {
    const before = total();
    const at = performance.now();
    await sleep(200);
    const busy = (total() - before) / ((performance.now() - at) / 1000);
    quiet = busy < busyCores ? quiet + 1 : 0;
    if (quiet >= 2) break;
  }
  return performance.now() - start;
}
