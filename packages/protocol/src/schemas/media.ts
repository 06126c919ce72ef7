/** The answers that set up a listener's audio: which tier to listen on, and the ICE servers. */
import { type Static, Type } from '@sinclair/typebox';
import { Iso, IsoOrNull } from './common.js';

/**
 * Which tier a listener uses (`GET /api/v1/spaces/:id/listen`). WebRTC is the
 * low-latency tier, with a cap of seats per space and per media node; past
 * it, or when the client asks (`?tier=hls`), the answer is HLS. The HLS URL
 * comes with every answer, so a client whose `media_listen` is refused with
 * `webrtc_full_use_hls` (or whose WebRTC fails) falls back without asking again.
 * The URL is signed and expires (`hls_expires_at`); ask again for a new one.
 */
export const ListenTierDto = Type.Object({
  tier: Type.Union([Type.Literal('webrtc'), Type.Literal('hls')]),
  reason: Type.Union([
    Type.Literal('asked'),
    Type.Literal('space_full'),
    Type.Literal('node_full'),
    Type.Literal('free'),
  ]),
  hls_url: Type.String(),
  hls_expires_at: Iso,
});
export type ListenTierDto = Static<typeof ListenTierDto>;

/**
 * The ICE servers a browser gives its PeerConnections
 * (`GET /api/v1/media/ice-servers`), as `RTCIceServer`s. TURN credentials may
 * be personal and expire (`expires_at`): ask again after that.
 */
export const IceServersDto = Type.Object({
  ice_servers: Type.Array(
    Type.Object({
      urls: Type.Array(Type.String()),
      username: Type.Optional(Type.String()),
      credential: Type.Optional(Type.String()),
    }),
  ),
  expires_at: IsoOrNull,
});
export type IceServersDto = Static<typeof IceServersDto>;
