import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { hasTurnserver, Turnserver } from './support/coturn.js';
import { DeployedJanus } from './support/janus.js';
import { mappedAddress, relayedAddress, StunClient } from './support/stun.js';
import {
  freePort,
  LiveStream,
  originRequests,
  segmentUrls,
  startTopology,
  type Topology,
  websocketConnections,
} from './support/topology.js';

/**
 * deploy/ as processes here (docker is not available): nginx started from
 * deploy/nginx/salon.conf in front of two Salon processes (the real
 * entrypoint) on one PostgreSQL schema, one Redis and one DATA_DIR, and
 * coturn from deploy/coturn/turnserver.conf, wired into Salon's ICE
 * servers. Media is off (no Janus here): the live HLS stream comes from a
 * real ffmpeg writing the packager's folder the way the packager does.
 */
let t: Topology;
let turn: Turnserver;
const turnSecret = randomBytes(16).toString('hex');
const turnDir = mkdtempSync(path.join(tmpdir(), 'salon-turn-'));
let turnPort = 0;

before(async () => {
  assert.ok(hasTurnserver(), 'turnserver (coturn) is not installed: run npm run setup');
  turnPort = await freePort();
  const relayBase = 40000 + Math.floor(Math.random() * 200) * 100;
  turn = Turnserver.start({
    dir: turnDir,
    port: turnPort,
    relayPorts: { min: relayBase, max: relayBase + 99 },
    secret: turnSecret,
  });
  t = await startTopology({
    env: {
      STUN_SERVER: `127.0.0.1:${turnPort}`,
      TURN_SERVER: `127.0.0.1:${turnPort}`,
      TURN_SECRET: turnSecret,
    },
  });
});
after(async () => {
  await t?.close();
  await turn?.stop();
  rmSync(turnDir, { recursive: true, force: true });
});

async function register(base: string, handle: string) {
  const client = new Client(base);
  const reply = await client.post('/api/v1/auth/register', {
    handle,
    display_name: handle,
    password: 'correct horse battery',
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return { client, id: reply.body.user.id as string };
}

/** The same session, its requests sent straight to one node (past nginx). */
function onNode(client: Client, nodeUrl: string): Client {
  return client.at(nodeUrl);
}

const nodeHosts = () => t.nodes.map((n) => new URL(n.url).host);

test('the HTTP API works through nginx, and one client’s requests are spread over both nodes', async () => {
  const host = await register(t.edge.url, 'dephost');
  const me = await host.client.get('/api/v1/me');
  assert.equal(me.status, 200);
  for (let i = 0; i < 20; i++)
    assert.equal((await host.client.get(`/api/v1/me?spread=${i}`)).status, 200);
  // nginx writes a line once the request is over, which may be after the client has its answer.
  const answeredNow = () => t.edge.lines().filter((l) => l.path.startsWith('/api/v1/me?spread='));
  await eventually(() => answeredNow().length >= 20, 'the access log to list the 20 requests');
  const answered = answeredNow();
  assert.equal(answered.length, 20);
  const [a, b] = nodeHosts();
  const onA = answered.filter((l) => l.upstream === a).length;
  const onB = answered.filter((l) => l.upstream === b).length;
  // least_conn over idle nodes is round robin: no stickiness to one node.
  assert.equal(onA + onB, 20, 'every request went to one of the two nodes');
  assert.ok(onA >= 5 && onB >= 5, `spread ${onA}/${onB}`);
});

test('WebSockets upgrade through nginx, land on both nodes, and an event committed on one node reaches the other’s socket', async () => {
  const host = await register(t.edge.url, 'dephost2');
  const space = await liveSpace(host, { title: 'Behind nginx' });
  const listener = await register(t.edge.url, 'deplistener');
  const sockets = [
    await RealtimeClient.connect(t.edge.url, listener.client),
    await RealtimeClient.connect(t.edge.url, listener.client),
  ];
  try {
    for (const socket of sockets) assert.equal((await socket.subscribe(space.id)).type, 'snapshot');
    // least_conn: the second upgrade goes to the node that does not hold the first.
    await eventually(
      async () => {
        const counts = await Promise.all(t.nodes.map((n) => websocketConnections(n.url)));
        return counts[0] === 1 && counts[1] === 1;
      },
      'one socket on each node',
      20_000,
    );
    // Committed through node A directly; one of the two sockets is on node B.
    const renamed = await onNode(host.client, t.nodes[0]!.url).patch(`/api/v1/spaces/${space.id}`, {
      title: 'Renamed on node A',
    });
    assert.equal(renamed.status, 200);
    for (const socket of sockets) {
      await eventually(
        () => socket.views.get(space.id)?.space.title === 'Renamed on node A',
        'both sockets to see the edit',
        20_000,
      );
    }
    // And the other way round, through node B.
    await onNode(host.client, t.nodes[1]!.url).patch(`/api/v1/spaces/${space.id}`, {
      title: 'Renamed on node B',
    });
    for (const socket of sockets) {
      await eventually(
        () => socket.views.get(space.id)?.space.title === 'Renamed on node B',
        'both sockets to see the second edit',
        20_000,
      );
    }
  } finally {
    for (const socket of sockets) await socket.close();
  }
});

test('HLS through the edge cache: many players, one origin fetch per segment; live playlists and refusals are never cached', async () => {
  const host = await register(t.edge.url, 'dephost3');
  const space = await liveSpace(host, { title: 'Cached' });
  const stream = await LiveStream.start(t.dataDir, space.id);
  try {
    await stream.ready(3);
    const players = 40;
    const originBefore = (await Promise.all(t.nodes.map((n) => originRequests(n.url)))).reduce(
      (x, y) => x + y,
    );
    const logBefore = t.edge.lines().length;
    const fetched = await Promise.all(
      Array.from({ length: players }, async () => {
        const url = `${t.edge.url}${t.signer.issuePlaylist(space.id, `u${host.id}`, Date.now(), 60).path}`;
        const playlist = await fetch(url);
        assert.equal(playlist.status, 200);
        assert.equal(playlist.headers.get('cache-control'), 'no-store');
        // The newest three, as hls.js starts: the furthest from being deleted.
        const segments = segmentUrls(url, await playlist.text()).slice(-3);
        assert.equal(segments.length, 3);
        await Promise.all(
          segments.map(async (segment) => {
            const r = await fetch(segment);
            assert.equal(r.status, 200, segment);
            assert.match(r.headers.get('cache-control') ?? '', /^public, max-age=\d+, immutable$/);
            assert.ok((await r.arrayBuffer()).byteLength > 0);
          }),
        );
        return segments.map((s) => new URL(s).pathname);
      }),
    );
    const logged = () => {
      const lines = t.edge.lines().slice(logBefore);
      return {
        playlistLines: lines.filter((l) => l.path.endsWith('.m3u8')),
        segmentLines: lines.filter((l) => l.path.endsWith('.ts')),
      };
    };
    await eventually(
      () => {
        const now = logged();
        return now.playlistLines.length >= players && now.segmentLines.length >= players * 3;
      },
      'the access log to list every request',
      20_000,
    );
    const { playlistLines, segmentLines } = logged();
    assert.equal(playlistLines.length, players);
    assert.ok(
      playlistLines.every((l) => l.upstream !== null && nodeHosts().includes(l.upstream)),
      'every live playlist fetch reached a node (each checks its viewer)',
    );
    const distinct = new Set(fetched.flat());
    assert.equal(segmentLines.length, fetched.flat().length);
    for (const segment of distinct) {
      const toOrigin = segmentLines.filter((l) => l.path === segment && l.upstream !== null);
      assert.equal(toOrigin.length, 1, `${segment}: one origin fetch, got ${toOrigin.length}`);
    }
    assert.equal(fetched.flat().length, players * 3);
    // The nodes' own counters agree: playlists plus one fetch per segment.
    await eventually(
      async () => {
        const after = (await Promise.all(t.nodes.map((n) => originRequests(n.url)))).reduce(
          (x, y) => x + y,
        );
        return after - originBefore === players + distinct.size;
      },
      'the origins to have counted players + distinct segments requests',
      20_000,
    );

    // A refused segment (bad token) is not cached: each try reaches an origin.
    const bad = `${t.edge.url}/hls/${space.id}/live/1.AAAA/${stream.segments()[0]}`;
    for (let i = 0; i < 2; i++) assert.equal((await fetch(bad)).status, 403);
    const refused = () => t.edge.lines().filter((l) => l.path === new URL(bad).pathname);
    await eventually(() => refused().length >= 2, 'the access log to list both refusals');
    const refusals = refused();
    assert.equal(refusals.length, 2);
    assert.ok(refusals.every((l) => l.upstream !== null));
  } finally {
    await stream.stop();
  }
});

test('coturn from deploy/ answers STUN and relays with the credentials Salon hands out', async () => {
  const stun = await StunClient.open('127.0.0.1', turnPort);
  try {
    const binding = await stun.binding();
    assert.equal(binding.type, 0x0101, 'Binding success');
    assert.match(mappedAddress(binding) ?? '', /^127\.0\.0\.1:\d+$/);

    const guest = await new Client(t.edge.url).post('/api/v1/auth/guest');
    assert.equal(guest.status, 201);
    const asGuest = new Client(t.edge.url);
    asGuest.bearer = guest.body.token;
    const ice = await asGuest.get('/api/v1/media/ice-servers');
    assert.equal(ice.status, 200, JSON.stringify(ice.body));
    const turnEntry = ice.body.ice_servers.find((s: { urls: string[] }) =>
      s.urls.some((u) => u.startsWith('turn:')),
    );
    assert.ok(turnEntry, 'a TURN server is handed out');
    assert.ok(turnEntry.urls.includes(`turn:127.0.0.1:${turnPort}?transport=udp`));

    const wrong = await stun.allocate(turnEntry.username, 'not the credential');
    assert.equal(wrong.challenge.errorCode, 401);
    assert.equal(wrong.reply.errorCode, 401, 'a wrong password is refused');

    const { reply } = await stun.allocate(turnEntry.username, turnEntry.credential);
    assert.equal(reply.type, 0x0103, `Allocate success (error ${reply.errorCode})`);
    assert.match(relayedAddress(reply) ?? '', /^127\.0\.0\.1:\d+$/);
  } finally {
    stun.close();
  }
});

test('the two Janus configs of deploy/ load the modules Salon uses and require the shared api_secret', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-deploy-janus-'));
  const nodes: DeployedJanus[] = [];
  try {
    for (const node of [1, 2] as const) {
      const janus = DeployedJanus.start(node, path.join(dir, String(node)), await freePort());
      nodes.push(janus);
      const info = await janus.ask({ janus: 'info' });
      assert.equal(info['janus'], 'server_info');
      assert.equal(info['server-name'], `salon-janus-${node}`);
      assert.deepEqual(Object.keys(info['plugins'] as object).sort(), [
        'janus.plugin.audiobridge',
        'janus.plugin.streaming',
        'janus.plugin.videoroom',
      ]);
      assert.deepEqual(Object.keys(info['transports'] as object), ['janus.transport.websockets']);
      const refused = await janus.ask({ janus: 'create', apisecret: 'wrong' });
      assert.equal(refused['janus'], 'error');
      const created = await janus.ask({ janus: 'create', apisecret: 'CHANGE_ME_JANUS_API_SECRET' });
      assert.equal(created['janus'], 'success', JSON.stringify(created));
    }
  } finally {
    for (const janus of nodes) await janus.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
