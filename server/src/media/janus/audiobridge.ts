import { EventEmitter } from 'node:events';
import { JanusError } from './errors.js';
import type { JanusHandle } from './handle.js';
import {
  AudioBridgeReply,
  AudioBridgeRequest,
  JanusPlugin,
  type Jsep,
  type PluginBody,
} from './protocol.js';
import type { JanusSession } from './session.js';

/** Room and participant ids are numbers: Janus runs without `string_ids`. */
export type RoomId = number;
export type ParticipantId = number;

export interface AudioRoomOptions {
  room?: RoomId;
  description?: string;
  /**
   * Packets buffered per speaker before mixing. Janus's default of 6 costs
   * ~120 ms; 2 measured ~103 ms speaker→listener; 0 is silence.
   */
  prebuffering?: number;
  /** Packets per talking decision: 25 × 20 ms = a verdict every 0.5 s (default 2 s). */
  audioActivePackets?: number;
  /** Mean level (dBov, 0 loud … 127 silent) under which one counts as talking. */
  audioLevelAverage?: number;
}

export interface JoinOptions {
  id: ParticipantId;
  display?: string;
  muted?: boolean;
}

export interface ForwardTarget {
  host: string;
  port: number;
  /** Must match the receiver's payload type (the mountpoint's, or ffmpeg's SDP). */
  ptype?: number;
  ssrc?: number;
  /** SRTP for the forwarded stream (a mix relayed to another node's mountpoint): suite 80, key and salt in base64. */
  srtpCrypto?: string;
}

/** A forwarder of a room's mix, as Janus lists it. */
export interface Forwarder {
  id: number;
  host: string;
  port: number;
}

export interface Participant {
  id: ParticipantId;
  display?: string;
  /** The WebRTC PeerConnection is negotiated. */
  setup: boolean;
  muted: boolean;
  talking?: boolean;
}

/** Builds the plugin request bodies; pure, so each wire name is unit-tested. */
export const audioBridgeBody = {
  create: (options: AudioRoomOptions = {}) => ({
    request: AudioBridgeRequest.create,
    ...(options.room === undefined ? {} : { room: options.room }),
    ...(options.description === undefined ? {} : { description: options.description }),
    permanent: false,
    is_private: false,
    sampling_rate: 48_000,
    audiolevel_ext: true,
    audiolevel_event: true,
    audio_active_packets: options.audioActivePackets ?? 25,
    audio_level_average: options.audioLevelAverage ?? 40,
    default_prebuffering: options.prebuffering ?? 2,
  }),
  destroy: (room: RoomId) => ({ request: AudioBridgeRequest.destroy, room, permanent: false }),
  exists: (room: RoomId) => ({ request: AudioBridgeRequest.exists, room }),
  list: () => ({ request: AudioBridgeRequest.list }),
  listParticipants: (room: RoomId) => ({ request: AudioBridgeRequest.listParticipants, room }),
  join: (room: RoomId, options: JoinOptions) => ({
    request: AudioBridgeRequest.join,
    room,
    id: options.id,
    ...(options.display === undefined ? {} : { display: options.display }),
    muted: options.muted ?? false,
  }),
  configure: (options: { muted?: boolean; display?: string } = {}) => ({
    request: AudioBridgeRequest.configure,
    ...options,
  }),
  leave: () => ({ request: AudioBridgeRequest.leave }),
  mute: (room: RoomId, id: ParticipantId) => ({ request: AudioBridgeRequest.mute, room, id }),
  unmute: (room: RoomId, id: ParticipantId) => ({ request: AudioBridgeRequest.unmute, room, id }),
  muteRoom: (room: RoomId) => ({ request: AudioBridgeRequest.muteRoom, room }),
  unmuteRoom: (room: RoomId) => ({ request: AudioBridgeRequest.unmuteRoom, room }),
  kick: (room: RoomId, id: ParticipantId) => ({ request: AudioBridgeRequest.kick, room, id }),
  rtpForward: (room: RoomId, target: ForwardTarget) => ({
    request: AudioBridgeRequest.rtpForward,
    room,
    host: target.host,
    host_family: 'ipv4',
    port: target.port,
    codec: 'opus',
    ptype: target.ptype ?? 111,
    ...(target.ssrc === undefined ? {} : { ssrc: target.ssrc }),
    ...(target.srtpCrypto === undefined ? {} : { srtp_suite: 80, srtp_crypto: target.srtpCrypto }),
    // Without it an empty room sends nothing and downstream timelines lose time.
    always_on: true,
  }),
  stopRtpForward: (room: RoomId, streamId: number) => ({
    request: AudioBridgeRequest.stopRtpForward,
    room,
    stream_id: streamId,
  }),
  listForwarders: (room: RoomId) => ({ request: AudioBridgeRequest.listForwarders, room }),
};

export interface AudioBridgeEvents {
  /** Janus's verdict on a participant's audio level (needs audiolevel_event). */
  talking: [change: { room: RoomId; id: ParticipantId; talking: boolean }];
  /** A participant was kicked from a room this handle is in. */
  kicked: [change: { room: RoomId; id: ParticipantId }];
  /** The room this handle is in was destroyed. */
  roomDestroyed: [room: RoomId];
}

/**
 * An AudioBridge handle. The same class serves the server's control handle
 * (rooms, moderation, forwarders) and one handle per speaker (join, configure).
 */
export class AudioBridge extends EventEmitter<AudioBridgeEvents> {
  static async attach(session: JanusSession): Promise<AudioBridge> {
    return new AudioBridge(await session.attach(JanusPlugin.audioBridge));
  }

  constructor(readonly handle: JanusHandle) {
    super();
    handle.on('event', (data) => this.handleEvent(data));
  }

  async createRoom(options: AudioRoomOptions = {}): Promise<RoomId> {
    const data = await this.handle.request(audioBridgeBody.create(options));
    return numberField(data, 'room');
  }

  async destroyRoom(room: RoomId): Promise<void> {
    await this.handle.request(audioBridgeBody.destroy(room));
  }

  async exists(room: RoomId): Promise<boolean> {
    const data = await this.handle.request(audioBridgeBody.exists(room));
    return data['exists'] === true;
  }

  async listRooms(): Promise<RoomId[]> {
    const data = await this.handle.request(audioBridgeBody.list());
    // The plugin docs say `rooms`; Janus 1.1.2 answers with `list`.
    const rooms = data['list'] ?? data['rooms'];
    return Array.isArray(rooms)
      ? (rooms as Array<{ room: RoomId }>).map((entry) => entry.room)
      : [];
  }

  async listParticipants(room: RoomId): Promise<Participant[]> {
    const data = await this.handle.request(audioBridgeBody.listParticipants(room));
    return Array.isArray(data['participants']) ? (data['participants'] as Participant[]) : [];
  }

  /** Joins this handle to a room as a participant; media follows with `configure`. */
  async join(room: RoomId, options: JoinOptions): Promise<{ id: ParticipantId }> {
    const { data } = await this.handle.message(audioBridgeBody.join(room, options));
    if (data['audiobridge'] !== AudioBridgeReply.joined) unexpected('join', data);
    return { id: numberField(data, 'id') };
  }

  /** Sends the speaker's SDP offer (with all candidates); resolves with Janus's answer. */
  async publish(offer: Jsep, options: { muted?: boolean } = {}): Promise<Jsep> {
    const { jsep } = await this.handle.message(audioBridgeBody.configure(options), offer);
    if (jsep?.type !== 'answer')
      throw JanusError.protocol('AudioBridge configure returned no answer');
    return jsep;
  }

  /** Changes this participant's own settings (no renegotiation). */
  async configure(options: { muted?: boolean; display?: string }): Promise<void> {
    await this.handle.message(audioBridgeBody.configure(options));
  }

  async leave(): Promise<void> {
    await this.handle.message(audioBridgeBody.leave());
  }

  async mute(room: RoomId, id: ParticipantId): Promise<void> {
    await this.handle.request(audioBridgeBody.mute(room, id));
  }

  async unmute(room: RoomId, id: ParticipantId): Promise<void> {
    await this.handle.request(audioBridgeBody.unmute(room, id));
  }

  /** Mutes everyone who did not join with the room secret (we never give it out). */
  async muteRoom(room: RoomId): Promise<void> {
    await this.handle.request(audioBridgeBody.muteRoom(room));
  }

  async unmuteRoom(room: RoomId): Promise<void> {
    await this.handle.request(audioBridgeBody.unmuteRoom(room));
  }

  async kick(room: RoomId, id: ParticipantId): Promise<void> {
    await this.handle.request(audioBridgeBody.kick(room, id));
  }

  /** Forwards the room's mix as plain RTP (Opus); returns the forwarder's stream id. */
  async rtpForward(room: RoomId, target: ForwardTarget): Promise<number> {
    const data = await this.handle.request(audioBridgeBody.rtpForward(room, target));
    return numberField(data, 'stream_id');
  }

  async stopRtpForward(room: RoomId, streamId: number): Promise<void> {
    await this.handle.request(audioBridgeBody.stopRtpForward(room, streamId));
  }

  async listForwarders(room: RoomId): Promise<number[]> {
    return (await this.forwarders(room)).map((f) => f.id);
  }

  /** The room's forwarders with where each sends. */
  async forwarders(room: RoomId): Promise<Forwarder[]> {
    const data = await this.handle.request(audioBridgeBody.listForwarders(room));
    const list = data['rtp_forwarders'];
    if (!Array.isArray(list)) return [];
    return (list as Array<{ stream_id: number; ip?: string; host?: string; port: number }>).map(
      (f) => ({ id: f.stream_id, host: f.ip ?? f.host ?? '', port: f.port }),
    );
  }

  /** Idempotent. */
  async close(): Promise<void> {
    await this.handle.detach();
  }

  private handleEvent(data: PluginBody): void {
    const kind = data['audiobridge'];
    const room = data['room'];
    if (typeof room !== 'number') return;
    if (kind === AudioBridgeReply.talking || kind === AudioBridgeReply.stoppedTalking) {
      const id = data['id'];
      if (typeof id === 'number') {
        this.emit('talking', { room, id, talking: kind === AudioBridgeReply.talking });
      }
    } else if (kind === AudioBridgeReply.destroyed) {
      this.emit('roomDestroyed', room);
    } else if (kind === AudioBridgeReply.event && typeof data['kicked'] === 'number') {
      this.emit('kicked', { room, id: data['kicked'] });
    }
  }
}

function numberField(data: PluginBody, field: string): number {
  const value = data[field];
  if (typeof value !== 'number') unexpected(field, data);
  return value;
}

function unexpected(what: string, data: PluginBody): never {
  throw JanusError.protocol(`AudioBridge answered ${what} with ${JSON.stringify(data)}`);
}
