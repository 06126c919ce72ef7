import { JanusError } from './errors.js';
import type { JanusHandle } from './handle.js';
import {
  JanusPlugin,
  type Jsep,
  type PluginBody,
  STREAMING_TYPE_RTP,
  StreamingError,
  StreamingReply,
  StreamingRequest,
  StreamingStatus,
} from './protocol.js';
import type { JanusSession } from './session.js';

export type MountpointId = number;

export interface RtpMountpointOptions {
  id?: MountpointId;
  description?: string;
  /** UDP port Janus listens on for the feed; 0 lets Janus pick from its range. */
  port?: number;
  /** Address to bind (default 127.0.0.1: the feed comes from the AudioBridge on the same host); null binds every address. */
  iface?: string | null;
  /** SRTP for the incoming feed (a relay from another node): suite 80, key and salt in base64. */
  srtpCrypto?: string;
  /** Payload type of the incoming Opus (the forwarder's `ptype`). */
  pt?: number;
}

export interface RtpMountpoint {
  id: MountpointId;
  /** The port Janus listens on: forward the mix here. */
  port: number;
}

/** Builds the plugin request bodies; pure, so each wire name is unit-tested. */
export const streamingBody = {
  createRtp: (options: RtpMountpointOptions = {}) => ({
    request: StreamingRequest.create,
    type: STREAMING_TYPE_RTP,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.description === undefined ? {} : { description: options.description }),
    permanent: false,
    // Listable, so `list` can prove nothing leaks; only our server reaches the API.
    is_private: false,
    media: [
      {
        type: 'audio',
        mid: 'a',
        codec: 'opus',
        pt: options.pt ?? 111,
        port: options.port ?? 0,
        ...(options.iface === null ? {} : { iface: options.iface ?? '127.0.0.1' }),
      },
    ],
    ...(options.srtpCrypto === undefined ? {} : { srtpsuite: 80, srtpcrypto: options.srtpCrypto }),
  }),
  destroy: (id: MountpointId) => ({ request: StreamingRequest.destroy, id, permanent: false }),
  list: () => ({ request: StreamingRequest.list }),
  info: (id: MountpointId) => ({ request: StreamingRequest.info, id }),
  watch: (id: MountpointId) => ({ request: StreamingRequest.watch, id }),
  start: () => ({ request: StreamingRequest.start }),
  stop: () => ({ request: StreamingRequest.stop }),
};

/**
 * A Streaming handle. The server's control handle creates and destroys
 * mountpoints; each listener gets its own handle to watch one.
 */
export class Streaming {
  static async attach(session: JanusSession): Promise<Streaming> {
    return new Streaming(await session.attach(JanusPlugin.streaming));
  }

  constructor(readonly handle: JanusHandle) {}

  /** Creates a mountpoint fed by plain RTP with one Opus stream (mid `a`). */
  async createRtpMountpoint(options: RtpMountpointOptions = {}): Promise<RtpMountpoint> {
    const data = await this.handle.request(streamingBody.createRtp(options));
    const stream = data['stream'] as
      | { id?: unknown; ports?: Array<{ port?: unknown }> }
      | undefined;
    const id = stream?.id;
    const port = stream?.ports?.[0]?.port;
    if (data['streaming'] !== StreamingReply.created || typeof id !== 'number') {
      unexpected('create', data);
    }
    if (typeof port !== 'number') unexpected('create (no port)', data);
    return { id, port };
  }

  async destroyMountpoint(id: MountpointId): Promise<void> {
    await this.handle.request(streamingBody.destroy(id));
  }

  async listMountpoints(): Promise<MountpointId[]> {
    const data = await this.handle.request(streamingBody.list());
    const list = data['list'];
    return Array.isArray(list) ? (list as Array<{ id: MountpointId }>).map((m) => m.id) : [];
  }

  async info(id: MountpointId): Promise<PluginBody> {
    const data = await this.handle.request(streamingBody.info(id));
    return (data['info'] as PluginBody | undefined) ?? unexpected('info', data);
  }

  /** WebRTC viewers of a mountpoint, as Janus counts them; 0 for one that does not exist. */
  async viewers(id: MountpointId): Promise<number> {
    try {
      const viewers = (await this.info(id))['viewers'];
      return typeof viewers === 'number' ? viewers : 0;
    } catch (error) {
      if (error instanceof JanusError && error.code === StreamingError.noSuchMountpoint) return 0;
      throw error;
    }
  }

  /** Subscribes this handle to a mountpoint; resolves with Janus's SDP offer. */
  async watch(id: MountpointId): Promise<Jsep> {
    const { data, jsep } = await this.handle.message(streamingBody.watch(id));
    if (status(data) !== StreamingStatus.preparing || jsep?.type !== 'offer') {
      unexpected('watch', data);
    }
    return jsep;
  }

  /** Completes the subscription with the listener's SDP answer. */
  async start(answer: Jsep): Promise<void> {
    const { data } = await this.handle.message(streamingBody.start(), answer);
    // "started" when the PeerConnection was already up by the time Janus answered
    // (janus_streaming.c); seen for a few percent of listeners under load.
    const answered = status(data);
    if (answered !== StreamingStatus.starting && answered !== StreamingStatus.started) {
      unexpected('start', data);
    }
  }

  async stop(): Promise<void> {
    await this.handle.message(streamingBody.stop());
  }

  /** Idempotent. */
  async close(): Promise<void> {
    await this.handle.detach();
  }
}

function status(data: PluginBody): unknown {
  const result = data['result'];
  return result && typeof result === 'object' ? (result as { status?: unknown }).status : undefined;
}

function unexpected(what: string, data: PluginBody): never {
  throw JanusError.protocol(`Streaming answered ${what} with ${JSON.stringify(data)}`);
}
