import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { addressKey } from '../../src/realtime/address-limit.js';
import { eventually } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Per-address WebSocket limits: one address cannot hold every socket (and seat) of a node. */
const servers: TestServer[] = [];
const sockets: WebSocket[] = [];
after(async () => {
  for (const ws of sockets) ws.terminate();
  for (const t of servers) await t.close();
});

async function server(env: Record<string, string>) {
  const t = await startTestServer({ env });
  servers.push(t);
  return t;
}

/** Opens a socket; resolves with it once open, or with the refusal's HTTP status. */
function open(t: TestServer, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/realtime`, { headers });
  sockets.push(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

test('an address past WS_CONNECTIONS_PER_ADDRESS is refused with 429, counting handshakes in flight; a closed socket frees its slot', async () => {
  const t = await server({ WS_CONNECTIONS_PER_ADDRESS: '5' });
  // All at once: the check cannot be passed by handshakes that are all still authenticating.
  const results = await Promise.all(Array.from({ length: 20 }, () => open(t)));
  const opened = results.filter((r): r is WebSocket => r instanceof WebSocket);
  assert.equal(opened.length, 5);
  assert.deepEqual(
    results.filter((r) => typeof r === 'number'),
    Array(15).fill(429),
  );
  // Headers cannot buy more without a trusted proxy.
  assert.equal(await open(t, { 'x-forwarded-for': '203.0.113.9' }), 429);

  opened[0]!.close();
  let again = 429 as WebSocket | number;
  await eventually(async () => {
    again = await open(t);
    return again instanceof WebSocket;
  }, 'a slot to come free after a close');
  assert.ok(again instanceof WebSocket);
  assert.equal(await open(t), 429, 'still five at most');
});

test('behind a trusted proxy, the limit is per X-Forwarded-For client', async () => {
  const t = await server({ WS_CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: 'true' });
  const a = { 'x-forwarded-for': '203.0.113.1, 10.0.0.1' };
  const b = { 'x-forwarded-for': '203.0.113.2' };
  assert.ok((await open(t, a)) instanceof WebSocket);
  assert.ok((await open(t, a)) instanceof WebSocket);
  assert.equal(await open(t, a), 429);
  assert.ok((await open(t, b)) instanceof WebSocket, 'another client behind the same proxy');
});

test('addresses are counted as a person holds them: IPv4-mapped as IPv4, IPv6 by /64', () => {
  assert.equal(addressKey('::ffff:198.51.100.7'), '198.51.100.7');
  assert.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:2:ffff:1:2:3'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
});
