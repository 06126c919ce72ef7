/**
 * The audio of the space you are in. It lives above the routes (in
 * LiveProvider), so it keeps playing in the mini-player while you browse.
 *
 * Inputs come through `set*` / `handle*` methods (what the space says about
 * you, the realtime connection's state, the server's messages, a tap);
 * output is one immutable `AudioState`, observed with `subscribe`.
 *
 * How you hear a space:
 * - a listener asks the server for a tier (`GET /spaces/:id/listen`): WebRTC
 *   (`media_listen`, the low-latency mix) while seats last, HLS beyond them,
 *   when asked (`?tier=hls`), or when WebRTC is refused or fails;
 * - a stage member publishes their microphone (`media_publish`) and hears the
 *   mix of everyone else on the same connection: never their own voice. The
 *   same track is also published as their own feed (`feed_publish`, a second
 *   connection), for listeners who set per-speaker volumes, but only while
 *   the server says someone watches the feeds (`feed_standby`,
 *   `feeds_wanted`), and until a while after (`StageFeed`). When the server
 *   mutes them, the local track is disabled too, so nothing leaves the device.
 *
 * Per-speaker volume (the feeds, `speakers.ts`) and how the mix gives way
 * to them: see `machine.ts`.
 *
 * Audio is renegotiated when the server asks (`media_restart`), after the
 * realtime connection comes back, and when ICE fails.
 *
 * The controller keeps what lasts for the space (the target, the failures,
 * the microphone, the volumes); each negotiation is a `Link` (`link.ts`),
 * whose mix mode is the pure machine of `machine.ts`.
 */
import type { IceServersDto, ListenTierDto, ServerMessage } from '@salon/protocol';
import { WEBRTC_FULL_CODE } from '@salon/protocol';
import type { ConnectionState } from '../../realtime';
import { describeFailure, isFatalSpaceError } from './failure';
import type { AudioFlags, TierChoice } from './flags';
import { IceServers } from './ice';
import { Link, type LinkHost, type LinkMode } from './link';
import { backoff, feedsPossible, mixAudible, mixListened, remixing } from './machine';
import { type AudioMedia, browserMedia } from './media';
import { MicrophoneError, openMicrophone } from './microphone';
import { type Mixer, SpeakerMixer } from './mixer';
import type { AudioProbe } from './probe';
import { MediaRequestError, MediaSignal, type SignalTransport } from './signaling';
import { SpeakerFeeds } from './speakers';
import { StageMicrophone } from './stage-mic';
import type { AudioState, AudioTarget, HlsReason } from './state';

export interface AudioControllerOptions {
  transport: SignalTransport;
  listenTier: (spaceId: string, tier: TierChoice) => Promise<ListenTierDto>;
  flags: AudioFlags;
  /** STUN/TURN for the peer connections; none by default (the media server is reachable). */
  iceServers?: RTCIceServer[];
  /** Where fresh STUN/TURN servers come from (`GET /media/ice-servers`); asked before connecting, again once they expire. */
  fetchIceServers?: () => Promise<IceServersDto>;
  probe?: AudioProbe | null;
  createElement?: () => HTMLAudioElement;
  openMicrophone?: (voiceProcessing: boolean) => Promise<MediaStream>;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Plays the speakers' feeds through their gains; a WebAudio `SpeakerMixer` by default. */
  createMixer?: () => Mixer;
  /** WebRTC, HLS and the feeds; the browser's by default. */
  media?: AudioMedia;
}

/** Failed WebRTC listens (never connected) before falling back to HLS. */
const WEBRTC_ATTEMPTS_BEFORE_HLS = 2;
const VOLUME_KEY = 'salon.audio.volume';

const EMPTY_SPEAKING: ReadonlySet<string> = new Set();

export class AudioController {
  private state: AudioState;
  private readonly listeners = new Set<() => void>();
  private readonly signal: MediaSignal;
  private target: AudioTarget | null = null;
  private connection: ConnectionState = 'idle';
  private link: Link | null = null;
  private readonly mic: StageMicrophone;
  /** Set for the current space once it is heard over HLS (assigned, refused WebRTC, failures). */
  private hlsFallback: HlsReason | null = null;
  private failures = 0;
  private webrtcFailures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private hadAudio = false;
  private closed = false;
  private readonly rtcElement: HTMLAudioElement;
  private readonly hlsElement: HTMLAudioElement;
  private readonly speakers: SpeakerFeeds;
  /** What the probe listens to now (a stream, or an element for HLS). */
  private probed: MediaStream | HTMLMediaElement | null = null;
  /** STUN/TURN for every peer connection. */
  private readonly ice: IceServers;
  /** What each link is given of the controller. */
  private readonly host: LinkHost;

  constructor(private readonly o: AudioControllerOptions) {
    const media = o.media ?? browserMedia;
    this.ice = new IceServers(o.iceServers ?? [], o.fetchIceServers);
    this.signal = new MediaSignal(o.transport);
    const create = o.createElement ?? (() => new Audio());
    this.rtcElement = create();
    this.hlsElement = create();
    this.speakers = new SpeakerFeeds(
      {
        signal: this.signal,
        iceServers: this.ice.list,
        play: (element) => this.link?.play(element) ?? Promise.resolve(false),
        audible: () => this.link?.input({ type: 'feeds_audible' }),
        blocked: () => this.set({ phase: 'blocked' }),
        leave: () => this.link?.input({ type: 'take_mix_back' }),
        lost: (error) => this.link?.input({ type: 'feeds_lost', error }),
        changed: () => this.syncFeeds(),
      },
      {
        storage: o.storage ?? null,
        createMixer: o.createMixer ?? (() => new SpeakerMixer({ createElement: create })),
        watchFeeds: media.watchFeeds,
      },
    );
    this.mic = new StageMicrophone({
      open: () => (o.openMicrophone ?? openMicrophone)(o.flags.voiceProcessing),
      onStage: () => this.target?.onStage === true,
      current: () => this.state.mic,
      report: (mic) => this.set({ mic }),
      lost: () => this.restart(),
    });
    this.host = {
      signal: this.signal,
      ice: this.ice,
      media,
      flags: o.flags,
      rtcElement: this.rtcElement,
      hlsElement: this.hlsElement,
      speakers: this.speakers,
      listenTier: (spaceId, tier) => o.listenTier(spaceId, tier),
      microphone: () => this.mic.get(),
      applyMute: () => this.applyMute(),
      fallback: () => this.hlsFallback,
      fallBack: (reason, replace) => {
        if (replace || !this.hlsFallback) this.hlsFallback = reason;
      },
      wantsFeeds: () => this.wantsFeeds(),
      report: (patch) => this.set(patch),
      failed: (link, error) => this.onLinkFailed(link, error),
      retry: (error) => {
        this.failures += 1;
        if (error) this.set({ error });
        this.restart(backoff(this.failures));
      },
      playing: (link) => this.onPlaying(link),
      syncFeeds: () => this.syncFeeds(),
      applyOutput: () => this.applyOutput(),
      probeElement: (element) => {
        this.probed = element;
        this.o.probe?.listenToElement(element);
      },
    };
    const saved = Number(o.storage?.getItem(VOLUME_KEY) ?? 'NaN');
    const volume = Number.isFinite(saved) ? Math.min(1, Math.max(0, saved)) : 1;
    for (const element of [this.rtcElement, this.hlsElement]) {
      element.autoplay = false;
      element.volume = volume;
    }
    this.speakers.setMasterVolume(volume);
    this.hlsElement.addEventListener('playing', () => this.hlsLink()?.hlsPlaying());
    this.hlsElement.addEventListener('waiting', () => this.hlsLink()?.hlsStalled());
    // A live playlist that ends (the packager restarted and closed it) is opened again.
    this.hlsElement.addEventListener('ended', () => this.hlsLink()?.hlsStalled(0));
    this.state = {
      spaceId: null,
      phase: 'off',
      route: null,
      hlsReason: null,
      mic: { status: 'off', problem: null },
      volume,
      speakerVolumes: this.speakers.all(),
      perSpeaker: 'mix',
      speaking: EMPTY_SPEAKING,
      error: null,
    };
  }

  getState = (): AudioState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** What the space says about you now; null when you are in no space. */
  setTarget(target: AudioTarget | null): void {
    const previous = this.target;
    this.target = target;
    if (target?.spaceId !== previous?.spaceId) {
      this.hlsFallback = null;
      this.failures = 0;
      this.webrtcFailures = 0;
      this.hadAudio = false;
      this.mic.forget();
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.speakers.newSpace();
      this.set({
        spaceId: target?.spaceId ?? null,
        speaking: EMPTY_SPEAKING,
        error: null,
        mic: { status: 'off', problem: null },
      });
    }
    if (!target?.onStage || !target.live) this.mic.release();
    this.applyMute();
    this.reconcile();
    this.syncFeeds();
  }

  handleConnection(state: ConnectionState): void {
    const previous = this.connection;
    this.connection = state;
    if (state !== 'open' && previous === 'open') {
      // The server ends a connection's listens and publications with it.
      this.signal.rejectAll();
      if (this.link && this.link.route !== 'hls') this.stopLink(false);
    }
    this.reconcile();
    this.syncFeeds();
  }

  handleMessage(message: ServerMessage): void {
    if (this.signal.handle(message)) return;
    const spaceId = this.target?.spaceId;
    if (!('space_id' in message) || message.space_id !== spaceId) return;
    switch (message.type) {
      case 'speaking':
        this.setSpeaking(message.user_id, message.speaking);
        return;
      case 'media_restart':
        // The media server was replaced: HLS carries on, WebRTC negotiates again.
        if (this.link?.route !== 'hls') this.restart();
        return;
      case 'media_stopped':
        if (message.reason === 'space_ended' || message.reason === 'removed') this.stopLink(true);
        else {
          // One WebRTC seat per person: another tab of yours took it, so this one goes on over HLS.
          if (message.reason === 'listening_elsewhere') this.hlsFallback = 'listening_elsewhere';
          this.restart();
        }
        return;
      case 'feeds_offer':
        // Not an answer to our request: the stage's feeds changed.
        if (message.request_id === undefined) this.speakers.handleOffer(message);
        return;
      case 'feeds_wanted':
        // Someone (but you) started or stopped watching the feeds.
        this.link?.feed?.setWanted(message.wanted);
        return;
      case 'feeds_stopped':
        // After a media restart a stage member's feed is published again; the other reasons end the stage link.
        if (message.which === 'publish' && message.reason === 'media_restart')
          this.link?.feed?.restart();
        if (message.which === 'watch') this.speakers.stopped(message.reason);
        return;
      default:
        return;
    }
  }

  /** A tap (a user gesture): start what autoplay blocked. */
  unlock(): void {
    this.o.probe?.resume();
    const link = this.link;
    if (!link) return;
    if (link.route === 'hls') {
      link.play(this.hlsElement);
      return;
    }
    if (link.mixStream) link.play(this.rtcElement);
    this.speakers.unlock();
  }

  setVolume(volume: number): void {
    const v = Math.min(1, Math.max(0, volume));
    this.hlsElement.volume = v;
    try {
      this.o.storage?.setItem(VOLUME_KEY, String(v));
    } catch {
      // Not remembered; still applied.
    }
    this.set({ volume: v });
    this.applyOutput();
  }

  /** One speaker's volume, 0..2 (1 is the default); remembered in this browser. */
  setSpeakerVolume(userId: string, volume: number): void {
    // Called from a gesture: where the autoplay rules let the feeds' AudioContext start.
    this.set({ speakerVolumes: this.speakers.set(userId, volume) });
    this.syncFeeds();
  }

  /** These speakers back to the default volume. */
  resetSpeakerVolumes(userIds: Iterable<string>): void {
    this.set({ speakerVolumes: this.speakers.reset([...userIds]) });
    this.syncFeeds();
  }

  /** After fixing the microphone (permission, device): try it again. */
  retryMicrophone(): void {
    this.mic.retry();
    this.reconcile();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopLink(true);
    this.mic.release();
    this.signal.rejectAll();
    this.speakers.close();
    this.o.probe?.close();
    this.listeners.clear();
  }

  /** The link the target calls for: none, a listen, or a publication (unless the microphone failed). */
  private desired(): { spaceId: string; mode: LinkMode } | null {
    const t = this.target;
    if (!t?.live || this.closed) return null;
    return { spaceId: t.spaceId, mode: t.onStage && !this.mic.problem ? 'stage' : 'listen' };
  }

  private reconcile(): void {
    const want = this.desired();
    const link = this.link;
    if (link && want && link.spaceId === want.spaceId && link.mode === want.mode) return;
    if (link) this.stopLink(true);
    if (!want) {
      this.set({ phase: 'off', route: null, hlsReason: null, error: null });
      return;
    }
    if (this.connection !== 'open') {
      // Everything but an HLS listen is negotiated on the realtime connection: wait for it.
      this.set({ phase: this.hadAudio ? 'reconnecting' : 'connecting' });
      return;
    }
    if (this.retryTimer) return;
    void this.start(new Link(want.spaceId, want.mode, this.host));
  }

  /** Drops the current link and negotiates a new one. */
  private restart(delayMs = 0): void {
    if (this.link) this.stopLink(true);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.desired()) this.set({ phase: this.hadAudio ? 'reconnecting' : 'connecting' });
    if (delayMs === 0) {
      this.reconcile();
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.reconcile();
    }, delayMs);
  }

  private stopLink(tellServer: boolean): void {
    const link = this.link;
    this.link = null;
    if (!link) return;
    link.close();
    const tell = tellServer && this.connection === 'open';
    this.speakers.drop(tell);
    if (tell) {
      if (mixListened(link.state))
        this.signal.tell({ type: 'media_stop_listening', space_id: link.spaceId });
      if (link.mode === 'stage') {
        this.signal.tell({ type: 'media_unpublish', space_id: link.spaceId });
        if (link.feed?.publishing)
          this.signal.tell({ type: 'feed_unpublish', space_id: link.spaceId });
      }
    }
    if (link.route !== 'hls') this.rtcElement.srcObject = null;
    this.probed = null;
    this.o.probe?.detach();
    this.syncFeeds();
  }

  private async start(link: Link): Promise<void> {
    this.link = link;
    this.set({ phase: this.hadAudio ? 'reconnecting' : 'connecting' });
    await link.start();
  }

  /** The current link, when it is an HLS listen. */
  private hlsLink(): Link | null {
    return this.link?.route === 'hls' ? this.link : null;
  }

  /** Played and connected: the failures are over. */
  private onPlaying(link: Link): void {
    if (this.link !== link) return;
    this.failures = 0;
    if (link.route === 'webrtc') this.webrtcFailures = 0;
    this.hadAudio = true;
    this.set({ phase: 'playing', error: null });
  }

  private onLinkFailed(link: Link, error: unknown): void {
    if (this.link !== link) return;
    if (error instanceof MicrophoneError) {
      this.mic.failed(error.problem);
      // Hear the space while the microphone is being fixed.
      this.restart();
      return;
    }
    if (isFatalSpaceError(error)) {
      // The space ended or you were removed: the snapshot says so in a moment.
      this.stopLink(false);
      this.set({ phase: 'off', error: null });
      return;
    }
    if (error instanceof MediaRequestError && error.code === WEBRTC_FULL_CODE)
      this.hlsFallback = 'space_full';
    if (link.route === 'webrtc' && !link.state.connected) {
      this.webrtcFailures += 1;
      if (this.webrtcFailures >= WEBRTC_ATTEMPTS_BEFORE_HLS) this.hlsFallback = 'webrtc_failed';
    }
    this.failures += 1;
    this.set({ error: describeFailure(error) });
    this.restart(backoff(this.failures));
  }

  /** The server's mute, applied to the local track too. */
  private applyMute(): void {
    this.mic.applyMute(this.target?.muted !== false);
  }

  /** Whether someone on the stage now (not you) is set away from the default volume. */
  private wantsFeeds(): boolean {
    const t = this.target;
    return t?.live === true && this.speakers.wanted(t.stage, t.selfId);
  }

  /** Starts or leaves the feeds as the volumes, the stage and the link call for; says so in `perSpeaker`. */
  /** Starts or leaves the feeds as the volumes, the stage and the link call for; says so in `perSpeaker`. */
  private syncFeeds(): void {
    const link = this.link;
    const wanted = this.wantsFeeds();
    if (link && !remixing(link.state)) {
      const allowed = wanted && this.speakers.allowed();
      this.speakers.sync({
        spaceId: link.spaceId,
        possible: feedsPossible(link.state, this.connection === 'open'),
        wanted: allowed,
        selfId: this.target?.selfId ?? null,
        stage: this.target?.stage ?? [],
      });
      link.input({ type: 'feeds_allowed', allowed });
    }
    this.set({ perSpeaker: this.speakers.state(link?.route ?? null, wanted) });
  }

  /**
   * Who is audible: the feeds once they play, else the mix (unless it waits,
   * silent, for the feeds). The probe listens to the same: what you hear.
   */
  private applyOutput(): void {
    const link = this.link;
    const master = this.state.volume;
    const feedsOn = this.speakers.isAudible;
    const mixOn = link !== null && mixAudible(link.state, feedsOn);
    this.rtcElement.volume = mixOn ? master : 0;
    this.speakers.setMasterVolume(master);
    if (!link || link.route === 'hls' || link.route === null) return;
    const heard = feedsOn ? this.speakers.output() : mixOn ? link.mixStream : null;
    if (heard === this.probed) return;
    this.probed = heard;
    if (heard) this.o.probe?.listenToStream(heard);
    else this.o.probe?.detach();
  }

  private setSpeaking(userId: string, speaking: boolean): void {
    this.speakers.speaking(userId, speaking);
    if (this.state.speaking.has(userId) === speaking) return;
    const next = new Set(this.state.speaking);
    if (speaking) next.add(userId);
    else next.delete(userId);
    this.set({ speaking: next });
  }

  private set(patch: Partial<AudioState>): void {
    let changed = false;
    for (const key of Object.keys(patch) as (keyof AudioState)[]) {
      if (patch[key] !== this.state[key]) changed = true;
    }
    if (!changed) return;
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
