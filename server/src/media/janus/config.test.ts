import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JANUS_PLUGINS, type JanusConfigInput, renderJanusConfig } from './config.js';

const base: JanusConfigInput = {
  dir: '/run/salon/janus',
  wsHost: '127.0.0.1',
  wsPort: 8188,
  apiSecret: 'api-secret',
  adminSecret: 'admin-secret',
};

function file(input: JanusConfigInput, name: string): string {
  const content = renderJanusConfig(input)[name];
  assert.ok(content, `${name} is rendered`);
  return content;
}

test('the WebSocket API binds to the given host only, and the Admin API is off', () => {
  const ws = file(base, 'janus.transport.websockets.jcfg');
  assert.match(ws, /ws_ip = "127\.0\.0\.1"/);
  assert.match(ws, /ws_port = 8188/);
  assert.match(ws, /wss = false/);
  assert.match(ws, /admin_ws = false/);
  assert.match(ws, /admin_wss = false/);
});

test('Janus loads modules only from the folders we fill, and requires the API secret', () => {
  const core = file(base, 'janus.jcfg');
  assert.match(core, /plugins_folder = "\/run\/salon\/janus\/plugins"/);
  assert.match(core, /transports_folder = "\/run\/salon\/janus\/transports"/);
  assert.match(core, /configs_folder = "\/run\/salon\/janus"/);
  assert.match(core, /api_secret = "api-secret"/);
  assert.match(core, /admin_secret = "admin-secret"/);
  assert.match(core, /broadcast = false/);
});

test('IPv6 is off and no STUN, TURN or NAT mapping is set unless asked for', () => {
  const core = file(base, 'janus.jcfg');
  assert.match(core, /ipv6 = false/);
  assert.doesNotMatch(core, /stun_server|turn_server|nat_1_1_mapping|ice_enforce_list/);
});

test('network options become ICE, NAT, STUN, TURN and port-range settings', () => {
  const core = file(
    {
      ...base,
      iceEnforceList: 'eth0',
      rtpPortRange: { min: 20_000, max: 20_999 },
      nat1to1: ['203.0.113.7'],
      stun: { host: 'stun.example.org', port: 3478 },
      turn: { host: 'turn.example.org', port: 3478, type: 'udp', user: 'u', password: 'p' },
    },
    'janus.jcfg',
  );
  assert.match(core, /ice_enforce_list = "eth0"/);
  assert.match(core, /rtp_port_range = "20000-20999"/);
  assert.match(core, /nat_1_1_mapping = "203\.0\.113\.7"/);
  assert.match(core, /stun_server = "stun\.example\.org"\n\tstun_port = 3478/);
  assert.match(core, /turn_server = "turn\.example\.org"/);
  assert.match(core, /turn_type = "udp"/);
  assert.match(core, /turn_pwd = "p"/);
  assert.doesNotMatch(core, /\tinterface =/, 'an interface name is not an address for the SDP');
});

test('a single enforced IPv4 address is also the address Janus writes into its SDP', () => {
  const core = file({ ...base, iceEnforceList: '10.77.0.1' }, 'janus.jcfg');
  assert.match(core, /\tinterface = "10\.77\.0\.1"/);
});

test('the Streaming plugin takes mountpoint ports from the given range', () => {
  const streaming = file(
    { ...base, mountpointPortRange: { min: 30_000, max: 30_099 } },
    'janus.plugin.streaming.jcfg',
  );
  assert.match(streaming, /rtp_port_range = "30000-30099"/);
  assert.match(streaming, /string_ids = false/);
});

test('values are quoted, and control characters are refused rather than mangled', () => {
  const core = file({ ...base, apiSecret: 'a"b\\c' }, 'janus.jcfg');
  assert.match(core, /api_secret = "a\\"b\\\\c"/);
  assert.throws(() => renderJanusConfig({ ...base, apiSecret: 'a\nb' }), /control character/);
});

test('handles share a few event loops instead of a thread each', () => {
  assert.match(file(base, 'janus.jcfg'), /event_loops = [1-9]\d*/);
  assert.match(file({ ...base, eventLoops: 3 }, 'janus.jcfg'), /event_loops = 3/);
});

test('Janus loads the AudioBridge, Streaming and VideoRoom plugins and no other', () => {
  assert.deepEqual([...JANUS_PLUGINS].sort(), [
    'libjanus_audiobridge.so',
    'libjanus_streaming.so',
    'libjanus_videoroom.so',
  ]);
});

test('the VideoRoom plugin uses numeric ids and its config holds no rooms', () => {
  const videoroom = file(base, 'janus.plugin.videoroom.jcfg');
  assert.match(videoroom, /string_ids = false/);
  assert.match(videoroom, /events = false/);
  assert.doesNotMatch(videoroom, /room-/, 'rooms are created per space, none from the config');
});

test('no separate transport-wide CC timer per handle (audio only: it would only wake the loops)', () => {
  assert.match(file(base, 'janus.jcfg'), /media: \{[^}]*twcc_period = 1000/);
});
