import type { Viewer } from '../accounts/viewer.js';
import { AppError } from '../errors.js';
import type { ModerationService } from '../moderation/service.js';
import { authorize } from '../spaces/policy.js';
import type { SpaceService } from '../spaces/service.js';
import type { TicketAccess } from '../tickets/access.js';
import type { Clock } from '../util/clock.js';
import type { HlsOrigin } from './origin.js';
import type { PlaylistGuard } from './playlist-guard.js';
import type { Recordings } from './recordings.js';
import { expiryFor, type HlsUrlSigner } from './signing.js';
import { chooseTier, type Tier, type TierVerdict } from './tiering.js';

/** Moderators listen to archived audio with short-lived URLs. */
const ARCHIVE_URL_TTL_S = 3600;

export interface HlsUrl {
  url: string;
  expiresAt: number;
}

/** What the tier choice needs of the media plane (media/): the WebRTC seats held now. */
export interface WebrtcSeats {
  listenerCounts(spaceId: string): { space: number; node: number };
}

/**
 * The HLS tier as the API sees it: which tier a listener gets, signed URLs
 * for live audio, replays and (for moderators) archives.
 */
export class HlsService {
  constructor(
    private readonly o: {
      /** What the tier reads of the configuration (config.ts; media's settings, media/settings.ts). */
      config: {
        publicUrl: string;
        media: {
          webrtcListenersPerSpace: number;
          webrtcListenersPerNode: number;
          hls: { baseUrl: string | null; urlTtlSeconds: number; playlistTtlSeconds: number };
        };
      };
      clock: Clock;
      spaces: SpaceService;
      moderation: ModerationService;
      signer: HlsUrlSigner;
      origin: HlsOrigin;
      recordings: Recordings;
      /** Who may still fetch a live playlist. */
      playlists: PlaylistGuard;
      /** Who may hear a ticketed space (its live audio and its replay). */
      access: TicketAccess;
      /** Null when MEDIA=off: no audio at all. */
      plane: () => WebrtcSeats | null;
    },
  ) {}

  get origin(): HlsOrigin {
    return this.o.origin;
  }

  get signer(): HlsUrlSigner {
    return this.o.signer;
  }

  get recordings(): Recordings {
    return this.o.recordings;
  }

  get playlists(): PlaylistGuard {
    return this.o.playlists;
  }

  private url(spaceId: string, scope: 'live' | 'replay' | 'archive', ttlSeconds: number): HlsUrl {
    const signed = this.o.signer.issue(spaceId, scope, this.o.clock.now(), ttlSeconds);
    const base = this.o.config.media.hls.baseUrl ?? this.o.config.publicUrl;
    return { url: `${base}${signed.path}`, expiresAt: signed.expiresAt };
  }

  /**
   * Which tier this listener should use. WebRTC while the space and the node
   * have seats; HLS beyond, or when asked. The HLS URL always comes along, so
   * a client can fall back without asking again.
   */
  async listen(
    viewer: Viewer,
    spaceId: string,
    want: Tier | 'auto',
    device: string | null,
  ): Promise<TierVerdict & { hls: HlsUrl }> {
    const { state } = await this.o.spaces.admit(spaceId, viewer, device, false);
    if (state.state !== 'live')
      throw AppError.conflict('space_not_live', 'This space is not live.');
    await this.o.access.require(state, viewer);
    const key = viewerKey(viewer);
    if (!key) throw AppError.unauthenticated('Sign in, or listen as a guest, to do this.');
    if (device) await this.o.spaces.recordDevice(device, `${viewer.kind}:${key.slice(1)}`);
    const plane = this.o.plane();
    if (!plane)
      throw new AppError('unavailable', 'media_unavailable', 'Audio is off on this server.');
    const counts = plane.listenerCounts(spaceId);
    const { media } = this.o.config;
    const verdict = chooseTier({
      want,
      spaceListeners: counts.space,
      nodeListeners: counts.node,
      caps: { perSpace: media.webrtcListenersPerSpace, perNode: media.webrtcListenersPerNode },
    });
    return { ...verdict, hls: this.playlistUrl(spaceId, key, media.hls.playlistTtlSeconds) };
  }

  /** The live playlist for one viewer: short-lived, refused at the next fetch after a removal. */
  private playlistUrl(spaceId: string, viewer: string, ttlSeconds: number): HlsUrl {
    const signed = this.o.signer.issuePlaylist(spaceId, viewer, this.o.clock.now(), ttlSeconds);
    const base = this.o.config.media.hls.baseUrl ?? this.o.config.publicUrl;
    return { url: `${base}${signed.path}`, expiresAt: signed.expiresAt };
  }

  private readonly segmentTokens = new Map<string, { expiry: number; value: string }>();

  /** The shared token of live segments now (one CDN copy per segment for everyone). */
  segmentToken(spaceId: string, segmentStartsAt: number | null = null): string {
    const now = this.o.clock.now();
    const ttl = this.o.config.media.hls.urlTtlSeconds;
    // From the segment's own time when known (a live one is seconds old): its URI then
    // stays the same in every playlist that lists it, across a bucket's turn.
    const at =
      segmentStartsAt === null ? now : Math.min(now, Math.max(now - 60_000, segmentStartsAt));
    const expiry = expiryFor(at, ttl);
    // A playlist's segments nearly all share one expiry: one HMAC per space and bucket.
    const cached = this.segmentTokens.get(spaceId);
    if (cached?.expiry === expiry) return cached.value;
    const value = this.o.signer.token(spaceId, 'live', expiry).value;
    if (this.segmentTokens.size > 10_000) this.segmentTokens.clear();
    this.segmentTokens.set(spaceId, { expiry, value });
    return value;
  }

  /**
   * A recorded space's replay, for whoever may see the space; a ticketed
   * space's for those who may hear it, under a URL that names them.
   */
  async replay(viewer: Viewer, spaceId: string, device: string | null) {
    await this.mayView(viewer, spaceId, device);
    const ticketed = await this.o.access.ticketed(spaceId);
    if (ticketed) await this.o.access.require(await this.o.spaces.get(spaceId), viewer);
    const replay = await this.o.recordings.replay(spaceId);
    if (replay.state !== 'ready') return replay;
    const ttl = this.o.config.media.hls.urlTtlSeconds;
    const key = viewerKey(viewer);
    if (!ticketed || !key) return { ...replay, ...this.url(spaceId, 'replay', ttl) };
    const signed = this.o.signer.issueFor(spaceId, 'replay', key, this.o.clock.now(), ttl);
    const base = this.o.config.media.hls.baseUrl ?? this.o.config.publicUrl;
    return { ...replay, url: `${base}${signed.path}`, expiresAt: signed.expiresAt };
  }

  /** Whether the space's live and replay files are fetched only under a viewer's token. */
  ticketed(spaceId: string): Promise<boolean> {
    return this.o.access.ticketed(spaceId);
  }

  /** Anyone who may see the space's card (not those it removed or its host blocked). */
  async mayView(viewer: Viewer, spaceId: string, device: string | null): Promise<void> {
    const state = await this.o.spaces.get(spaceId);
    authorize(await this.o.spaces.actorFor(viewer, state), 'view', state);
    if (device && (await this.o.spaces.isDeviceBanned(spaceId, device)))
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
  }

  /** The moderation copy, for moderators, while it is kept. */
  async archive(spaceId: string): Promise<HlsUrl> {
    await this.o.moderation.archive(spaceId);
    return this.url(spaceId, 'archive', ARCHIVE_URL_TTL_S);
  }
}

/** How a playlist URL names its viewer. */
function viewerKey(viewer: Viewer): string | null {
  if (viewer.kind === 'user') return `u${viewer.user.id}`;
  if (viewer.kind === 'guest') return `g${viewer.guestId}`;
  return null;
}
