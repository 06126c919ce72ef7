import type { ClientMessage } from './client-messages.js';

/**
 * Media signaling on the realtime WebSocket. The browser never talks to the
 * media server: it sends its SDP to Salon, which checks who may publish and
 * negotiates with Janus on its behalf. Offers are sent once ICE gathering is
 * complete (half-trickle), so no candidate messages are needed.
 *
 * A stage member publishes: `media_publish {sdp: offer}` → `media_answer`.
 * A listener (or a speaker who wants the mix): `media_listen` → `media_offer`
 * (Janus's offer) → `media_listen_answer {sdp: answer}` → `media_listening`.
 * `media_restart` asks the client to negotiate again (the media server was
 * restarted, or the space moved); `media_stopped` says the server stopped a
 * publication (demoted, removed, space ended).
 */
export type MediaClientMessage = Extract<
  ClientMessage,
  {
    type: (typeof MEDIA_CLIENT_MESSAGE_TYPES)[number] | (typeof FEED_CLIENT_MESSAGE_TYPES)[number];
  }
>;

/**
 * Per-speaker feeds, for per-speaker volume. The mix (above) is one stream
 * with everyone in it, which a listener cannot turn one speaker down in. So
 * each stage member also publishes their microphone as their own *feed*
 * (an SFU room on the media server, nothing mixed), and a listener who wants
 * to set speakers' volumes watches every feed in one PeerConnection instead
 * of the mix, one audio track per speaker, and sets a gain on each.
 *
 * Publish (stage members only, same rules as `media_publish`: `not_on_stage`,
 * `guest_not_allowed` otherwise; a muted speaker's feed is muted on the
 * server too, before the answer comes back):
 *   `feed_publish {sdp: offer}` → `feed_answer`. The offer has exactly one
 *   m-line, audio (Opus), ideally sendonly; anything else is `invalid_sdp`.
 *   Publishing again replaces your feed; `feed_unpublish` ends it. The feed
 *   is in addition to `media_publish` (the mix, which HLS and mix listeners
 *   hear): a speaker publishes both.
 * Watch (anyone in the space; takes a WebRTC seat, the same seats as
 * `media_listen`, one per person across their connections, the newest
 * wins: `webrtc_full_use_hls` past them; every offer must be answered
 * within the server's deadline, or the watch ends with `answer_timeout`):
 *   `feeds_watch` → `feeds_offer {sdp, feeds}` → `feeds_answer {sdp}` →
 *   `feeds_watching {feeds}`. While no feed is live, `feeds_watch` is
 *   answered with `feeds_watching {feeds: []}` instead (the media server
 *   cannot offer an empty subscription): you are watching, and the first
 *   `feeds_offer` comes as soon as a feed is. Every later `feeds_offer`
 *   (without `request_id`) follows a change of the stage's feeds: answer
 *   each with `feeds_answer`, in order, on the same PeerConnection. One
 *   offer is out at a time: changes made meanwhile come in the next offer,
 *   sent after your answer. `feeds_answer` with no offer out is refused
 *   (`not_watching`): send `feeds_watch` again, as after any failure.
 *   `feeds` maps each receiving transceiver's `mid` to the stage member
 *   whose voice it carries; find tracks by `mid` among the transceivers
 *   after each offer, not by `track` events. An m-line whose speaker left
 *   stays in later offers, inactive, and may carry another speaker later:
 *   only the mids listed in the latest `feeds` carry anyone. Your own feed
 *   is never in it. A muted speaker stays listed; their track is silent.
 * `feeds_stopped` says the server ended your feed (`which: 'publish'`) or
 * your watch (`'watch'`); on `media_restart` (the media server restarted)
 * publish or watch again on a new PeerConnection.
 *
 * Feeds are watched rarely, so a stage member need only publish theirs while
 * someone (but them) watches the space's feeds. `feed_standby` (stage members
 * only, as `feed_publish`; send it once your `media_publish` is answered) →
 * `feeds_wanted {wanted}`: whether your feed is wanted now. From then on,
 * until you leave the stage or disconnect, every change comes as another
 * `feeds_wanted` (without `request_id`): `true` when the first watcher (but
 * you) starts watching, `false` when the last one stops. A media restart
 * ends it with the rest: send `feed_standby` again with your new
 * publication. Publish your feed while wanted (a watcher gets it in its
 * next offer); unpublish it (`feed_unpublish`) some time after it is not,
 * rather than at once, so a listener moving sliders causes no churn. A feed
 * published while not wanted is still accepted (older clients always
 * publish); a client that never sends `feed_standby` should publish always.
 */
export type FeedClientMessage = Extract<
  ClientMessage,
  { type: (typeof FEED_CLIENT_MESSAGE_TYPES)[number] }
>;

/** Which stage member's voice a receiving transceiver (`mid`) carries. */
export interface FeedDto {
  mid: string;
  user_id: string;
}

export type FeedServerMessage =
  | { type: 'feed_answer'; space_id: string; sdp: string; request_id?: string }
  | { type: 'feeds_offer'; space_id: string; sdp: string; feeds: FeedDto[]; request_id?: string }
  | { type: 'feeds_watching'; space_id: string; feeds: FeedDto[]; request_id?: string }
  /** Whether someone (but you) watches the feeds: publish yours while `true`. */
  | { type: 'feeds_wanted'; space_id: string; wanted: boolean; request_id?: string }
  | {
      type: 'feeds_stopped';
      space_id: string;
      /** `publish`: this client's own feed; `watch`: its per-speaker watch. */
      which: 'publish' | 'watch';
      reason: 'not_on_stage' | 'space_ended' | 'removed' | 'media_restart' | ListenStopReason;
    };

/** Why the server ended a listen or a watch on its own (see `media_stopped`). */
export type ListenStopReason = 'listening_elsewhere' | 'answer_timeout';

export const FEED_CLIENT_MESSAGE_TYPES = [
  'feed_publish',
  'feed_unpublish',
  'feed_standby',
  'feeds_watch',
  'feeds_answer',
  'feeds_stop',
] as const;

export type MediaServerMessage =
  | { type: 'media_answer'; space_id: string; sdp: string; request_id?: string }
  | { type: 'media_offer'; space_id: string; sdp: string; request_id?: string }
  | { type: 'media_listening'; space_id: string; request_id?: string }
  /**
   * The server ended this connection's publication or listen. For a listen:
   * `listening_elsewhere` (the same person listens in another tab or app:
   * one WebRTC seat per person, the newest wins; use HLS here) or
   * `answer_timeout` (the offer went unanswered too long; listen again).
   */
  | {
      type: 'media_stopped';
      space_id: string;
      reason: 'not_on_stage' | 'space_ended' | 'removed' | ListenStopReason;
    }
  | { type: 'media_restart'; space_id: string }
  /** Who is talking right now, from the media server's audio levels. */
  | { type: 'speaking'; space_id: string; user_id: string; speaking: boolean }
  | FeedServerMessage;

export const MEDIA_CLIENT_MESSAGE_TYPES = [
  'media_publish',
  'media_unpublish',
  'media_listen',
  'media_listen_answer',
  'media_stop_listening',
] as const;

/**
 * Which tier a listener uses (`GET /api/v1/spaces/:id/listen`), and the ICE
 * servers a browser gives its PeerConnections (`GET /api/v1/media/ice-servers`):
 * declared once, as schemas (schemas/media.ts).
 */
export type { IceServersDto, ListenTierDto, ReplayDetailsDto, ReplayDto } from './schemas.js';

/** The code of a `media_listen` refused because the WebRTC seats are taken: use HLS. */
export const WEBRTC_FULL_CODE = 'webrtc_full_use_hls';
