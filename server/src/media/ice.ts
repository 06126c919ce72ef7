import { createHmac } from 'node:crypto';
import type { IceServersDto } from '@salon/protocol';
import type { MediaSettings } from './settings.js';

/**
 * The ICE servers a browser should use to reach the media server: the STUN
 * server, and the TURN server for networks that block UDP or sit behind a
 * symmetric NAT. With `TURN_SECRET` (coturn's `static-auth-secret`, the
 * "TURN REST API" scheme) every person gets their own credentials, valid for
 * `TURN_TTL_SECONDS`: the username is `<expiry, unix seconds>:<who>` and the
 * password the base64 HMAC-SHA1 of the username under the secret, which the
 * TURN server checks without asking Salon. Without a secret, the static
 * TURN_USER / TURN_PASSWORD Janus uses are handed out as they are.
 */
export function iceServersFor(
  settings: Pick<MediaSettings, 'stun' | 'turn' | 'turnSecret' | 'turnTtlSeconds'>,
  who: string,
  nowMs: number,
): IceServersDto {
  const servers: IceServersDto['ice_servers'] = [];
  if (settings.stun) servers.push({ urls: [`stun:${settings.stun.host}:${settings.stun.port}`] });
  let expiresAt: string | null = null;
  const turn = settings.turn;
  if (turn) {
    const urls = [
      `turn:${turn.host}:${turn.port}?transport=udp`,
      `turn:${turn.host}:${turn.port}?transport=tcp`,
    ];
    if (settings.turnSecret) {
      const expiry = Math.floor(nowMs / 1000) + settings.turnTtlSeconds;
      const username = `${expiry}:${who}`;
      const credential = createHmac('sha1', settings.turnSecret).update(username).digest('base64');
      servers.push({ urls, username, credential });
      expiresAt = new Date(expiry * 1000).toISOString();
    } else {
      servers.push({ urls, username: turn.user, credential: turn.password });
    }
  }
  return { ice_servers: servers, expires_at: expiresAt };
}
