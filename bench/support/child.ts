/**
 * Requests both ways between a bench and a child process of its own, over
 * Node's IPC channel: either side registers handlers by method name and asks
 * the other with `request`, which resolves with the handler's result (or
 * rejects with its error, or after a timeout). Requests carry ids, so they
 * may overlap: a child can ask its parent for something (a signaling answer,
 * say) while it serves one of the parent's requests. Used where a bench moves
 * its libwebrtc peers out of the measuring process (bench/captions/peers.ts).
 *
 * Clocks: a message's arrival time says nothing about when something
 * happened in the other process (a busy event loop delivers it late), so
 * whatever is timed across processes travels as a timestamp taken where it
 * happened, on the clock every process shares: Date.now() (CLOCK_REALTIME).
 * performance.now() has a time origin of its own in each process and must
 * not cross. `clockOffset` checks that the two sides agree.
 */
import { type ChildProcess, spawn } from 'node:child_process';

type Message =
  | { rpc: 'request'; id: number; method: string; params: unknown }
  | { rpc: 'result'; id: number; result: unknown }
  | { rpc: 'error'; id: number; message: string };

interface Port {
  send(message: Message): unknown;
  on(event: 'message', listener: (message: Message) => void): unknown;
}

export type Handler = (params: never) => unknown;

export class Rpc {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly handlers = new Map<string, Handler>();
  private failed: Error | undefined;

  constructor(
    private readonly port: Port,
    private readonly name: string,
  ) {
    port.on('message', (message) => this.receive(message));
  }

  handle(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  request<T>(method: string, params: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.port.send({ rpc: 'request', id, method, params });
    });
  }

  /** Rejects every request under way and every later one (the other side is gone). */
  fail(error: Error): void {
    this.failed = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private receive(message: Message): void {
    if (message.rpc === 'request') {
      const handler = this.handlers.get(message.method);
      Promise.resolve()
        .then(() => {
          if (!handler) throw new Error(`${this.name}: no handler for ${message.method}`);
          return handler(message.params as never);
        })
        .then(
          (result) => this.port.send({ rpc: 'result', id: message.id, result }),
          (error: unknown) =>
            this.port.send({
              rpc: 'error',
              id: message.id,
              message: error instanceof Error ? error.message : String(error),
            }),
        );
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.rpc === 'result') waiter.resolve(message.result);
    else waiter.reject(new Error(`${this.name}: ${message.message}`));
  }
}

/** A child process running `entry` with this process's loader (tsx), and its Rpc. */
export class Child {
  readonly rpc: Rpc;
  private exited = false;

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    this.rpc = new Rpc(process as unknown as Port, name);
    process.once('exit', (code, signal) => {
      this.exited = true;
      this.rpc.fail(new Error(`${name} exited (${code ?? signal})`));
    });
  }

  static start(name: string, entry: string, env: Record<string, string> = {}): Child {
    const child = spawn(process.execPath, [...process.execArgv, entry], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    });
    return new Child(name, child);
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Asks the child to `close` (it exits after answering), then kills it if it has not within `ms`. */
  async stop(ms = 15_000): Promise<void> {
    if (this.exited) return;
    const exit = new Promise((resolve) => this.process.once('exit', resolve));
    await this.rpc.request('close', {}, ms).catch(() => undefined);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), ms);
    await exit;
    clearTimeout(timer);
  }
}

/** In a child: its Rpc to the parent; the child exits when the parent goes away. */
export function parentRpc(name: string): Rpc {
  if (!process.send) {
    console.error(`${name}: started by its bench (needs an IPC channel)`);
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(1));
  return new Rpc(process as unknown as Port, name);
}

/**
 * How far the child's Date.now() is from ours: the child reads its clock
 * between our two readings, so the offset is their midpoint's distance, give
 * or take half the round trip (the best of `samples` round trips is kept).
 * The child must handle `clock` with `() => Date.now()`.
 */
export async function clockOffset(
  rpc: Rpc,
  samples = 5,
): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  let best = { offsetMs: Number.NaN, uncertaintyMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i++) {
    const before = Date.now();
    const theirs = await rpc.request<number>('clock');
    const after = Date.now();
    const uncertainty = (after - before) / 2;
    if (uncertainty < best.uncertaintyMs)
      best = { offsetMs: theirs - (before + after) / 2, uncertaintyMs: uncertainty };
  }
  return best;
}
