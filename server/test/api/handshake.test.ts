import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * WebSocket handshakes with whatever a client can put in them. The upgrade
 * listener runs outside Fastify's error handling: one throw there is an
 * uncaught exception, and it ended the process (`Cookie: salon_device=%`).
 */
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

/** Sends a raw upgrade request and returns the status line of the answer. */
function handshake(target: string, headers: Record<string, string> = {}): Promise<string> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const lines = [
        `GET ${target} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) {
        resolve(data.slice(0, data.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => reject(new Error(`no answer to ${target}`)));
  });
}

const hostile: Array<[string, string, Record<string, string>, RegExp]> = [
  [
    'a device cookie that is not percent-encoding',
    '/api/v1/realtime',
    { Cookie: 'salon_device=%' },
    / 101 /,
  ],
  [
    'a session cookie that is not percent-encoding',
    '/api/v1/realtime',
    { Cookie: 'salon_session=%E0%A4%A' },
    / 101 /,
  ],
  ['a cookie header of only separators', '/api/v1/realtime', { Cookie: ';;=;=%;' }, / 101 /],
  ['a URL that is not one', '//', {}, / 400 /],
  ['a percent sign in the query', '/api/v1/realtime?token=%', {}, / 401 /],
  ['an unknown path', '/nowhere', {}, / 404 /],
  ['an empty bearer header', '/api/v1/realtime', { Authorization: 'Bearer ' }, / (101|401) /],
];

for (const [what, target, headers, expected] of hostile) {
  test(`a WebSocket handshake with ${what} is answered, and the server lives on`, async () => {
    const status = await handshake(target, headers);
    assert.match(status, expected);
    const health = await t.client().get('/healthz');
    assert.equal(health.status, 200);
  });
}
