import { EventEmitter } from 'node:events';
import { JanusError } from './errors.js';
import {
  type JanusIncoming,
  JanusNotice,
  type JanusPlugin,
  JanusReply,
  JanusVerb,
  type Jsep,
  type PluginBody,
  type TrickleCandidate,
} from './protocol.js';
import type { JanusSession } from './session.js';

export interface MediaState {
  type: string;
  mid: string | undefined;
  receiving: boolean;
}

export interface SlowLink {
  uplink: boolean;
  lost: number;
  mid: string | undefined;
}

export interface JanusHandleEvents {
  /** A plugin event that answers no request of ours (talking, kicked, …). */
  event: [data: PluginBody, jsep: Jsep | undefined];
  /** ICE and DTLS are up on this handle's PeerConnection. */
  webrtcup: [];
  /** Janus started or stopped receiving media on an m-line. */
  media: [state: MediaState];
  slowlink: [info: SlowLink];
  /** The PeerConnection is gone (the handle stays attached). */
  hangup: [reason: string];
  /** Once: detached, or its session closed. */
  closed: [error: JanusError];
}

export interface PluginReply {
  data: PluginBody;
  jsep: Jsep | undefined;
}

/** One plugin handle: plugin requests, trickle, hangup, detach. */
export class JanusHandle extends EventEmitter<JanusHandleEvents> {
  private readonly unsubscribe: () => void;
  private closeError: JanusError | undefined;

  constructor(
    readonly session: JanusSession,
    readonly id: number,
    readonly plugin: JanusPlugin,
  ) {
    super();
    this.unsubscribe = session.subscribe(id, {
      message: (message) => this.handleMessage(message),
      closed: (error) => this.shutdown(error),
    });
  }

  get closed(): boolean {
    return this.closeError !== undefined;
  }

  /** A synchronous plugin request (create, mute, rtp_forward, …): the answer is in the reply. */
  async request(body: { request: string } & Record<string, unknown>): Promise<PluginBody> {
    const reply = await this.send({ janus: JanusVerb.message, body }, { settle: 'reply' });
    if (reply.janus !== JanusReply.success || !reply.plugindata) {
      throw JanusError.protocol(`${body.request} was answered with ${reply.janus}, not a result`);
    }
    return checked(reply.plugindata.data, body.request);
  }

  /**
   * An asynchronous plugin request (join, configure, watch, start): Janus acks,
   * then the plugin answers in an event carrying our transaction and maybe a JSEP.
   */
  async message(
    body: { request: string } & Record<string, unknown>,
    jsep?: Jsep,
    options: { timeoutMs?: number } = {},
  ): Promise<PluginReply> {
    const reply = await this.send(
      { janus: JanusVerb.message, body, ...(jsep ? { jsep } : {}) },
      { settle: 'event', ...options },
    );
    if (!reply.plugindata) throw JanusError.protocol(`${body.request} was answered without data`);
    return { data: checked(reply.plugindata.data, body.request), jsep: reply.jsep };
  }

  /** Sends one or more trickled candidates, or `{ completed: true }`. */
  async trickle(candidates: TrickleCandidate | TrickleCandidate[]): Promise<void> {
    const field = Array.isArray(candidates) ? { candidates } : { candidate: candidates };
    await this.send({ janus: JanusVerb.trickle, ...field });
  }

  /** Closes the PeerConnection but keeps the handle. */
  async hangup(): Promise<void> {
    await this.send({ janus: JanusVerb.hangup });
  }

  /** Idempotent. Detaches in Janus if still reachable. */
  async detach(): Promise<void> {
    if (this.closeError) return;
    const request = this.send({ janus: JanusVerb.detach }).then(
      () => undefined,
      () => undefined,
    );
    this.shutdown(JanusError.closed(`Janus handle ${this.id}`));
    await request;
  }

  private send(
    body: { janus: JanusVerb } & Record<string, unknown>,
    options?: Parameters<JanusSession['send']>[1],
  ): Promise<JanusIncoming> {
    if (this.closeError) return Promise.reject(this.closeError);
    return this.session.send({ ...body, handle_id: this.id }, options);
  }

  private handleMessage(message: JanusIncoming): void {
    switch (message.janus) {
      case JanusReply.event:
        if (message.plugindata) this.emit('event', message.plugindata.data, message.jsep);
        return;
      case JanusNotice.webrtcup:
        this.emit('webrtcup');
        return;
      case JanusNotice.media:
        this.emit('media', {
          type: message.type ?? 'audio',
          mid: message.mid,
          receiving: message.receiving === true,
        });
        return;
      case JanusNotice.slowlink:
        this.emit('slowlink', {
          uplink: message.uplink === true,
          lost: message.lost ?? 0,
          mid: message.mid,
        });
        return;
      case JanusNotice.hangup:
        this.emit('hangup', message.reason ?? 'unknown');
        return;
      case JanusNotice.detached:
        this.shutdown(JanusError.closed(`Janus handle ${this.id} (detached by Janus)`));
        return;
    }
  }

  private shutdown(error: JanusError): void {
    if (this.closeError) return;
    this.closeError = error;
    this.unsubscribe();
    this.emit('closed', error);
  }
}

/** Plugins report failure inside a successful transport reply. */
function checked(data: PluginBody, request: string): PluginBody {
  if (typeof data.error_code === 'number') {
    throw JanusError.fromJanus(data.error_code, data.error ?? 'plugin error', request);
  }
  return data;
}
