import { isIP } from 'node:net';

/**
 * The packager's ffmpeg command, as data (see ARCHITECTURE.md, "Facts about
 * ffmpeg 5.1 and the forwarded mix"). Paths are relative: ffmpeg runs in the
 * space's folder, so nothing in DATA_DIR needs escaping for the tee muxer.
 */
export const SDP_FILE = 'mix.sdp';
export const PID_FILE = 'packager.pid';
/** Janus's rtp_forward payload type for the Opus mix; must match the SDP. */
export const MIX_PAYLOAD_TYPE = 111;
/**
 * The live playlist's segment length, seconds: 24 AAC frames of 1024 samples
 * at 48 kHz, so every segment is cut on a frame boundary and is exactly this
 * long. Half-second segments let a player sit about 1 s behind the live edge
 * (web/src/audio/engine/hls.ts) and still have a segment in hand; with 1 s
 * segments listeners heard the stage ~3 s late (bench/hls-player).
 */
export const LIVE_SEGMENT_SECONDS = 0.512;
/** The archive's segment length: clips and replays are cut on whole 1 s segments. */
export const ARCHIVE_SEGMENT_SECONDS = 1;
/** Segments in the live playlist: about 6 s, as many seconds as with 1 s segments. */
export const LIVE_LIST_SIZE = 12;

/** Where Janus forwards the mix unless HLS_FORWARD_HOST says otherwise. */
export const DEFAULT_BIND_HOST = '127.0.0.1';

/**
 * The SDP ffmpeg reads the forwarded mix with. ffmpeg also binds port+1 (RTCP).
 *
 * For a unicast `c=` ffmpeg 5.1 does not bind that address: it is the peer
 * (receiver reports go to its port+1), and the sockets bind the wildcard
 * unless `-localaddr` (see packagerArgs) names one. The `c=` address still
 * matters: ffmpeg resolves the local address in its family only. So it is the
 * bind address itself when that is an IP (the reports loop back to ffmpeg, as
 * they always did on 127.0.0.1); for a host name, IPv4 loopback.
 */
export function mixSdp(port: number, bindHost: string): string {
  if (port % 2 !== 0) throw new Error('RTP ports are even (RTCP takes the next one)');
  const family = isIP(bindHost);
  const connection = family === 0 ? `IP4 ${DEFAULT_BIND_HOST}` : `IP${family} ${bindHost}`;
  return [
    'v=0',
    `o=- 0 0 IN ${connection}`,
    's=salon mix',
    `c=IN ${connection}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${MIX_PAYLOAD_TYPE}`,
    `a=rtpmap:${MIX_PAYLOAD_TYPE} opus/48000/2`,
    `a=fmtp:${MIX_PAYLOAD_TYPE} sprop-stereo=0; useinbandfec=1`,
    '',
  ].join('\n');
}

export interface PackagerArgsInput {
  /**
   * The one address ffmpeg receives the mix on (RTP and RTCP): the one Janus
   * forwards to (HLS_FORWARD_HOST). Nothing else on the network can reach
   * the packager's ports, so no one else can put audio into the stream.
   */
  bindHost: string;
  /** Whether each playlist already exists: only then append (else a spurious discontinuity). */
  appendLive: boolean;
  appendArchive: boolean;
  bitrateKbps?: number;
}

/**
 * One process, one AAC encode, two HLS outputs through `tee`: the live
 * playlist (short, old segments deleted) and the archive (every segment, an
 * EVENT playlist). `append_list` continues both after a restart; wall-clock
 * timestamps and `aresample=async=1` keep the segments' length across a restarted
 * forwarder (which begins again at sequence 1) by filling gaps with silence.
 */
export function packagerArgs(input: PackagerArgsInput): string[] {
  const hls = (seconds: number, extra: string[], append: boolean) =>
    [
      'f=hls',
      `hls_time=${seconds}`,
      `hls_flags=${['program_date_time', 'temp_file', ...(append ? ['append_list'] : []), ...extra].join('+')}`,
    ].join(':');
  const live = `[${hls(LIVE_SEGMENT_SECONDS, ['delete_segments'], input.appendLive)}:hls_list_size=${LIVE_LIST_SIZE}:hls_segment_filename=live/l%06d.ts]live/index.m3u8`;
  const archive = `[${hls(ARCHIVE_SEGMENT_SECONDS, [], input.appendArchive)}:hls_list_size=0:hls_playlist_type=event:hls_segment_filename=archive/a%06d.ts]archive/index.m3u8`;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-protocol_whitelist',
    'file,udp,rtp',
    '-fflags',
    '+nobuffer',
    '-flags',
    'low_delay',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-reorder_queue_size',
    '0',
    '-use_wallclock_as_timestamps',
    '1',
    // Without it the SDP demuxer gives up after 10 s without RTP.
    '-listen_timeout',
    '-1',
    // The SDP demuxer passes it to its RTP sockets; without it they bind 0.0.0.0.
    '-localaddr',
    input.bindHost,
    '-i',
    SDP_FILE,
    '-map',
    '0:a',
    '-af',
    'aresample=async=1',
    '-c:a',
    'aac',
    '-b:a',
    `${input.bitrateKbps ?? 64}k`,
    '-ac',
    '1',
    '-ar',
    '48000',
    '-f',
    'tee',
    `${live}|${archive}`,
  ];
}
