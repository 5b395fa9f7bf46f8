/** The bench's side of the load generator: one forked process, jobs sent over IPC one at a time. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoadJob, LoadResult } from '../load-generator.js';
import { nodeArgsFor, projectRoot } from './processes.js';

export class LoadClient {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (result: LoadResult) => void; reject: (error: Error) => void }
  >();

  async start(): Promise<void> {
    const entry = path.join(projectRoot, 'bench/load-generator.ts');
    const { args } = nodeArgsFor(entry);
    const [script, ...rest] = args[0] === '--import' ? [entry] : args;
    const child = fork(script, rest, {
      cwd: projectRoot,
      execArgv: args[0] === '--import' ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`the load generator exited (code ${code})`));
      this.pending.clear();
      this.child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; id?: number; result?: LoadResult; error?: string }) => {
        if (message.ready) {
          resolve();
          return;
        }
        const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
        if (!waiting || message.id === undefined) return;
        this.pending.delete(message.id);
        if (message.error !== undefined || !message.result)
          waiting.reject(new Error(`load generator: ${message.error ?? 'no result'}`));
        else waiting.resolve(message.result);
      };
      child.on('message', onMessage);
      child.once('error', reject);
    });
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  run(job: LoadJob): Promise<LoadResult> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the load generator is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, job });
    });
  }

  stop(): void {
    this.child?.disconnect();
    this.child?.kill('SIGTERM');
  }
}
