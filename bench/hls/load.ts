/**
 * The load generator, a process of its own so it never shares an event loop
 * with the server it measures: N pollers, each looping "GET the playlist,
 * GET its newest segment" over keep-alive connections, as fast as answers
 * come. Prints one JSON line: requests, errors, requests/s, latency quantiles.
 *
 * Usage: load.ts <playlist url> <pollers> <seconds>
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, pollersArg, secondsArg] = process.argv.slice(2);
const pollers = Number(pollersArg);
const seconds = Number(secondsArg);
if (!url || !Number.isInteger(pollers) || !(seconds > 0)) {
  console.error('usage: load.ts <playlist url> <pollers> <seconds>');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: pollers });

function get(target: URL): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(target, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

const playlist = new URL(url);
let measuring = false;
let requests = 0;
let errors = 0;
const latencies: number[] = [];

async function timed(target: URL) {
  const start = performance.now();
  const reply = await get(target).catch(() => ({ status: 0, body: Buffer.alloc(0) }));
  if (measuring) {
    requests += 1;
    if (reply.status !== 200) errors += 1;
    if (latencies.length < 200_000) latencies.push(performance.now() - start);
  }
  return reply;
}

async function poller(until: number) {
  while (performance.now() < until) {
    const list = await timed(playlist);
    const uris = list.body
      .toString()
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const newest = uris.at(-1);
    if (newest) await timed(new URL(newest, playlist));
  }
}

const warmUp = 1000;
const start = performance.now();
const until = start + warmUp + seconds * 1000;
setTimeout(() => {
  measuring = true;
}, warmUp);
await Promise.all(Array.from({ length: pollers }, () => poller(until)));
const elapsed = (performance.now() - start - warmUp) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    requests,
    errors,
    rps: requests / elapsed,
    p50ms: q(0.5),
    p99ms: q(0.99),
  }),
);
agent.destroy();
