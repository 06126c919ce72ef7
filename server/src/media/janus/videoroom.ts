import { EventEmitter } from 'node:events';
import { JanusError } from './errors.js';
import type { JanusHandle } from './handle.js';
import {
  JanusPlugin,
  type Jsep,
  type PluginBody,
  VideoRoomParticipantType,
  VideoRoomReply,
  VideoRoomRequest,
} from './protocol.js';
import type { JanusSession } from './session.js';

/** Room and participant (feed) ids are numbers: Janus runs without `string_ids`. */
export type VideoRoomId = number;
export type FeedId = number;

export interface FeedRoomOptions {
  room?: VideoRoomId;
  description?: string;
  /** At most this many people publish at once (the stage's size). */
  publishers: number;
  /** Needed for destroy, kick and moderate; only the server holds it. */
  secret?: string;
}

/** One stream of a subscription to subscribe to: a publisher's feed, or one of its m-lines. */
export interface FeedStream {
  feed: FeedId;
  /** The publisher's mid; all of its streams when left out. */
  mid?: string;
}

/** What to take out of a subscription: a subscription m-line by its own mid. */
export interface SubscriptionMid {
  subMid: string;
}

/** One m-line of a subscription, as Janus describes it with each offer. */
export interface SubscriptionStream {
  /** The m-line's mid in the offer Janus sends the subscriber. */
  mid: string;
  type: string;
  /** False once its publisher went away or it was unsubscribed (an inactive m-line, reusable). */
  active: boolean;
  /** The publisher it carries, while active. */
  feedId?: FeedId;
  feedMid?: string;
}

/** A publisher as Janus announces it to the room's other participants. */
export interface AnnouncedPublisher {
  id: FeedId;
  display?: string;
  /** Its audio m-line's mid, when Janus says. */
  mid?: string;
}

export interface VideoRoomParticipant {
  id: FeedId;
  display?: string;
  /** Publishing over WebRTC right now. */
  publisher: boolean;
}

/** Janus's offer to a subscriber, and what each of its m-lines carries. */
export interface SubscriptionOffer {
  jsep: Jsep;
  streams: SubscriptionStream[];
}

/** Builds the plugin request bodies; pure, so each wire name is unit-tested. */
export const videoRoomBody = {
  create: (options: FeedRoomOptions) => ({
    request: VideoRoomRequest.create,
    ...(options.room === undefined ? {} : { room: options.room }),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    permanent: false,
    // Listable, so `list` can prove nothing leaks; only our server reaches the API.
    is_private: false,
    publishers: options.publishers,
    audiocodec: 'opus',
    opus_fec: true,
    // Speaking indicators come from the AudioBridge; nothing to send twice.
    audiolevel_event: false,
    notify_joining: false,
    require_pvtid: false,
  }),
  destroy: (room: VideoRoomId, secret?: string) => ({
    request: VideoRoomRequest.destroy,
    room,
    ...(secret === undefined ? {} : { secret }),
    permanent: false,
  }),
  exists: (room: VideoRoomId) => ({ request: VideoRoomRequest.exists, room }),
  list: () => ({ request: VideoRoomRequest.list }),
  listParticipants: (room: VideoRoomId) => ({
    request: VideoRoomRequest.listParticipants,
    room,
  }),
  joinPublisher: (room: VideoRoomId, options: { id: FeedId; display?: string }) => ({
    request: VideoRoomRequest.join,
    ptype: VideoRoomParticipantType.publisher,
    room,
    id: options.id,
    ...(options.display === undefined ? {} : { display: options.display }),
  }),
  publish: () => ({ request: VideoRoomRequest.publish, audiocodec: 'opus' }),
  configure: () => ({ request: VideoRoomRequest.configure }),
  unpublish: () => ({ request: VideoRoomRequest.unpublish }),
  leave: () => ({ request: VideoRoomRequest.leave }),
  joinSubscriber: (room: VideoRoomId, streams: FeedStream[]) => ({
    request: VideoRoomRequest.join,
    ptype: VideoRoomParticipantType.subscriber,
    room,
    streams: streams.map(feedStream),
    // Without it Janus renegotiates on its own whenever a publisher leaves;
    // we renegotiate ourselves, once per change, with the whole new list.
    autoupdate: false,
    use_msid: false,
  }),
  update: (change: { subscribe?: FeedStream[]; unsubscribe?: SubscriptionMid[] }) => ({
    request: VideoRoomRequest.update,
    // Janus refuses an empty array, so an empty side is left out.
    ...(change.subscribe?.length ? { subscribe: change.subscribe.map(feedStream) } : {}),
    ...(change.unsubscribe?.length
      ? { unsubscribe: change.unsubscribe.map((s) => ({ sub_mid: s.subMid })) }
      : {}),
  }),
  start: () => ({ request: VideoRoomRequest.start }),
  moderate: (room: VideoRoomId, id: FeedId, mid: string, mute: boolean, secret?: string) => ({
    request: VideoRoomRequest.moderate,
    room,
    ...(secret === undefined ? {} : { secret }),
    id,
    mid,
    mute,
  }),
  /** Captions (issue 14): a copy of one publisher stream as plain RTP to a local UDP port. */
  rtpForward: (
    room: VideoRoomId,
    publisher: FeedId,
    stream: { host: string; mid: string; port: number; pt?: number },
    secret?: string,
  ) => ({
    request: 'rtp_forward',
    room,
    ...(secret === undefined ? {} : { secret }),
    publisher_id: publisher,
    host: stream.host,
    streams: [
      {
        mid: stream.mid,
        port: stream.port,
        ...(stream.pt === undefined ? {} : { pt: stream.pt }),
      },
    ],
  }),
  stopRtpForward: (room: VideoRoomId, publisher: FeedId, streamId: number, secret?: string) => ({
    request: 'stop_rtp_forward',
    room,
    ...(secret === undefined ? {} : { secret }),
    publisher_id: publisher,
    stream_id: streamId,
  }),
  kick: (room: VideoRoomId, id: FeedId, secret?: string) => ({
    request: VideoRoomRequest.kick,
    room,
    ...(secret === undefined ? {} : { secret }),
    id,
  }),
};

function feedStream(stream: FeedStream) {
  return { feed: stream.feed, ...(stream.mid === undefined ? {} : { mid: stream.mid }) };
}

export interface VideoRoomEvents {
  /** Janus sent a subscriber a new offer on its own (an update it had queued). */
  offer: [offer: SubscriptionOffer];
  /** This publisher was kicked. */
  kicked: [room: VideoRoomId];
  /** The room this handle is in was destroyed. */
  roomDestroyed: [room: VideoRoomId];
  /** Publishers of the room started publishing (told to every participant in it). */
  publishers: [publishers: AnnouncedPublisher[]];
  /** A publisher of the room stopped publishing or left it. */
  unpublished: [id: FeedId];
}

/**
 * A VideoRoom handle. The same class serves the server's control handle
 * (rooms, moderation), a publisher's handle (join, publish) and a
 * subscriber's handle (one multistream subscription: join, update, start).
 */
export class VideoRoom extends EventEmitter<VideoRoomEvents> {
  static async attach(session: JanusSession): Promise<VideoRoom> {
    return new VideoRoom(await session.attach(JanusPlugin.videoRoom));
  }

  constructor(readonly handle: JanusHandle) {
    super();
    handle.on('event', (data, jsep) => this.handleEvent(data, jsep));
  }

  async createRoom(options: FeedRoomOptions): Promise<VideoRoomId> {
    const data = await this.handle.request(videoRoomBody.create(options));
    if (data['videoroom'] !== VideoRoomReply.created) unexpected('create', data);
    return numberField(data, 'room');
  }

  async destroyRoom(room: VideoRoomId, secret?: string): Promise<void> {
    await this.handle.request(videoRoomBody.destroy(room, secret));
  }

  async exists(room: VideoRoomId): Promise<boolean> {
    const data = await this.handle.request(videoRoomBody.exists(room));
    return data['exists'] === true;
  }

  async listRooms(): Promise<VideoRoomId[]> {
    const data = await this.handle.request(videoRoomBody.list());
    const list = data['list'];
    return Array.isArray(list) ? (list as Array<{ room: VideoRoomId }>).map((r) => r.room) : [];
  }

  async listParticipants(room: VideoRoomId): Promise<VideoRoomParticipant[]> {
    const data = await this.handle.request(videoRoomBody.listParticipants(room));
    const list = data['participants'];
    return Array.isArray(list)
      ? (list as Array<Record<string, unknown>>).map((p) => ({
          id: p['id'] as FeedId,
          ...(typeof p['display'] === 'string' ? { display: p['display'] } : {}),
          publisher: p['publisher'] === true,
        }))
      : [];
  }

  /**
   * Joins as a publisher (not publishing yet). Resolves with the publishers
   * publishing in the room then; later ones come as `publishers` events, and
   * each that stops as `unpublished`.
   */
  async joinAsPublisher(
    room: VideoRoomId,
    options: { id: FeedId; display?: string },
  ): Promise<{ id: FeedId; publishers: AnnouncedPublisher[] }> {
    const { data } = await this.handle.message(videoRoomBody.joinPublisher(room, options));
    if (data['videoroom'] !== VideoRoomReply.joined) unexpected('join', data);
    return { id: numberField(data, 'id'), publishers: announcedPublishers(data) };
  }

  /** Sends the publisher's SDP offer (with all candidates); resolves with Janus's answer. */
  async publish(offer: Jsep): Promise<Jsep> {
    return this.negotiatePublisher(videoRoomBody.publish(), offer, 'publish');
  }

  /** A publisher's renegotiation (a new offer while publishing). */
  async configure(offer: Jsep): Promise<Jsep> {
    return this.negotiatePublisher(videoRoomBody.configure(), offer, 'configure');
  }

  async unpublish(): Promise<void> {
    await this.handle.message(videoRoomBody.unpublish());
  }

  async leave(): Promise<void> {
    await this.handle.message(videoRoomBody.leave());
  }

  /** Subscribes this handle to several feeds at once; resolves with Janus's offer. */
  async subscribe(room: VideoRoomId, streams: FeedStream[]): Promise<SubscriptionOffer> {
    const { data, jsep } = await this.handle.message(videoRoomBody.joinSubscriber(room, streams));
    if (data['videoroom'] !== VideoRoomReply.attached || jsep?.type !== 'offer')
      unexpected('join (subscriber)', data);
    return { jsep, streams: subscriptionStreams(data) };
  }

  /**
   * Adds and removes streams of this subscription. Resolves with the new
   * offer; with `streams` alone when nothing in the SDP changed; or with
   * `queued` when Janus still waits for the answer to its previous offer
   * (the new offer then comes as an `offer` event).
   */
  async update(change: {
    subscribe?: FeedStream[];
    unsubscribe?: SubscriptionMid[];
  }): Promise<SubscriptionOffer | { streams: SubscriptionStream[] } | 'queued'> {
    const { data, jsep } = await this.handle.message(videoRoomBody.update(change));
    if (data['videoroom'] === VideoRoomReply.updating) return 'queued';
    if (data['videoroom'] !== VideoRoomReply.updated) unexpected('update', data);
    if (jsep?.type === 'offer') return { jsep, streams: subscriptionStreams(data) };
    return { streams: subscriptionStreams(data) };
  }

  /** Completes a (re)negotiation of this subscription with the subscriber's answer. */
  async start(answer: Jsep): Promise<void> {
    const { data } = await this.handle.message(videoRoomBody.start(), answer);
    if (data['started'] !== 'ok') unexpected('start', data);
  }

  /** Server-side mute of one of a publisher's streams: Janus drops its packets. */
  async moderate(
    room: VideoRoomId,
    id: FeedId,
    mid: string,
    mute: boolean,
    secret?: string,
  ): Promise<void> {
    await this.handle.request(videoRoomBody.moderate(room, id, mid, mute, secret));
  }

  /** Forwards one of a publisher's streams as RTP to host:port; resolves with the forwarder's id. */
  async rtpForward(
    room: VideoRoomId,
    publisher: FeedId,
    stream: { host: string; mid: string; port: number; pt?: number },
    secret?: string,
  ): Promise<number> {
    const data = await this.handle.request(
      videoRoomBody.rtpForward(room, publisher, stream, secret),
    );
    const forwarders = data['forwarders'];
    const first = Array.isArray(forwarders)
      ? (forwarders[0] as Record<string, unknown>)
      : undefined;
    if (data['videoroom'] !== 'rtp_forward' || typeof first?.['stream_id'] !== 'number')
      unexpected('rtp_forward', data);
    return first['stream_id'] as number;
  }

  async stopRtpForward(
    room: VideoRoomId,
    publisher: FeedId,
    streamId: number,
    secret?: string,
  ): Promise<void> {
    await this.handle.request(videoRoomBody.stopRtpForward(room, publisher, streamId, secret));
  }

  /** Removes a publisher from the room and closes its PeerConnection. */
  async kick(room: VideoRoomId, id: FeedId, secret?: string): Promise<void> {
    await this.handle.request(videoRoomBody.kick(room, id, secret));
  }

  /** Idempotent. */
  async close(): Promise<void> {
    await this.handle.detach();
  }

  private async negotiatePublisher(
    body: { request: string },
    offer: Jsep,
    what: string,
  ): Promise<Jsep> {
    const { data, jsep } = await this.handle.message(body, offer);
    if (data['configured'] !== 'ok' || jsep?.type !== 'answer') unexpected(what, data);
    return jsep;
  }

  private handleEvent(data: PluginBody, jsep: Jsep | undefined): void {
    const kind = data['videoroom'];
    const room = data['room'];
    if (kind === VideoRoomReply.updated && jsep?.type === 'offer') {
      this.emit('offer', { jsep, streams: subscriptionStreams(data) });
      return;
    }
    if (typeof room !== 'number') return;
    if (kind === VideoRoomReply.destroyed) this.emit('roomDestroyed', room);
    else if (kind === VideoRoomReply.event && data['reason'] === 'kicked')
      this.emit('kicked', room);
    else if (kind === VideoRoomReply.event) {
      if (Array.isArray(data['publishers'])) this.emit('publishers', announcedPublishers(data));
      // `unpublished: "ok"` and `leaving: "ok"` answer this handle's own requests; another's
      // kick comes as `kicked: <id>`.
      for (const field of ['unpublished', 'leaving', 'kicked'])
        if (typeof data[field] === 'number') this.emit('unpublished', data[field] as FeedId);
    }
  }
}

/** The `publishers` list of a `joined` answer or of an event. */
export function announcedPublishers(data: PluginBody): AnnouncedPublisher[] {
  const list = data['publishers'];
  if (!Array.isArray(list)) return [];
  return (list as Array<Record<string, unknown>>)
    .filter((p) => typeof p['id'] === 'number')
    .map((p) => {
      const streams = Array.isArray(p['streams'])
        ? (p['streams'] as Array<Record<string, unknown>>)
        : [];
      const audio = streams.find((s) => s['type'] === 'audio' && typeof s['mid'] === 'string');
      return {
        id: p['id'] as FeedId,
        ...(typeof p['display'] === 'string' ? { display: p['display'] } : {}),
        ...(audio ? { mid: audio['mid'] as string } : {}),
      };
    });
}

/** Reads the `streams` summary Janus sends with a subscriber's offers. */
export function subscriptionStreams(data: PluginBody): SubscriptionStream[] {
  const streams = data['streams'];
  if (!Array.isArray(streams)) return [];
  return (streams as Array<Record<string, unknown>>)
    .filter((s) => typeof s['mid'] === 'string')
    .map((s) => ({
      mid: s['mid'] as string,
      type: typeof s['type'] === 'string' ? s['type'] : 'audio',
      // Janus 1.1.2 says `active: false` for an m-line that lost its publisher.
      active: s['active'] !== false && typeof s['feed_id'] === 'number',
      ...(typeof s['feed_id'] === 'number' ? { feedId: s['feed_id'] } : {}),
      ...(typeof s['feed_mid'] === 'string' ? { feedMid: s['feed_mid'] } : {}),
    }));
}

function numberField(data: PluginBody, field: string): number {
  const value = data[field];
  if (typeof value !== 'number') unexpected(field, data);
  return value;
}

function unexpected(what: string, data: PluginBody): never {
  throw JanusError.protocol(`VideoRoom answered ${what} with ${JSON.stringify(data)}`);
}
