/**
 * One negotiated way of hearing a space (AudioController): it negotiates
 * (a stage publication, a WebRTC listen, or HLS), holds the handles (peer
 * connection, HLS player, the mix as received, a stage member's own feed, its
 * timers), and runs the effects of its pure state machine (`machine.ts`).
 * Closing it releases all of it; a new link replaces it on every
 * renegotiation, so what arrives for a closed link is dropped here.
 */
import type { ListenTierDto } from '@salon/protocol';
import { WEBRTC_FULL_CODE } from '@salon/protocol';
import { type AudioErrorInfo, AudioFailure, isFatalSpaceError } from './failure';
import { StageFeed } from './feeds';
import type { AudioFlags, TierChoice } from './flags';
import type { HlsPlayback } from './hls';
import type { IceServers } from './ice';
import { type LinkInput, type LinkState, NEW_LINK, step } from './machine';
import type { AudioMedia } from './media';
import { MicrophoneError, micProblem } from './microphone';
import { MediaRequestError, type MediaSignal } from './signaling';
import type { SpeakerFeeds } from './speakers';
import type { AudioState, HlsReason } from './state';

/** A listener hears the space; a stage member publishes to it and hears its return audio. */
export type LinkMode = 'listen' | 'stage';

/** Give up on a WebRTC link that has not connected by then. */
const CONNECT_TIMEOUT_MS = 12_000;
/** A connection that stays `disconnected` this long is renegotiated. */
const DISCONNECTED_GRACE_MS = 4_000;
/** An HLS player that waits for data this long is started again (a new playlist URL). */
const HLS_STALL_MS = 8_000;

/** What a link uses of the controller, and tells it. */
export interface LinkHost {
  readonly signal: MediaSignal;
  readonly ice: IceServers;
  readonly media: AudioMedia;
  readonly flags: AudioFlags;
  readonly rtcElement: HTMLAudioElement;
  readonly hlsElement: HTMLAudioElement;
  readonly speakers: SpeakerFeeds;
  listenTier(spaceId: string, tier: TierChoice): Promise<ListenTierDto>;
  microphone(): Promise<MediaStream>;
  applyMute(): void;
  /** Why this space is heard over HLS, once it is (kept for the space). */
  fallback(): HlsReason | null;
  fallBack(reason: HlsReason, replace: boolean): void;
  /** Whether per-speaker volumes call for the feeds now. */
  wantsFeeds(): boolean;
  report(patch: Partial<AudioState>): void;
  /** The link failed: renegotiate (after a while). */
  failed(link: Link, error: unknown): void;
  /** The HLS player failed or stalled: start again after a while, saying why (if anything new). */
  retry(error: AudioErrorInfo | null): void;
  /** Played and connected. */
  playing(link: Link): void;
  syncFeeds(): void;
  applyOutput(): void;
  /** Listen to an HLS element with the probe. */
  probeElement(element: HTMLMediaElement): void;
}

export class Link {
  /** Set once the controller lets go of it (it is never the current link again). */
  closed = false;
  state: LinkState = NEW_LINK;
  /** The mix's connection (a listener's) or the stage's. */
  pc: RTCPeerConnection | null = null;
  hls: HlsPlayback | null = null;
  /** The mix (or the stage's return audio) as received. */
  mixStream: MediaStream | null = null;
  /** A stage member's own feed, published while wanted. */
  feed: StageFeed | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    readonly spaceId: string,
    readonly mode: LinkMode,
    private readonly host: LinkHost,
  ) {}

  get route() {
    return this.state.route;
  }

  /** Negotiates; a failure goes to the host. */
  async start(): Promise<void> {
    try {
      await this.host.ice.refresh();
      if (this.closed) return;
      if (this.mode === 'stage') await this.startStage();
      else await this.startListening();
    } catch (error) {
      if (!this.closed) this.host.failed(this, error);
    }
  }

  /** Steps the machine and runs its effects (nothing once closed). */
  input(input: LinkInput): void {
    if (this.closed) return;
    const next = step(this.state, input);
    this.state = next.state;
    for (const effect of next.effects) {
      if (this.closed) return;
      switch (effect.type) {
        case 'stop_mix':
          this.host.signal.tell({ type: 'media_stop_listening', space_id: this.spaceId });
          this.pc?.close();
          this.pc = null;
          this.mixStream = null;
          this.host.rtcElement.srcObject = null;
          break;
        case 'remix':
          void this.remix();
          break;
        case 'play_remix':
          this.host.rtcElement.srcObject = this.mixStream;
          this.host.applyOutput();
          this.play(this.host.rtcElement);
          this.later(CONNECT_TIMEOUT_MS, () => this.input({ type: 'remix_timeout' }));
          break;
        case 'drop_feeds':
          this.host.speakers.drop();
          break;
        case 'output':
          this.host.applyOutput();
          break;
        case 'sync_feeds':
          this.host.syncFeeds();
          break;
        case 'playing':
          this.host.playing(this);
          break;
        case 'fail':
          this.host.failed(this, effect.error);
          break;
      }
    }
  }

  /** Plays an element as this link's audio; resolves whether it plays. */
  play(element: HTMLAudioElement): Promise<boolean> {
    return element.play().then(
      () => {
        if (this.closed) return false;
        this.input({ type: 'played' });
        return true;
      },
      (error: unknown) => {
        if (this.closed) return false;
        const name = (error as { name?: string } | null)?.name;
        if (name === 'NotAllowedError') this.host.report({ phase: 'blocked' });
        // An AbortError means a newer source replaced this one: nothing to do.
        return false;
      },
    );
  }

  /** The HLS element plays, or waits for data (`graceMs` 0: the playlist ended). */
  hlsPlaying(): void {
    this.input({ type: 'connected' });
    this.input({ type: 'played' });
  }

  hlsStalled(graceMs = HLS_STALL_MS): void {
    if (!this.state.connected) return;
    this.input({ type: 'stalled' });
    this.host.report({ phase: 'reconnecting' });
    const stalled = () => {
      if (!this.state.connected) this.host.retry(null);
    };
    if (graceMs === 0) stalled();
    else this.later(graceMs, stalled);
  }

  later(ms: number, run: () => void): void {
    this.timers.push(
      setTimeout(() => {
        if (!this.closed) run();
      }, ms),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.pc?.close();
    this.hls?.close();
    this.feed?.close();
  }

  private async startStage(): Promise<void> {
    const host = this.host;
    const mic = await host.microphone();
    if (this.closed) return;
    const track = mic.getAudioTracks()[0];
    if (!track) throw new MicrophoneError(micProblem('missing'));
    host.applyMute();
    this.input({ type: 'route', route: 'stage' });
    host.report({ route: 'stage', hlsReason: null });
    const stream = await host.media.publishToStage({
      spaceId: this.spaceId,
      signal: host.signal,
      iceServers: host.ice.list,
      track,
      onPeer: (pc) => this.watchPeer(pc),
    });
    if (this.closed) return;
    this.attachStream(stream);
    // Published while someone watches the feeds; the same track as the stage's, so muting it mutes both.
    this.feed = new StageFeed({
      spaceId: this.spaceId,
      signal: host.signal,
      publish: () => {
        const publication = host.media.publishFeed({
          spaceId: this.spaceId,
          signal: host.signal,
          iceServers: host.ice.list,
          track,
        });
        publication.start();
        return publication;
      },
    });
    this.feed.start();
  }

  private async startListening(): Promise<void> {
    const host = this.host;
    let tier: ListenTierDto | null = null;
    const ask: TierChoice = host.fallback() ? 'hls' : host.flags.tier;
    try {
      tier = await host.listenTier(this.spaceId, ask);
    } catch (error) {
      // Without the tier endpoint (or when it fails), WebRTC is still worth a try.
      if (ask === 'hls' || isFatalSpaceError(error)) throw error;
    }
    if (this.closed) return;
    if (tier?.tier === 'hls' || ask === 'hls') {
      if (!tier) throw new AudioFailure('audio_no_hls_address', 'No HLS address for this space.');
      await this.startHls(tier.hls_url, host.fallback() ?? tier.reason);
      this.refreshHlsUrl(tier);
      return;
    }
    this.input({ type: 'route', route: 'webrtc' });
    host.report({ route: 'webrtc', hlsReason: null });
    try {
      const stream = await this.listen();
      if (this.closed) return;
      this.attachStream(stream);
    } catch (error) {
      if (error instanceof MediaRequestError && error.code === WEBRTC_FULL_CODE && tier) {
        // The seats went between asking and listening: HLS, with the URL we already have.
        host.fallBack('space_full', true);
        this.pc?.close();
        this.pc = null;
        await this.startHls(tier.hls_url, 'space_full');
        this.refreshHlsUrl(tier);
        return;
      }
      throw error;
    }
  }

  private listen(): Promise<MediaStream> {
    return this.host.media.listenOverWebRtc({
      spaceId: this.spaceId,
      signal: this.host.signal,
      iceServers: this.host.ice.list,
      onPeer: (pc) => this.watchPeer(pc),
    });
  }

  private async startHls(url: string, reason: HlsReason): Promise<void> {
    const host = this.host;
    // A listener stays on HLS in this space: jumping to WebRTC after a stall would skip
    // the seconds HLS is behind, and the seat may be gone again soon.
    host.fallBack(reason, false);
    this.input({ type: 'route', route: 'hls' });
    host.report({ route: 'hls', hlsReason: reason });
    const playback = await host.media.playHls(host.hlsElement, url, {
      live: true,
      onFatal: (failure) => {
        if (this.closed) return;
        host.retry(
          failure.status === 403
            ? { code: 'audio_link_expired', message: 'The audio link expired; getting a new one…' }
            : {
                code: 'audio_interrupted',
                message: 'The audio stream was interrupted; trying again…',
              },
        );
      },
    });
    if (this.closed) {
      playback.close();
      return;
    }
    this.hls = playback;
    host.probeElement(host.hlsElement);
    this.play(host.hlsElement);
  }

  /**
   * A live playlist URL names its listener and expires within a minute (so a
   * removal takes effect at the next fetch): a new one is asked for halfway
   * through, for as long as the playback lasts. Refused (removed, ended): the
   * playback stops.
   */
  private refreshHlsUrl(tier: ListenTierDto): void {
    const left = Date.parse(tier.hls_expires_at) - Date.now();
    if (!Number.isFinite(left)) return;
    this.later(Math.min(Math.max(5_000, left / 2), 30 * 60_000), () => {
      if (!this.hls) return;
      this.host.listenTier(this.spaceId, 'hls').then(
        (next) => {
          if (this.closed || !this.hls) return;
          this.hls.setUrl(next.hls_url);
          this.refreshHlsUrl(next);
        },
        (error: unknown) => {
          if (!this.closed && isFatalSpaceError(error)) this.host.failed(this, error);
          // Otherwise the playlist's own 403 at expiry restarts the playback.
        },
      );
    });
  }

  private attachStream(stream: MediaStream): void {
    const host = this.host;
    this.mixStream = stream;
    // Volumes already set: the feeds will follow, and the speakers turned down must not be heard meanwhile.
    const quiet = host.wantsFeeds() && host.speakers.allowed();
    // WebAudio hears a remote WebRTC track only while an element plays it.
    host.rtcElement.srcObject = stream;
    this.input({ type: 'mix_attached', quiet });
    this.play(host.rtcElement);
    this.later(CONNECT_TIMEOUT_MS, () => {
      if (!this.state.connected)
        host.failed(this, new AudioFailure('audio_not_connected', 'The audio did not connect.'));
    });
  }

  private watchPeer(pc: RTCPeerConnection): void {
    this.pc = pc;
    pc.addEventListener('connectionstatechange', () => {
      if (this.closed || this.pc !== pc) return;
      switch (pc.connectionState) {
        case 'connected':
          this.input({ type: 'connected' });
          return;
        case 'disconnected':
          // Often a blip that ICE recovers from by itself; renegotiate if it does not.
          this.host.report({ phase: 'reconnecting' });
          this.later(DISCONNECTED_GRACE_MS, () => {
            if (pc.connectionState !== 'connected') this.host.failed(this, iceError());
          });
          return;
        case 'failed':
          this.host.failed(this, iceError());
          return;
        default:
          return;
      }
    });
  }

  /** A listener's way back from the feeds to the mix (the machine's `remix`). */
  private async remix(): Promise<void> {
    try {
      const stream = await this.listen();
      if (this.closed) return;
      this.mixStream = stream;
      this.input({ type: 'remix_attached', connected: this.pc?.connectionState === 'connected' });
    } catch (error) {
      if (!this.closed) this.host.failed(this, error);
    }
  }
}

function iceError(): Error {
  return new AudioFailure('audio_lost', 'The audio connection was lost.');
}
