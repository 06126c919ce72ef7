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
export type MediaClientMessage =
  | { type: 'media_publish'; space_id: string; sdp: string; request_id?: string }
  | { type: 'media_unpublish'; space_id: string; request_id?: string }
  | { type: 'media_listen'; space_id: string; request_id?: string }
  | { type: 'media_listen_answer'; space_id: string; sdp: string; request_id?: string }
  | { type: 'media_stop_listening'; space_id: string; request_id?: string };

export type MediaServerMessage =
  | { type: 'media_answer'; space_id: string; sdp: string; request_id?: string }
  | { type: 'media_offer'; space_id: string; sdp: string; request_id?: string }
  | { type: 'media_listening'; space_id: string; request_id?: string }
  | { type: 'media_stopped'; space_id: string; reason: 'not_on_stage' | 'space_ended' | 'removed' }
  | { type: 'media_restart'; space_id: string }
  /** Who is talking right now, from the media server's audio levels. */
  | { type: 'speaking'; space_id: string; user_id: string; speaking: boolean };

export const MEDIA_CLIENT_MESSAGE_TYPES = [
  'media_publish',
  'media_unpublish',
  'media_listen',
  'media_listen_answer',
  'media_stop_listening',
] as const;

/**
 * Which tier a listener uses (`GET /api/v1/spaces/:id/listen`). WebRTC is the
 * low-latency tier, with a cap of seats per space and per media node; past
 * it, or when the client asks (`?tier=hls`), the answer is HLS. The HLS URL
 * comes with every answer, so a client whose `media_listen` is refused with
 * `webrtc_full_use_hls` (or whose WebRTC fails) falls back without asking again.
 * The URL is signed and expires (`hls_expires_at`); ask again for a new one.
 */
export interface ListenTierDto {
  tier: 'webrtc' | 'hls';
  reason: 'asked' | 'space_full' | 'node_full' | 'free';
  hls_url: string;
  hls_expires_at: string;
}

/** The replay of a recorded space (`GET /api/v1/spaces/:id/replay`). */
export interface ReplayDto {
  /** `processing` from the end of the space until the replay is cut (seconds). */
  state: 'ready' | 'processing';
  url: string | null;
  expires_at: string | null;
  duration_ms: number | null;
  plays: number;
}

/** The code of a `media_listen` refused because the WebRTC seats are taken: use HLS. */
export const WEBRTC_FULL_CODE = 'webrtc_full_use_hls';
