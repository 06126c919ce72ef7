/**
 * Per-speaker feeds (see `FeedClientMessage` in @salon/protocol): each stage
 * member publishes their microphone as their own feed, and a listener who
 * sets speakers' volumes watches every feed in one PeerConnection, one
 * received track per speaker, instead of the mix.
 *
 * - `routeFeeds` maps the server's `mid → user_id` list onto the received
 *   tracks (never your own voice);
 * - `FeedWatch` negotiates the watch and every later offer the server sends
 *   when the stage's feeds change, and says when the feeds are playing:
 *   once every speaker expected has one (feeds are published on demand, so
 *   they arrive one by one after the watch starts);
 * - `FeedPublication` publishes a stage member's feed and publishes it again
 *   when its connection fails;
 * - `StageFeed` publishes it only while the server says it is wanted
 *   (someone else watches), and unpublishes it a while after it is not.
 */
import type { FeedDto } from '@salon/protocol';
import { AudioFailure } from './failure';
import { gatheringComplete, publishFeed } from './peer';
import type { MediaSignal } from './signaling';

export interface RoutedFeed {
  mid: string;
  userId: string;
  track: MediaStreamTrack;
}

/** What `routeFeeds` needs of a transceiver. */
export interface ReceivingTransceiver {
  mid: string | null;
  receiver: { track: MediaStreamTrack };
}

/** Which received track carries whose voice; your own feed is never routed (you must not hear yourself). */
export function routeFeeds(
  feeds: readonly FeedDto[],
  transceivers: readonly ReceivingTransceiver[],
  selfId: string | null,
): RoutedFeed[] {
  const byMid = new Map<string, ReceivingTransceiver>();
  for (const t of transceivers) if (t.mid !== null) byMid.set(t.mid, t);
  const routed: RoutedFeed[] = [];
  const seen = new Set<string>();
  for (const feed of feeds) {
    if (feed.user_id === selfId || seen.has(feed.mid)) continue;
    const transceiver = byMid.get(feed.mid);
    if (!transceiver) continue;
    seen.add(feed.mid);
    routed.push({ mid: feed.mid, userId: feed.user_id, track: transceiver.receiver.track });
  }
  return routed;
}

/**
 * A server that does not offer feeds (an older one, or several media nodes)
 * refuses their messages with one of these codes: no use trying again.
 */
export function feedsUnsupported(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'unknown_message' || code === 'feeds_unavailable';
}

/** Give up on a watch that is not playing by then. */
const CONNECT_TIMEOUT_MS = 12_000;
/** A watch that stays `disconnected` this long has failed. */
const DISCONNECTED_GRACE_MS = 4_000;
/** Connected but no speaker's audio yet (all muted?): count it as playing after this. */
const FIRST_AUDIO_WAIT_MS = 1_500;

export interface FeedWatchOptions {
  spaceId: string;
  signal: MediaSignal;
  iceServers: RTCIceServer[];
  /** The listener's own user id, whose feed is never played. */
  selfId: string | null;
  /**
   * Whose feeds must be there before the watch counts as playing (the stage
   * now, but you): their feeds come as each of them publishes. Until then
   * the mix carries everyone; past the connect timeout the watch fails.
   */
  expected?: () => readonly string[];
  /** The routed feeds, after every negotiation. */
  onFeeds: (feeds: RoutedFeed[]) => void;
  /** Once: negotiated, connected, and a speaker's audio arrives (or nobody's is due). */
  onPlaying: () => void;
  /** Once: the watch failed; it is closed already. */
  onFailed: (error: unknown) => void;
}

/** One watch of every feed of a space, in one PeerConnection. */
export class FeedWatch {
  private pc: RTCPeerConnection | null = null;
  private closed = false;
  private negotiated = false;
  private connected = false;
  private waitedForAudio = false;
  private playing = false;
  private routed: RoutedFeed[] = [];
  /** Offers are answered one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly timers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly o: FeedWatchOptions) {}

  get isPlaying(): boolean {
    return this.playing;
  }

  start(): void {
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers });
    this.pc = pc;
    pc.addEventListener('connectionstatechange', () => this.onConnectionState(pc));
    this.later(CONNECT_TIMEOUT_MS, () => {
      if (!this.playing)
        this.fail(
          new AudioFailure('feeds_not_connected', 'The speakers’ streams did not connect.'),
        );
    });
    this.enqueue(async () => {
      const first = await this.o.signal.request({ type: 'feeds_watch', space_id: this.o.spaceId }, [
        'feeds_offer',
        'feeds_watching',
      ]);
      if (first.type === 'feeds_offer') {
        await this.answer(first.sdp, first.feeds);
        return;
      }
      // No feed is live yet: watching nothing for now; the first offer comes when one is.
      this.watching(first.feeds);
    });
  }

  /** A new offer from the server: the stage's feeds changed. */
  handleOffer(offer: { sdp: string; feeds: FeedDto[] }): void {
    if (this.closed) return;
    this.enqueue(() => this.answer(offer.sdp, offer.feeds));
  }

  /** The stage changed: whose feeds are expected may have. */
  recheck(): void {
    this.check();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.pc?.close();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : work()))
      .catch((error: unknown) => this.fail(error));
  }

  private async answer(sdp: string, offered: FeedDto[]): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete(pc);
    if (this.closed) return;
    const watching = await this.o.signal.request(
      { type: 'feeds_answer', space_id: this.o.spaceId, sdp: pc.localDescription?.sdp ?? '' },
      'feeds_watching',
    );
    if (this.closed) return;
    this.watching(watching.feeds ?? offered);
  }

  private watching(feeds: readonly FeedDto[]): void {
    this.routed = this.pc ? routeFeeds(feeds, this.pc.getTransceivers(), this.o.selfId) : [];
    for (const { track } of this.routed) {
      track.addEventListener('unmute', () => this.check(), { once: true });
    }
    this.o.onFeeds(this.routed);
    this.negotiated = true;
    this.check();
  }

  private onConnectionState(pc: RTCPeerConnection): void {
    if (this.closed || pc !== this.pc) return;
    switch (pc.connectionState) {
      case 'connected':
        if (!this.connected) {
          this.connected = true;
          this.later(FIRST_AUDIO_WAIT_MS, () => {
            this.waitedForAudio = true;
            this.check();
          });
        }
        this.check();
        return;
      case 'disconnected':
        this.later(DISCONNECTED_GRACE_MS, () => {
          if (pc.connectionState !== 'connected')
            this.fail(new AudioFailure('feeds_lost', 'The speakers’ streams were lost.'));
        });
        return;
      case 'failed':
        this.fail(new AudioFailure('feeds_lost', 'The speakers’ streams were lost.'));
        return;
      default:
        return;
    }
  }

  /**
   * Playing once negotiated with every expected speaker's feed, and connected
   * with a speaker's audio arriving (or no feed at all to wait for).
   */
  private check(): void {
    if (this.playing || this.closed || !this.negotiated) return;
    const carried = new Set(this.routed.map((feed) => feed.userId));
    const expected = this.o.expected?.() ?? [];
    if (expected.some((id) => id !== this.o.selfId && !carried.has(id))) return;
    const nothingToHear = this.routed.length === 0;
    const audio = this.routed.some((feed) => !feed.track.muted) || this.waitedForAudio;
    if (nothingToHear || (this.connected && audio)) {
      this.playing = true;
      this.o.onPlaying();
    }
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.close();
    this.o.onFailed(error);
  }

  private later(ms: number, run: () => void): void {
    this.timers.push(
      setTimeout(() => {
        if (!this.closed) run();
      }, ms),
    );
  }
}

/** Failed feed publications are tried again this many times (then the mix still carries the voice). */
const PUBLISH_ATTEMPTS = 5;

export type FeedPublicationState = 'publishing' | 'on' | 'retrying' | 'failed' | 'unsupported';

export interface FeedPublicationOptions {
  spaceId: string;
  signal: MediaSignal;
  iceServers: RTCIceServer[];
  /** The same microphone track the stage publication sends: muting it mutes both. */
  track: MediaStreamTrack;
  onState?: (state: FeedPublicationState) => void;
}

/** A stage member's own feed: published, and published again when its connection fails. */
export class FeedPublication {
  private pc: RTCPeerConnection | null = null;
  private closed = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly o: FeedPublicationOptions) {}

  start(): void {
    this.attempt();
  }

  /** The server ended it (its media server restarted): publish again now. */
  restart(): void {
    if (this.closed) return;
    this.failures = 0;
    this.attempt();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.pc?.close();
  }

  private attempt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pc?.close();
    this.pc = null;
    this.o.onState?.('publishing');
    let mine: RTCPeerConnection | null = null;
    publishFeed({
      spaceId: this.o.spaceId,
      signal: this.o.signal,
      iceServers: this.o.iceServers,
      track: this.o.track,
      onPeer: (pc) => {
        mine = pc;
        this.pc = pc;
        pc.addEventListener('connectionstatechange', () => {
          if (this.closed || this.pc !== pc) return;
          if (pc.connectionState === 'connected') {
            this.failures = 0;
            this.o.onState?.('on');
          }
          if (pc.connectionState === 'failed')
            this.retry(new AudioFailure('feed_failed', 'The feed connection failed.'));
        });
      },
    }).catch((error: unknown) => {
      if (this.closed || (mine !== null && this.pc !== mine)) return;
      this.retry(error);
    });
  }

  private retry(error: unknown): void {
    if (this.closed) return;
    this.pc?.close();
    this.pc = null;
    if (feedsUnsupported(error)) {
      this.o.onState?.('unsupported');
      return;
    }
    this.failures += 1;
    if (this.failures >= PUBLISH_ATTEMPTS) {
      this.o.onState?.('failed');
      return;
    }
    this.o.onState?.('retrying');
    this.timer = setTimeout(() => this.attempt(), Math.min(10_000, 1_000 * 2 ** this.failures));
  }
}

/** A feed no longer wanted is unpublished this long after (a listener moving sliders causes no churn). */
export const FEED_LINGER_MS = 30_000;

/** What `StageFeed` needs of a publication (a started `FeedPublication`). */
export interface PublishedFeed {
  restart(): void;
  close(): void;
}

export interface StageFeedOptions {
  spaceId: string;
  signal: MediaSignal;
  /** Publishes the feed now (a `FeedPublication`, started). */
  publish: () => PublishedFeed;
  lingerMs?: number;
}

/**
 * A stage member's feed, published only while wanted. `start` asks the
 * server (`feed_standby`, once the mix publication is answered); then each
 * `feeds_wanted` goes to `setWanted`. Not wanted any more, the feed stays a
 * while (`FEED_LINGER_MS`), then is unpublished. A server that does not know
 * `feed_standby` (or never answers) gets the feed always, as before.
 */
export class StageFeed {
  private publication: PublishedFeed | null = null;
  private wanted = false;
  /** The server cannot say: publish for as long as the link lasts. */
  private always = false;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly o: StageFeedOptions) {}

  /** Whether the feed is published now (the server must be told when the link ends). */
  get publishing(): boolean {
    return this.publication !== null;
  }

  start(): void {
    this.o.signal.request({ type: 'feed_standby', space_id: this.o.spaceId }, 'feeds_wanted').then(
      (answer) => this.setWanted(answer.wanted),
      (error: unknown) => {
        if (this.closed) return;
        const code = (error as { code?: string } | null)?.code;
        if (code === 'unknown_message' || code === 'timeout') {
          this.always = true;
          this.apply();
        }
      },
    );
  }

  /** What the server says now: someone watches the feeds (but you), or nobody does. */
  setWanted(wanted: boolean): void {
    if (this.closed) return;
    this.wanted = wanted;
    this.apply();
  }

  /** The server ended it (its media server restarted): publish again now, if published. */
  restart(): void {
    if (!this.closed) this.publication?.restart();
  }

  /** The link ends: the publication goes (the caller tells the server). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopLinger();
    this.publication?.close();
  }

  private apply(): void {
    if (this.wanted || this.always) {
      this.stopLinger();
      this.publication ??= this.o.publish();
      return;
    }
    if (!this.publication || this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      if (this.closed || this.wanted || this.always) return;
      this.publication?.close();
      this.publication = null;
      this.o.signal.tell({ type: 'feed_unpublish', space_id: this.o.spaceId });
    }, this.o.lingerMs ?? FEED_LINGER_MS);
  }

  private stopLinger(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }
}
