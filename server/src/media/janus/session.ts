import { EventEmitter } from 'node:events';
import type { JanusConnection } from './connection.js';
import { JanusError } from './errors.js';
import { JanusHandle } from './handle.js';
import { type JanusIncoming, JanusNotice, type JanusPlugin, JanusVerb } from './protocol.js';

export interface JanusSessionOptions {
  /** Janus drops a session after `session_timeout` (60 s by default) of silence. */
  keepaliveMs?: number;
}

export interface JanusSessionEvents {
  /** Once: destroyed, timed out in Janus, or the connection went away. */
  closed: [error: JanusError];
}

/** How a handle receives what the session routes to it. */
export interface HandleSubscriber {
  message(message: JanusIncoming): void;
  closed(error: JanusError): void;
}

const DEFAULT_KEEPALIVE_MS = 25_000;

/**
 * A Janus session: the scope of handles, kept alive by keepalives. Closing it
 * closes its handles; Janus itself drops a session's handles with it.
 */
export class JanusSession extends EventEmitter<JanusSessionEvents> {
  static async create(
    connection: JanusConnection,
    options: JanusSessionOptions = {},
  ): Promise<JanusSession> {
    const reply = await connection.send({ janus: JanusVerb.create });
    const id = reply.data?.id;
    if (typeof id !== 'number') throw JanusError.protocol('Janus create returned no session id');
    return new JanusSession(connection, id, options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS);
  }

  private readonly handles = new Map<number, HandleSubscriber>();
  private readonly keepalive: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private closeError: JanusError | undefined;

  private constructor(
    readonly connection: JanusConnection,
    readonly id: number,
    keepaliveMs: number,
  ) {
    super();
    this.unsubscribe = connection.subscribe(id, {
      message: (message) => this.handleMessage(message),
      closed: (error) => this.shutdown(error),
    });
    this.keepalive = setInterval(() => this.sendKeepalive(), keepaliveMs);
    // A forgotten session must not keep the process alive.
    this.keepalive.unref();
  }

  get closed(): boolean {
    return this.closeError !== undefined;
  }

  /** Attaches a handle to a plugin. */
  async attach(plugin: JanusPlugin): Promise<JanusHandle> {
    const reply = await this.send({ janus: JanusVerb.attach, plugin });
    const handleId = reply.data?.id;
    if (typeof handleId !== 'number')
      throw JanusError.protocol('Janus attach returned no handle id');
    return new JanusHandle(this, handleId, plugin);
  }

  /** Sends a request in this session's scope. */
  send(
    body: { janus: JanusVerb } & Record<string, unknown>,
    options?: Parameters<JanusConnection['send']>[1],
  ): Promise<JanusIncoming> {
    if (this.closeError) return Promise.reject(this.closeError);
    return this.connection.send({ ...body, session_id: this.id }, options);
  }

  /** Routes pushes for one handle; used by JanusHandle. */
  subscribe(handleId: number, subscriber: HandleSubscriber): () => void {
    this.handles.set(handleId, subscriber);
    return () => {
      if (this.handles.get(handleId) === subscriber) this.handles.delete(handleId);
    };
  }

  /** Idempotent: destroys the session in Janus (if still reachable), closes handles. */
  async destroy(): Promise<void> {
    if (this.closeError) return;
    const request = this.connection.closed
      ? Promise.resolve()
      : this.connection.send({ janus: JanusVerb.destroy, session_id: this.id }).then(
          () => undefined,
          () => undefined,
        );
    this.shutdown(JanusError.closed(`Janus session ${this.id}`));
    await request;
  }

  private handleMessage(message: JanusIncoming): void {
    if (message.janus === JanusNotice.timeout) {
      this.shutdown(JanusError.closed(`Janus session ${this.id} (timed out in Janus)`));
      return;
    }
    if (message.sender !== undefined) this.handles.get(message.sender)?.message(message);
  }

  private sendKeepalive(): void {
    this.send({ janus: JanusVerb.keepalive }).catch((error: unknown) => {
      // A session Janus no longer knows is gone; a timeout alone is not proof.
      if (error instanceof JanusError && error.kind === 'janus') this.shutdown(error);
    });
  }

  private shutdown(error: JanusError): void {
    if (this.closeError) return;
    this.closeError = error;
    clearInterval(this.keepalive);
    this.unsubscribe();
    const handles = [...this.handles.values()];
    this.handles.clear();
    for (const handle of handles) handle.closed(error);
    this.emit('closed', error);
  }
}
