import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PortRange, TurnServer } from './janus/config.js';

/**
 * Media settings, read with the rest of the configuration (config.ts) and
 * validated with it. `embedded` spawns Janus as a child on 127.0.0.1;
 * `external` connects to a Janus node run elsewhere; `off` runs without audio
 * (the control plane still works).
 */
export interface MediaSettings {
  mode: 'embedded' | 'external' | 'off';
  /**
   * external: the nodes' WebSocket APIs, e.g. ws://10.0.0.5:8188 (JANUS_URL,
   * comma-separated for several; each new space goes to the least loaded).
   */
  janusUrls: string[];
  janusApiSecret: string | null;
  /**
   * embedded: where Janus loads libsrtp2 from (JANUS_LIBSRTP_DIR). `auto`:
   * the OpenSSL build scripts/build-libsrtp.sh leaves in
   * /usr/local/lib/salon/libsrtp-openssl when it is there, else the system's;
   * `system`: the system's; otherwise a folder holding libsrtp2.so.1.
   */
  janusLibsrtp: 'auto' | 'system' | (string & {});
  iceEnforceList: string | null;
  nat1to1: string[];
  rtpPortRange: PortRange | null;
  stun: { host: string; port: number } | null;
  turn: TurnServer | null;
  /** Browsers: coturn's static-auth-secret, for per-person TURN credentials (see media/ice.ts). */
  turnSecret: string | null;
  turnTtlSeconds: number;
  stageGraceMs: number;
  /** Several external nodes: how long one may stay away before its spaces move (MEDIA_FAILOVER_SECONDS). */
  failoverMs: number;
  /** WebRTC listeners one space serves; past it, new listeners are sent to HLS. */
  webrtcListenersPerSpace: number;
  /** WebRTC listeners this node's media server serves, all spaces together. */
  webrtcListenersPerNode: number;
  /** How long a WebRTC offer (media_listen, feeds_watch) waits for its answer before its seat is freed. */
  webrtcAnswerMs: number;
  hls: HlsSettings;
}

/** The HLS packager (server/src/hls): ffmpeg per live space, fed by an rtp_forward of the mix. */
export interface HlsSettings {
  /** UDP ports (even, and the odd one above for RTCP) packagers receive the mix on. */
  rtpPorts: PortRange;
  /** Where Janus sends the forwarded mix: this node as Janus sees it. */
  forwardHost: string;
  /** Lifetime of signed segment, replay and archive URLs. */
  urlTtlSeconds: number;
  /**
   * Lifetime of a live playlist URL, which names its viewer: how long a
   * removed or suspended listener who never fetches it again keeps it. The
   * player refreshes it from /listen before it runs out.
   */
  playlistTtlSeconds: number;
  /** Where players fetch HLS from (a CDN in front of Salon); null: PUBLIC_URL. */
  baseUrl: string | null;
  ffmpegPath: string;
}

type Env = Record<string, string | undefined>;

export function readMediaSettings(env: Env, problems: string[]): MediaSettings {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? null : value;
  };
  const mode = (get('MEDIA') ?? 'embedded') as MediaSettings['mode'];
  if (!['embedded', 'external', 'off'].includes(mode)) {
    problems.push(`MEDIA must be embedded, external or off (got "${mode}")`);
  }
  const janusUrls = (get('JANUS_URL') ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (mode === 'external' && janusUrls.length === 0)
    problems.push('MEDIA=external needs JANUS_URL (ws://host:8188, comma-separated for several)');
  for (const url of janusUrls) {
    if (!/^wss?:\/\/[^/]/.test(url))
      problems.push(`JANUS_URL must list ws:// or wss:// URLs (got "${url}")`);
  }
  if (new Set(janusUrls).size < janusUrls.length) problems.push('JANUS_URL lists a node twice');

  let rtpPortRange: PortRange | null = null;
  const ports = get('JANUS_RTP_PORTS');
  if (ports) {
    const match = /^(\d+)-(\d+)$/.exec(ports);
    const min = Number(match?.[1]);
    const max = Number(match?.[2]);
    if (!match || min < 1024 || max > 65535 || min >= max) {
      problems.push(`JANUS_RTP_PORTS must be a range like 20000-40000 (got "${ports}")`);
    } else {
      rtpPortRange = { min, max };
    }
  }
  const janusLibsrtp = get('JANUS_LIBSRTP_DIR') ?? 'auto';
  if (
    janusLibsrtp !== 'auto' &&
    janusLibsrtp !== 'system' &&
    !existsSync(path.join(janusLibsrtp, 'libsrtp2.so.1'))
  ) {
    problems.push(
      `JANUS_LIBSRTP_DIR must be auto, system or a folder holding libsrtp2.so.1 (got "${janusLibsrtp}")`,
    );
  }
  const hostPort = (name: string) => {
    const value = get(name);
    if (!value) return null;
    const match = /^([^:\s]+):(\d+)$/.exec(value);
    if (!match) {
      problems.push(`${name} must be host:port (got "${value}")`);
      return null;
    }
    return { host: match[1]!, port: Number(match[2]) };
  };
  const stun = hostPort('STUN_SERVER');
  const turnAt = hostPort('TURN_SERVER');
  const turn: TurnServer | null = turnAt
    ? { ...turnAt, type: 'udp', user: get('TURN_USER') ?? '', password: get('TURN_PASSWORD') ?? '' }
    : null;
  const grace = Number(get('STAGE_GRACE_SECONDS') ?? 60);
  if (!Number.isFinite(grace) || grace < 0 || grace > 3600) {
    problems.push('STAGE_GRACE_SECONDS must be from 0 to 3600');
  }
  const count = (name: string, fallback: number, max: number) => {
    const raw = get(name);
    const value = raw === null ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      problems.push(`${name} must be a whole number from 0 to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  let hlsPorts: PortRange = { min: 7000, max: 7999 };
  const hlsPortsRaw = get('HLS_RTP_PORTS');
  if (hlsPortsRaw) {
    const match = /^(\d+)-(\d+)$/.exec(hlsPortsRaw);
    const min = Number(match?.[1]);
    const max = Number(match?.[2]);
    if (!match || min < 1024 || max > 65535 || max - min < 3) {
      problems.push(`HLS_RTP_PORTS must be a range like 7000-7999 (got "${hlsPortsRaw}")`);
    } else {
      hlsPorts = { min, max };
    }
  }
  const hlsBaseUrl = get('HLS_BASE_URL')?.replace(/\/+$/, '') ?? null;
  if (hlsBaseUrl && !/^https?:\/\/[^/]/.test(hlsBaseUrl))
    problems.push(`HLS_BASE_URL must be an http(s) URL (got "${hlsBaseUrl}")`);
  const urlTtl = count('HLS_URL_TTL_SECONDS', 7200, 30 * 24 * 3600);
  if (urlTtl < 60) problems.push('HLS_URL_TTL_SECONDS must be at least 60');
  const playlistTtl = count('HLS_PLAYLIST_TTL_SECONDS', 60, 3600);
  if (playlistTtl < 10) problems.push('HLS_PLAYLIST_TTL_SECONDS must be at least 10');
  return {
    mode,
    janusUrls,
    janusApiSecret: get('JANUS_API_SECRET'),
    janusLibsrtp,
    iceEnforceList: get('JANUS_ICE_ENFORCE_LIST'),
    nat1to1: (get('JANUS_NAT_1_1') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    rtpPortRange,
    stun,
    turn,
    turnSecret: get('TURN_SECRET'),
    turnTtlSeconds: count('TURN_TTL_SECONDS', 86_400, 30 * 86_400),
    stageGraceMs: grace * 1000,
    failoverMs: count('MEDIA_FAILOVER_SECONDS', 10, 3600) * 1000,
    webrtcListenersPerSpace: count('WEBRTC_LISTENERS_PER_SPACE', 300, 1_000_000),
    webrtcListenersPerNode: count('WEBRTC_LISTENERS_PER_NODE', 500, 1_000_000),
    webrtcAnswerMs: Math.max(1, count('WEBRTC_ANSWER_SECONDS', 10, 300)) * 1000,
    hls: {
      rtpPorts: hlsPorts,
      forwardHost: get('HLS_FORWARD_HOST') ?? '127.0.0.1',
      urlTtlSeconds: urlTtl,
      playlistTtlSeconds: playlistTtl,
      baseUrl: hlsBaseUrl,
      ffmpegPath: get('FFMPEG_PATH') ?? 'ffmpeg',
    },
  };
}
