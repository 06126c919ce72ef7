import type { ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { spawnTied } from '../../util/child.js';
import type { WorkerConfig, WorkerReply, WorkerRequest } from './pocketsphinx-worker.js';

/**
 * Node's own flags that make the child run as the server does: the source
 * loader (`--import tsx`, `--conditions=salon-source`) in development and
 * tests, none from `server/dist` (the worker is compiled beside this file).
 */
export function loaderArgs(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  const withValue = new Set([
    '--import',
    '--require',
    '-r',
    '--loader',
    '--experimental-loader',
    '--conditions',
    '-C',
  ]);
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? '';
    const name = arg.split('=')[0] ?? '';
    if (withValue.has(name)) {
      if (arg.includes('=')) out.push(arg);
      else if (i + 1 < execArgv.length) out.push(arg, execArgv[++i] ?? '');
    } else if (arg === '--enable-source-maps') out.push(arg);
  }
  return out;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether it had loaded its first decoder. */
  ready: boolean;
  /** The end of what it wrote to stderr (why it died). */
  stderr: string;
}

type Request = Extract<WorkerRequest, { req: number }>;

/** How much nicer than the server the decoder child runs: below Janus, ffmpeg and the server. */
export const CAPTIONS_NICENESS = 10;

/**
 * One pocketsphinx child and its requests: `send` for what needs no answer,
 * `request` for `hyp` and `end`. When the child dies every request under way
 * fails; `dead` is then true and the engine starts another. Started through
 * `spawnTied`, so it cannot outlive Salon even while busy in native code.
 */
export class PocketsphinxWorker {
  readonly ready: Promise<void>;
  readonly exited: Promise<WorkerExit>;
  dead = false;
  private readonly child: ChildProcess;
  private readonly pending = new Map<
    number,
    { resolve: (text: string) => void; reject: (error: Error) => void }
  >();
  private nextReq = 1;
  private isReady = false;
  private stderr = '';

  constructor(script: string, config: WorkerConfig) {
    this.child = spawnTied(process.execPath, [...loaderArgs(), script, JSON.stringify(config)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      deathSignal: 'SIGKILL',
    });
    // Captions are best effort, audio is not: the decoder yields the CPU to
    // Janus, ffmpeg and the server (a niceness 10 more than the server's, at
    // most 19), so a node short of CPU delays captions instead of audio.
    if (this.child.pid !== undefined) {
      try {
        setPriority(this.child.pid, Math.min(19, getPriority() + CAPTIONS_NICENESS));
      } catch {
        // Not permitted here: the child runs at the server's priority.
      }
    }
    // An idle child keeps no process alive (one starting, or answering a request, does).
    this.child.unref();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2_000);
    });
    let readyNow: () => void = () => undefined;
    let notReady: (error: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      readyNow = resolve;
      notReady = reject;
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m: WorkerReply) => {
      if (m.op === 'ready') {
        this.isReady = true;
        this.hold();
        readyNow();
        return;
      }
      const waiting = this.pending.get(m.req);
      if (!waiting) return;
      this.pending.delete(m.req);
      this.hold();
      if ('error' in m) waiting.reject(new Error(m.error));
      else waiting.resolve(m.text);
    });
    this.exited = new Promise((resolve) => {
      const gone = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.dead) return;
        this.dead = true;
        const error = new Error(
          `pocketsphinx child died (${signal ?? code})${this.stderr ? `: ${this.stderr.trim()}` : ''}`,
        );
        notReady(error);
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
        resolve({ code, signal, ready: this.isReady, stderr: this.stderr.trim() });
      };
      this.child.on('exit', gone);
      this.child.on('error', () => gone(null, null));
    });
  }

  /** Keeps the process alive while this child starts or owes an answer. */
  private hold(): void {
    if (this.dead) return;
    if (!this.isReady || this.pending.size > 0) this.child.channel?.ref();
    else this.child.channel?.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: WorkerRequest): void {
    if (this.dead || !this.child.connected) return;
    this.child.send(message, (error) => {
      // The channel broke: the child is dying, `exit` follows.
      if (error) this.child.kill('SIGKILL');
    });
  }

  /**
   * Answers with the text; rejects when the child dies, or after `timeoutMs`.
   * A final that times out means a wedged child, which is killed (and its
   * utterances replayed into the next); a partial that times out only means
   * the child is behind (it answers pushes and requests in order), so it is
   * given up on and the child left alone: killing it there would reload the
   * model, put it further behind, and cascade.
   */
  request(
    message: Omit<Request, 'req'>,
    timeoutMs: number,
    onTimeout: 'kill' | 'give-up' = 'kill',
  ): Promise<string> {
    if (this.dead) return Promise.reject(new Error('pocketsphinx child is gone'));
    const req = this.nextReq++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (onTimeout === 'kill') {
          this.child.kill('SIGKILL');
          return;
        }
        // Its late answer finds no one waiting and is dropped.
        this.pending.delete(req);
        this.hold();
        reject(new Error(`pocketsphinx child did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(req, {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.hold();
      this.send({ ...message, req } as Request);
    });
  }

  async kill(): Promise<void> {
    if (this.dead) return;
    const gone = this.exited;
    // Held until it is reaped, so the caller sees it gone.
    this.child.ref();
    this.child.kill('SIGKILL');
    await gone;
  }
}
