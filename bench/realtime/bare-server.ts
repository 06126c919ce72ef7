/**
 * The baseline: the least a `ws` server can do for the same traffic. It
 * accepts every connection at the realtime path, answers `subscribe` with a
 * snapshot-sized JSON, counts reactions, and every window broadcasts one
 * `reactions` message to everyone — the same shapes and the same naive
 * `send(string)` per client that the gateway uses, with no auth, storage,
 * presence or limits. The difference to Salon is what those cost.
 *
 * Env: PORT (0 = any), BARE_SNAPSHOT_BYTES (snapshot size to mimic),
 * BARE_WINDOW_MS (250). Prints {"url": ...} on stdout when listening.
 */
import { createServer } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { installPhaseProfiler } from './phase-profiler.js';

installPhaseProfiler(process.env['BENCH_PROFILE_DIR']);

const windowMs = Number(process.env['BARE_WINDOW_MS'] ?? 250);
const snapshotBytes = Number(process.env['BARE_SNAPSHOT_BYTES'] ?? 1500);
const subscribers = new Set<WebSocket>();
let counts = new Map<string, number>();

const http = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });

http.on('upgrade', (request, socket, head) => {
  if (!request.url?.startsWith('/api/v1/realtime')) {
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    ws.on('message', (data) => onMessage(ws, data.toString()));
    ws.on('close', () => subscribers.delete(ws));
    ws.on('error', () => ws.terminate());
  });
});

function onMessage(ws: WebSocket, text: string): void {
  let message: { type?: unknown; space_id?: unknown; emoji?: unknown; request_id?: unknown };
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  const spaceId = String(message.space_id ?? '');
  if (message.type === 'subscribe') {
    subscribers.add(ws);
    // A JSON of the same size as Salon's snapshot, built per join as Salon does.
    const snapshot = { space: { id: spaceId }, version: 1, pad: '' };
    const size = JSON.stringify({ type: 'snapshot', space_id: spaceId, snapshot }).length;
    snapshot.pad = 'x'.repeat(Math.max(0, snapshotBytes - size));
    const reply: Record<string, unknown> = { type: 'snapshot', space_id: spaceId, snapshot };
    if (typeof message.request_id === 'string') reply['request_id'] = message.request_id;
    ws.send(JSON.stringify(reply));
  } else if (message.type === 'react') {
    const emoji = String(message.emoji ?? '');
    counts.set(emoji, (counts.get(emoji) ?? 0) + 1);
    lastSpace = spaceId;
  } else if (message.type === 'ping') {
    ws.send(JSON.stringify({ type: 'pong', at: new Date().toISOString() }));
  }
}

let lastSpace = '';
const flush = setInterval(() => {
  if (counts.size === 0) return;
  const text = JSON.stringify({
    type: 'reactions',
    space_id: lastSpace,
    window_ms: windowMs,
    counts: Object.fromEntries(counts),
  });
  counts = new Map();
  for (const ws of subscribers) {
    if (ws.readyState === ws.OPEN) ws.send(text);
  }
}, windowMs);

http.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});

const stop = () => {
  clearInterval(flush);
  for (const ws of wss.clients) ws.terminate();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
