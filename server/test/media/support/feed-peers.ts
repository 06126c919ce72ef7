/**
 * Test peers for per-speaker feeds: a watcher that receives every feed in
 * one PeerConnection and keeps what each track decodes apart, by the stage
 * member it carries. The Janus-direct one negotiates through our typed
 * VideoRoom client; the Salon ones through the realtime WebSocket, as the web
 * app does. Feeds are published by `Publisher.feed` and
 * `Publisher.inVideoRoom` (publisher.ts).
 */
import type { FeedDto, ServerMessage } from '@salon/protocol';
import type { JanusSession } from '../../../src/media/janus/session.js';
import { type FeedId, VideoRoom, type VideoRoomId } from '../../../src/media/janus/videoroom.js';
import { eventually, type RealtimeClient } from '../../support/realtime.js';
import { ask } from './ask.js';
import { AudioLog } from './audio-log.js';
import type { Hearing } from './hearing.js';
import {
  type AudioSink,
  gatheringComplete,
  localJsep,
  type MediaStreamTrack,
  type PeerConnection,
  RTCAudioSink,
  RTCPeerConnection,
} from './wrtc.js';

/** The transceiver API of @roamhq/wrtc, which wrtc.ts does not type. */
interface Transceiver {
  readonly mid: string | null;
  readonly receiver: { readonly track: MediaStreamTrack };
}
interface FeedPeerConnection extends PeerConnection {
  getTransceivers(): Transceiver[];
}

function peer(): FeedPeerConnection {
  return new RTCPeerConnection({ iceServers: [] }) as FeedPeerConnection;
}

/**
 * What one PeerConnection receives, kept per speaker: each receiving
 * transceiver is read through a sink, and each frame is filed under whoever
 * its mid carries at that moment (a mid Janus reuses for another speaker
 * files under the new one; an unmapped mid files nowhere).
 */
class TrackLogs {
  private readonly logs = new Map<string, AudioLog>();
  private readonly sinks = new Map<string, { track: MediaStreamTrack; sink: AudioSink }>();
  private speakerOfMid = new Map<string, string>();

  /** After each setRemoteDescription: the new mid → speaker map, sinks on new tracks. */
  update(pc: FeedPeerConnection, speakers: Map<string, string>): void {
    this.speakerOfMid = speakers;
    for (const transceiver of pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (!mid || !speakers.has(mid)) continue;
      const track = transceiver.receiver.track;
      if (this.sinks.get(mid)?.track === track) continue;
      this.sinks.get(mid)?.sink.stop();
      const sink = new RTCAudioSink(track);
      sink.ondata = (data) => {
        const speaker = this.speakerOfMid.get(mid);
        if (speaker !== undefined) this.log(speaker).record(data);
      };
      this.sinks.set(mid, { track, sink });
    }
  }

  /** What this speaker's track decoded, for `heard()`. */
  log(speaker: string): AudioLog {
    let log = this.logs.get(speaker);
    if (!log) {
      log = new AudioLog();
      this.logs.set(speaker, log);
    }
    return log;
  }

  stop(): void {
    for (const { sink } of this.sinks.values()) sink.stop();
    this.sinks.clear();
  }
}

/** One multistream subscription through our Janus client, answered as a browser would. */
export class FeedSubscriber {
  static async subscribe(options: {
    session: JanusSession;
    room: VideoRoomId;
    feeds: Array<{ feed: FeedId; mid?: string }>;
  }): Promise<FeedSubscriber> {
    const handle = await VideoRoom.attach(options.session);
    const subscriber = new FeedSubscriber(handle);
    try {
      const offer = await handle.subscribe(options.room, options.feeds);
      await subscriber.answer(offer.jsep.sdp, offer.streams);
    } catch (error) {
      await subscriber.close();
      throw error;
    }
    return subscriber;
  }

  readonly pc = peer();
  private readonly tracks = new TrackLogs();
  /** mid → feed id, from the last offer. */
  feeds = new Map<string, FeedId>();
  private closed = false;

  private constructor(readonly handle: VideoRoom) {
    // Offers Janus queued and sends on its own.
    handle.on('offer', (offer) => {
      this.answer(offer.jsep.sdp, offer.streams).catch(() => undefined);
    });
  }

  /** Answers an offer of Janus's (the first one, or after `update`) and starts. */
  async answer(
    sdp: string,
    streams: Array<{ mid: string; active: boolean; feedId?: FeedId }>,
  ): Promise<void> {
    this.feeds = new Map(
      streams.filter((s) => s.active && s.feedId !== undefined).map((s) => [s.mid, s.feedId!]),
    );
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await gatheringComplete(this.pc);
    this.tracks.update(this.pc, new Map([...this.feeds].map(([mid, feed]) => [mid, String(feed)])));
    await this.handle.start(localJsep(this.pc, 'answer'));
  }

  /** What the track carrying this feed decoded. */
  hearing(feed: FeedId): Hearing {
    return this.tracks.log(String(feed));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tracks.stop();
    this.pc.close();
    await this.handle.close();
  }
}

/**
 * Watches every feed of a space through Salon (`feeds_watch`) and answers
 * each `feeds_offer` by itself, in order, as the web app does.
 */
export class SalonFeedWatcher {
  static async watch(rt: RealtimeClient, spaceId: string): Promise<SalonFeedWatcher> {
    const watcher = new SalonFeedWatcher(rt, spaceId);
    try {
      await watcher.start();
    } catch (error) {
      await watcher.close();
      throw error;
    }
    return watcher;
  }

  pc = peer();
  private readonly tracks = new TrackLogs();
  /** mid → stage member, as of the last answered offer. */
  feeds = new Map<string, string>();
  /** Offers answered so far. */
  offers = 0;
  /** The first offer that could not be answered, if any. */
  failure: unknown;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly onMessage = (data: unknown) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (
      message.type === 'feeds_offer' &&
      message.space_id === this.spaceId &&
      !('request_id' in message && message.request_id)
    ) {
      this.enqueue(message.sdp, message.feeds).catch(() => undefined);
    }
  };

  private constructor(
    readonly rt: RealtimeClient,
    readonly spaceId: string,
  ) {
    rt.ws.on('message', this.onMessage);
  }

  /** `feeds_watch`: an offer at once, or (no feed yet) `feeds_watching` and an offer later. */
  async start(): Promise<void> {
    const reply = await ask(this.rt, { type: 'feeds_watch', space_id: this.spaceId }, [
      'feeds_offer',
      'feeds_watching',
    ]);
    if (reply.type === 'feeds_offer') await this.enqueue(reply.sdp, reply.feeds);
  }

  /** Watches again on a fresh PeerConnection, as after `feeds_stopped` (`media_restart`). */
  async restart(): Promise<void> {
    this.tracks.stop();
    this.pc.close();
    this.pc = peer();
    this.feeds = new Map();
    await this.start();
  }

  /** What the track carrying this stage member's voice decoded. */
  voiceOf(userId: string): Hearing {
    return this.tracks.log(userId);
  }

  /** The stage members whose feeds this watcher receives now. */
  speakers(): string[] {
    return [...this.feeds.values()].sort();
  }

  /** Answers offers one at a time, in the order they came; a failure is kept for `failure`. */
  private enqueue(sdp: string, feeds: FeedDto[]): Promise<void> {
    const step = this.queue.then(() => this.answer(sdp, feeds));
    this.queue = step.catch((error: unknown) => {
      if (!this.closed) this.failure ??= error;
    });
    return step;
  }

  private async answer(sdp: string, feeds: FeedDto[]): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete(pc);
    const map = new Map(feeds.map((f) => [f.mid, f.user_id]));
    this.tracks.update(pc, map);
    await ask(
      this.rt,
      { type: 'feeds_answer', space_id: this.spaceId, sdp: pc.localDescription!.sdp },
      'feeds_watching',
    );
    this.feeds = map;
    this.offers += 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rt.ws.off('message', this.onMessage);
    this.tracks.stop();
    this.pc.close();
  }
}

/**
 * A stage member's `feed_standby`: whether their feed is wanted, as the
 * server answered and then told them (`feeds_wanted`), in order.
 */
export class SalonFeedStandby {
  static async start(rt: RealtimeClient, spaceId: string): Promise<SalonFeedStandby> {
    const standby = new SalonFeedStandby(rt, spaceId);
    try {
      const reply = await ask(rt, { type: 'feed_standby', space_id: spaceId }, 'feeds_wanted');
      standby.told.unshift(reply.wanted);
    } catch (error) {
      await standby.close();
      throw error;
    }
    return standby;
  }

  /** Every state told, the answer first, then each `feeds_wanted` that followed. */
  readonly told: boolean[] = [];
  private readonly onMessage = (data: unknown) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (
      message.type === 'feeds_wanted' &&
      message.space_id === this.spaceId &&
      !('request_id' in message && message.request_id)
    )
      this.told.push(message.wanted);
  };

  private constructor(
    readonly rt: RealtimeClient,
    readonly spaceId: string,
  ) {
    rt.ws.on('message', this.onMessage);
  }

  /** What the server said last. */
  get wanted(): boolean | undefined {
    return this.told.at(-1);
  }

  async close(): Promise<void> {
    this.rt.ws.off('message', this.onMessage);
  }
}

/** Waits until the watcher receives exactly these speakers' feeds (and says what it got when not). */
export async function watchesSpeakers(
  watcher: SalonFeedWatcher,
  expected: string[],
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const sorted = JSON.stringify([...expected].sort());
  await eventually(() => JSON.stringify(watcher.speakers()) === sorted, what, timeoutMs).catch(
    (error: unknown) => {
      const failure = watcher.failure ? `; an offer failed: ${String(watcher.failure)}` : '';
      throw new Error(`${what}: watching ${JSON.stringify(watcher.speakers())}${failure}`, {
        cause: error,
      });
    },
  );
}

/** Waits until a standing-by stage member has been told exactly this sequence of `feeds_wanted`. */
export function toldWanted(
  standby: SalonFeedStandby,
  expected: boolean[],
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return eventually(
    () => JSON.stringify(standby.told) === JSON.stringify(expected),
    `${what}: told ${JSON.stringify(standby.told)}`,
    timeoutMs,
  );
}
