import { availableParallelism } from 'node:os';
import path from 'node:path';

/** Plugins and transports Salon loads; everything else Janus ships stays out. */
export const JANUS_PLUGINS = [
  'libjanus_audiobridge.so',
  'libjanus_streaming.so',
  // Per-speaker feeds (an SFU room per space), for per-speaker volume.
  'libjanus_videoroom.so',
] as const;
export const JANUS_TRANSPORTS = ['libjanus_websockets.so'] as const;

export interface PortRange {
  min: number;
  max: number;
}

export interface TurnServer {
  host: string;
  port: number;
  type: 'udp' | 'tcp' | 'tls';
  user: string;
  password: string;
}

/** How a Janus node is set up, beyond its API socket and secrets. */
export interface JanusOptions {
  /** Interfaces or addresses ICE may use, e.g. "10.77.0.1" or "eth0". */
  iceEnforceList?: string;
  /**
   * The address Janus writes into its SDP. Janus finds it from the default
   * route; where there is none (a test namespace) it falls back to 127.0.0.1.
   * Defaults to the enforce list when that is a single IPv4 address.
   */
  localIp?: string;
  /** Interfaces or address prefixes ICE must skip (ignored when an enforce list is set). */
  iceIgnoreList?: string;
  /** UDP ports for ICE/RTP with clients; open these in the firewall. */
  rtpPortRange?: PortRange;
  /** UDP ports Streaming mountpoints bind on 127.0.0.1 for forwarded mixes. */
  mountpointPortRange?: PortRange;
  /** Public address(es) when behind a 1:1 NAT (cloud VMs); replaces host candidates. */
  nat1to1?: string[];
  stun?: { host: string; port: number };
  turn?: TurnServer;
  /** 0–7; 3 keeps warnings and errors only. */
  debugLevel?: number;
  /**
   * Shared event-loop threads for handles, instead of one thread per handle
   * (Janus's default). Measured here: ~37 % less CPU per WebRTC listener and
   * 200 listeners clean on one core. Defaults to the number of cores: on one
   * core, 1, 2 or 4 loops cost the same per listener, 8 and 16 about 10 % and
   * 25 % more (every loop walks all its handles' sources on each wake-up).
   */
  eventLoops?: number;
  /** Janus drops a session silent for this long (keepalives prevent it). */
  sessionTimeoutS?: number;
}

export interface JanusConfigInput extends JanusOptions {
  /** Folder holding the generated config, and the plugin/transport links. */
  dir: string;
  /** The WebSocket API binds here only. */
  wsHost: string;
  wsPort: number;
  apiSecret: string;
  adminSecret: string;
}

/** Subfolders of `dir` Janus scans; we fill them with links to allowed modules only. */
export const JANUS_MODULE_DIRS = {
  plugins: 'plugins',
  transports: 'transports',
  events: 'events',
  loggers: 'loggers',
} as const;

/** Renders Janus's config files (name → content). Pure, so it is unit-tested. */
export function renderJanusConfig(input: JanusConfigInput): Record<string, string> {
  const dir = (sub: string) => path.join(input.dir, sub);
  const nat: Record<string, Value> = {
    nice_debug: false,
    full_trickle: false,
    ice_enforce_list: input.iceEnforceList,
    ice_ignore_list: input.iceIgnoreList ?? 'vmnet',
    stun_server: input.stun?.host,
    stun_port: input.stun?.port,
    nat_1_1_mapping: input.nat1to1?.length ? input.nat1to1.join(',') : undefined,
    turn_server: input.turn?.host,
    turn_port: input.turn?.port,
    turn_type: input.turn?.type,
    turn_user: input.turn?.user,
    turn_pwd: input.turn?.password,
  };
  return {
    'janus.jcfg': render({
      general: {
        configs_folder: input.dir,
        plugins_folder: dir(JANUS_MODULE_DIRS.plugins),
        transports_folder: dir(JANUS_MODULE_DIRS.transports),
        events_folder: dir(JANUS_MODULE_DIRS.events),
        loggers_folder: dir(JANUS_MODULE_DIRS.loggers),
        log_to_stdout: true,
        debug_level: input.debugLevel ?? 3,
        debug_colors: false,
        debug_timestamps: false,
        interface: input.localIp ?? singleIpv4(input.iceEnforceList),
        server_name: 'salon',
        api_secret: input.apiSecret,
        admin_secret: input.adminSecret,
        hide_dependencies: true,
        session_timeout: input.sessionTimeoutS ?? 60,
        event_loops: input.eventLoops ?? Math.max(1, availableParallelism()),
        reclaim_session_timeout: 0,
      },
      media: {
        ipv6: false,
        rtp_port_range: range(input.rtpPortRange),
        // Janus's default (200 ms) gives every handle its own 200 ms timer for
        // transport-wide CC feedback, which Janus only sends for inbound video:
        // for audio it is five empty event-loop wake-ups per handle per second.
        // 1000 folds it into the once-a-second RTCP timer. bench/media, paired
        // runs: ~4 % less Janus CPU per WebRTC listener (2 to 8 %, 7 runs).
        twcc_period: 1000,
      },
      nat,
      // Belt and braces: the module folders only hold what we link there.
      plugins: {},
      transports: {},
      events: { broadcast: false },
      loggers: {},
    }),
    'janus.transport.websockets.jcfg': render({
      general: {
        json: 'compact',
        ws: true,
        ws_ip: input.wsHost,
        ws_port: input.wsPort,
        wss: false,
      },
      // The Admin API can reconfigure Janus at will: never exposed.
      admin: { admin_ws: false, admin_wss: false },
    }),
    'janus.plugin.audiobridge.jcfg': render({
      general: { events: false, string_ids: false },
    }),
    'janus.plugin.streaming.jcfg': render({
      general: {
        events: false,
        string_ids: false,
        rtp_port_range: range(input.mountpointPortRange),
      },
    }),
    // No rooms here (Debian's sample has a demo room): Salon creates them per space.
    'janus.plugin.videoroom.jcfg': render({
      general: { events: false, string_ids: false },
    }),
  };
}

type Value = string | number | boolean | undefined;

function singleIpv4(list: string | undefined): string | undefined {
  return list && /^\d{1,3}(\.\d{1,3}){3}$/.test(list.trim()) ? list.trim() : undefined;
}

function range(value: PortRange | undefined): string | undefined {
  return value ? `${value.min}-${value.max}` : undefined;
}

/** Janus's libconfig syntax; unset values are left out so Janus keeps its defaults. */
function render(sections: Record<string, Record<string, Value>>): string {
  const lines = ['# Generated by Salon for one run of Janus: edits are overwritten.'];
  for (const [name, items] of Object.entries(sections)) {
    lines.push(`${name}: {`);
    for (const [key, value] of Object.entries(items)) {
      if (value !== undefined) lines.push(`\t${key} = ${format(value)}`);
    }
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

function format(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  // libconfig knows \\ and \" but not JSON's \u escapes: refuse control characters.
  if ([...value].some((char) => char.charCodeAt(0) < 0x20)) {
    throw new Error(`Janus config value has a control character: ${JSON.stringify(value)}`);
  }
  return JSON.stringify(value);
}
