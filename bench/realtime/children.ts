/**
 * Starting and stopping the bench's child processes: TypeScript entries run
 * by node with tsx, each pinned to its own core when taskset exists, so the
 * server and the load generator do not compete for one CPU.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Command, Reply } from './messages.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const HERE = import.meta.dirname;

const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
/** Whether children can get a core each; otherwise they share and the report says so. */
export const canPin = hasTaskset && availableParallelism() >= 2;

const live = new Set<ChildProcess>();
// Nothing outlives the bench, even when it fails halfway.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface SpawnOptions {
  /** Core to pin to, or null for no pinning. */
  core: number | null;
  env?: Record<string, string>;
  ipc?: boolean;
}

export function spawnTs(entry: string, o: SpawnOptions): ChildProcess {
  const nodeArgs = ['--conditions=salon-source', '--import', 'tsx', path.join(HERE, entry)];
  const [cmd, args] =
    o.core !== null && canPin
      ? ['taskset', ['-c', String(o.core), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'inherit', ...(o.ipc ? (['ipc'] as const) : [])],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** The first stdout line holding {"url": ...}: the child is listening. */
export function waitForUrl(child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('server did not start in time')), timeoutMs);
    child.once('exit', (code) => reject(new Error(`server exited early (code ${code})`)));
    lines.on('line', (line) => {
      try {
        const { url } = JSON.parse(line) as { url?: string };
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      } catch {
        // Not ours: ignore.
      }
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not exited in time. */
export function stop(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Request/reply over IPC with a deadline, plus the generator's phase marks. */
export class Rpc<C extends { type: string } = Command> {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve(value: unknown): void; reject(e: Error): void }
  >();
  onMark: (name: 'start' | 'end') => void = () => {};

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: Reply | { mark: 'start' | 'end' }) => {
      if ('mark' in message) return this.onMark(message.mark);
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`generator: ${message.error}`));
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`generator exited (${code})`));
      this.waiting.clear();
    });
  }

  call<T>(command: C, timeoutMs: number): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`generator: "${command.type}" took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...command, id });
    });
  }
}
