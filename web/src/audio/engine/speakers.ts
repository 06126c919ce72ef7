/**
 * Per-speaker volume, for the audio controller: the volumes you set, the
 * mixer that applies them, and the watch of every speaker's feed on the
 * current link. It watches once a speaker on the stage is set away from the
 * default, lets the mix come back once all are at the default again (after a
 * moment: a slider going from 150 % to 50 % passes 100 %), and after a
 * failure waits before trying again.
 *
 * Stage members publish their feed only while someone watches, so a watch
 * begins with few feeds or none; the feeds take over only once every
 * speaker on the stage (but you) has one. Until then the mix plays; if they
 * do not all come in time, the watch fails and the mix stays.
 *
 * The mix is the reference: someone the media server hears speaking there
 * who has no feed (an old client, a feed that could not be published) would
 * be lost on the feeds, so that sends you back to the mix too.
 *
 * The controller owns the mix. It is told when the feeds are audible (it
 * then silences or stops the mix), when it should take the mix back (`leave`:
 * it calls `drop` once the mix plays), and when the watch failed (`lost`).
 */
import type { FeedDto, ServerMessage } from '@salon/protocol';
import { AudioFailure } from './failure';
import { feedsUnsupported } from './feeds';
import type { AudioMedia, WatchedFeeds } from './media';
import type { Mixer } from './mixer';
import type { MediaSignal } from './signaling';
import { anyCustom, type SpeakerVolumeMap, SpeakerVolumes } from './volumes';

/** How per-speaker volumes apply to what you hear now. */
export type PerSpeaker =
  /** Every speaker at the default: the mix. */
  | 'mix'
  /** Setting up each speaker's stream; the mix plays meanwhile (unless it started silent). */
  | 'switching'
  /** Each speaker through their own gain. */
  | 'feeds'
  /** The speakers' streams failed: the mix plays, everyone at the same volume; tried again later. */
  | 'failed'
  /** The server offers no speakers' streams. */
  | 'unsupported'
  /** HLS carries only the mix: per-speaker volume needs the WebRTC tier. */
  | 'needs_webrtc';

/** What the feeds are told of the controller and tell it. */
export interface SpeakerFeedsHost {
  signal: MediaSignal;
  iceServers: RTCIceServer[];
  /** Plays an element as the current link's audio; resolves whether it plays (autoplay). */
  play(element: HTMLAudioElement): Promise<boolean>;
  /** The feeds are what you hear now: silence or stop the mix. */
  audible(): void;
  /** The feeds' AudioContext waits for a tap. */
  blocked(): void;
  /** Everyone is back at the default: take the mix back, then `drop` the feeds. */
  leave(): void;
  /** The watch failed or was stopped; it is dropped already: hear the mix again. */
  lost(error: unknown): void;
  /** Time passed (a failure waited out, a linger over): look again. */
  changed(): void;
}

/** After a failure, wait this long (doubling, up to a minute) before watching again. */
const RETRY_MS = 5_000;
/** Back at the defaults, the feeds stay this long before the mix takes over. */
const LINGER_MS = 2_000;
/** Someone speaking in the mix with no feed this long (theirs may be on its way) ends the feeds. */
const MISSING_FEED_MS = 3_000;

export class SpeakerFeeds {
  private readonly volumes: SpeakerVolumes;
  private mixerInstance: Mixer | null = null;
  private watch: WatchedFeeds | null = null;
  private spaceId = '';
  /** The watch's feeds arrive (negotiated, connected, audio flowing). */
  private arriving = false;
  /** The feeds are what you hear. */
  private audible = false;
  /** The controller is taking the mix back. */
  private leaving = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private lingered = false;
  private master = 1;
  private selfId: string | null = null;
  /** The stage now: whose feeds a new watch waits for. */
  private stage: readonly string[] = [];
  /** Who the watch's feeds carry now. */
  private routed = new Set<string>();
  /** Speaking in the mix, by user id, with the timer that ends the feeds if their feed does not come. */
  private readonly missing = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly talking = new Set<string>();
  /** The server refused feeds for good (an older server, several media nodes). */
  private unsupported = false;

  constructor(
    private readonly host: SpeakerFeedsHost,
    private readonly o: {
      storage: Pick<Storage, 'getItem' | 'setItem'> | null;
      createMixer: () => Mixer;
      watchFeeds: AudioMedia['watchFeeds'];
    },
  ) {
    this.volumes = new SpeakerVolumes(o.storage);
  }

  all(): SpeakerVolumeMap {
    return this.volumes.all();
  }

  /** One speaker's volume (from a gesture, where the mixer's AudioContext may start). */
  set(userId: string, volume: number): SpeakerVolumeMap {
    const map = this.volumes.set(userId, volume);
    const gain = this.volumes.get(userId);
    this.mixerInstance?.setGain(userId, gain);
    if (gain !== 1) void this.mixer().resume();
    return map;
  }

  reset(userIds: readonly string[]): SpeakerVolumeMap {
    const map = this.volumes.reset(userIds);
    for (const id of userIds) this.mixerInstance?.setGain(id, this.volumes.get(id));
    return map;
  }

  /** Whether someone on the stage (not you) is set away from the default. */
  wanted(stage: readonly string[], selfId: string | null): boolean {
    return anyCustom(
      this.volumes.all(),
      stage.filter((id) => id !== selfId),
    );
  }

  /** Not refused for good, and no failure being waited out. */
  allowed(): boolean {
    return !this.unsupported && this.retryTimer === null;
  }

  /** Whether the feeds are what you hear (also while the mix is being taken back). */
  get isAudible(): boolean {
    return this.audible;
  }

  /** What you hear while the feeds are audible (after every gain). */
  output(): MediaStream {
    return this.mixer().output();
  }

  setMasterVolume(volume: number): void {
    this.master = volume;
    if (this.mixerInstance) this.mixerInstance.element.volume = volume;
  }

  /**
   * What the current link calls for: `possible` when it is WebRTC and
   * connected, `wanted` when a volume is set and the feeds are allowed.
   */
  sync(link: {
    spaceId: string;
    possible: boolean;
    wanted: boolean;
    selfId: string | null;
    stage: readonly string[];
  }) {
    if (this.leaving) return;
    this.selfId = link.selfId;
    if (link.stage !== this.stage) {
      this.stage = link.stage;
      this.watch?.recheck();
    }
    if (link.possible && link.wanted) {
      this.stopLinger();
      this.lingered = false;
      if (!this.watch) this.start(link.spaceId, link.selfId);
      return;
    }
    if (!this.watch) return;
    if (link.possible && this.audible && !this.lingered) {
      this.lingerTimer ??= setTimeout(() => {
        this.lingerTimer = null;
        this.lingered = true;
        this.host.changed();
      }, LINGER_MS);
      return;
    }
    this.leaving = true;
    this.host.leave();
  }

  state(route: string | null, wanted: boolean): PerSpeaker {
    if (route === 'hls') return 'needs_webrtc';
    if (this.unsupported) return 'unsupported';
    if (this.audible && !this.leaving) return 'feeds';
    if (this.watch) return 'switching';
    if (!wanted) return 'mix';
    return this.retryTimer ? 'failed' : 'switching';
  }

  /** Who the media server hears speaking in the mix. */
  speaking(userId: string, speaking: boolean): void {
    if (speaking) this.talking.add(userId);
    else this.talking.delete(userId);
    this.checkMissing();
  }

  /** A new offer from the server: the stage's feeds changed. */
  handleOffer(offer: { sdp: string; feeds: FeedDto[] }): void {
    this.watch?.handleOffer(offer);
  }

  /** The server ended the watch; after a media restart it is watched again at once. */
  stopped(reason: Extract<ServerMessage, { type: 'feeds_stopped' }>['reason']): void {
    if (!this.watch) return;
    this.fail(
      new AudioFailure('feeds_stopped', 'The speakers’ streams stopped.'),
      reason !== 'media_restart',
    );
  }

  /** A tap: start what autoplay held back. */
  unlock(): void {
    void this.mixerInstance?.resume();
    if (this.audible) void this.host.play(this.mixer().element);
    else if (this.arriving) this.activate();
  }

  /** Ends the watch (the mix plays again, or the link is going). */
  drop(tellServer = true): void {
    this.stopLinger();
    this.lingered = false;
    this.leaving = false;
    this.arriving = false;
    this.audible = false;
    this.routed = new Set();
    this.checkMissing();
    const watch = this.watch;
    if (!watch) return;
    this.watch = null;
    watch.close();
    if (tellServer) this.host.signal.tell({ type: 'feeds_stop', space_id: this.spaceId });
    this.mixerInstance?.clear();
  }

  /** Another space: its failures are not this one's. */
  newSpace(): void {
    this.talking.clear();
    this.checkMissing();
    this.failures = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  close(): void {
    this.drop(false);
    this.newSpace();
    this.mixerInstance?.close();
  }

  private start(spaceId: string, selfId: string | null): void {
    const mixer = this.mixer();
    this.spaceId = spaceId;
    const watch: WatchedFeeds = this.o.watchFeeds({
      spaceId,
      signal: this.host.signal,
      iceServers: this.host.iceServers,
      selfId,
      expected: () => this.stage,
      onFeeds: (feeds) => {
        if (this.watch !== watch) return;
        mixer.setFeeds(feeds, (id) => this.volumes.get(id));
        this.routed = new Set(feeds.map((feed) => feed.userId));
        this.checkMissing();
      },
      onPlaying: () => {
        if (this.watch !== watch) return;
        this.arriving = true;
        this.activate();
      },
      onFailed: (error) => {
        if (this.watch === watch) this.fail(error, true);
      },
    });
    this.watch = watch;
    watch.start();
  }

  /** The feeds arrive: play them once the AudioContext runs, then tell the controller. */
  private activate(): void {
    const mixer = this.mixer();
    const watch = this.watch;
    void Promise.all([this.host.play(mixer.element), mixer.resume()]).then(([played, running]) => {
      if (this.watch !== watch || this.audible || !played) return;
      if (!running) {
        this.host.blocked();
        return;
      }
      this.audible = true;
      this.failures = 0;
      this.host.audible();
      this.checkMissing();
    });
  }

  /** While the feeds are heard, everyone speaking in the mix (but you) must have one. */
  private checkMissing(): void {
    for (const [userId, timer] of this.missing) {
      if (!this.audible || !this.talking.has(userId) || this.routed.has(userId)) {
        clearTimeout(timer);
        this.missing.delete(userId);
      }
    }
    if (!this.audible) return;
    for (const userId of this.talking) {
      if (userId === this.selfId || this.routed.has(userId) || this.missing.has(userId)) continue;
      this.missing.set(
        userId,
        setTimeout(() => {
          this.missing.delete(userId);
          if (this.audible && this.talking.has(userId) && !this.routed.has(userId))
            this.fail(
              new AudioFailure('feed_missing', 'Someone on the stage has no stream of their own.'),
              true,
            );
        }, MISSING_FEED_MS),
      );
    }
  }

  private fail(error: unknown, hold: boolean): void {
    this.drop();
    if (feedsUnsupported(error)) this.unsupported = true;
    else if (hold) this.hold();
    this.host.lost(error);
  }

  private hold(): void {
    this.failures += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = Math.min(60_000, RETRY_MS * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.host.changed();
    }, delay);
  }

  private stopLinger(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }

  private mixer(): Mixer {
    if (!this.mixerInstance) {
      this.mixerInstance = this.o.createMixer();
      this.mixerInstance.element.volume = this.master;
    }
    return this.mixerInstance;
  }
}
