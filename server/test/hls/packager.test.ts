import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { parsePlaylist } from '../../src/hls/playlist.js';
import { MIX_PAYLOAD_TYPE } from '../../src/media/hls/ffmpeg.js';
import { Packager } from '../../src/media/hls/packager.js';
import { PortPool } from '../../src/media/hls/ports.js';
import { toneShare } from '../media/support/tone.js';
import { eventually } from '../support/realtime.js';
import { decodeSegments, PCM_RATE } from './support/player.js';

/**
 * The real packager (ffmpeg, no Janus): which addresses its RTP and RTCP
 * sockets listen on, read from /proc, and that the mix sent to that address
 * still comes out of the live playlist. Janus's rtp_forward is stood in for
 * by an ffmpeg sending Opus over RTP.
 */
const base = 30_000 + 2 * Math.floor(Math.random() * 4_000);
const ports = new PortPool({ min: base, max: base + 400 });
const dirs: string[] = [];
const children = new Set<ChildProcess>();
const packagers = new Set<Packager>();
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([...packagers].map((p) => p.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function packager(bindHost?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'salon-packager-'));
  dirs.push(dir);
  const port = await ports.take();
  const p = new Packager({
    spaceId: 'space',
    dir,
    port,
    ...(bindHost === undefined ? {} : { bindHost }),
    ffmpegPath: 'ffmpeg',
    logger: pino({ level: 'silent' }),
    portForRestart: async (current) => current,
    stopTimeoutMs: 1_000,
  });
  packagers.add(p);
  await p.start();
  return { p, dir, port };
}

/** "127.0.0.1:7000" from /proc/net/udp's "0100007F:1B58" (IPv6: the hex as is). */
function endpoint(hex: string): string {
  const [address = '', port = ''] = hex.split(':');
  const ip =
    address.length === 8
      ? [3, 2, 1, 0].map((i) => Number.parseInt(address.slice(i * 2, i * 2 + 2), 16)).join('.')
      : `[${address}]`;
  return `${ip}:${Number.parseInt(port, 16)}`;
}

/** The local endpoints of the UDP sockets a process holds, sorted. */
function udpSocketsOf(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, inode] = [fields[1], fields[9]];
      if (local && inode && inodes.has(inode)) found.push(endpoint(local));
    }
  }
  return found.sort();
}

async function boundSockets(p: Packager): Promise<string[]> {
  let sockets: string[] = [];
  await eventually(
    () => {
      const pid = p.pid;
      sockets = pid === undefined ? [] : udpSocketsOf(pid);
      return sockets.length >= 2;
    },
    'ffmpeg to bind its RTP and RTCP sockets',
    10_000,
  );
  return sockets;
}

/** Janus's rtp_forward, stood in for: `frequency` as Opus RTP to host:port, in real time. */
function sendTone(host: string, port: number, frequency: number, seconds: number) {
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'],
      ...['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`],
      ...['-c:a', 'libopus', '-ac', '1', '-b:a', '64k', '-payload_type', String(MIX_PAYLOAD_TYPE)],
      ...['-f', 'rtp', `rtp://${host}:${port}`],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.add(child);
  const done = new Promise<void>((resolve) =>
    child.once('close', () => {
      children.delete(child);
      resolve();
    }),
  );
  return { done, stop: () => child.kill('SIGKILL') };
}

const livePlaylist = (dir: string) => path.join(dir, 'live', 'index.m3u8');

test('the packager listens for the mix on the forward address only; audio sent there reaches the live HLS output, also after a restart', async () => {
  const { p, dir, port } = await packager('127.0.0.1');
  const expected = [`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`];
  let mix: { stop(): void } | undefined;
  try {
    assert.deepEqual(await boundSockets(p), expected, 'RTP and RTCP on 127.0.0.1, not 0.0.0.0');

    // Another address of this host (all of 127/8 is): a socket on 0.0.0.0 would take this.
    const injected = sendTone('127.0.0.2', port, 880, 2);
    await injected.done;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(existsSync(livePlaylist(dir)), false, 'nothing sent elsewhere was packaged');

    mix = sendTone('127.0.0.1', port, 440, 60);
    await eventually(
      async () => {
        try {
          const list = parsePlaylist(readFileSync(livePlaylist(dir), 'utf8'));
          if (list.segments.length < 3) return false;
          const newest = list.segments
            .slice(-2)
            .map((s) => readFileSync(path.join(dir, 'live', s.uri)));
          const pcm = await decodeSegments(newest);
          return pcm.length >= PCM_RATE / 2 && toneShare(pcm, PCM_RATE, 440) > 0.5;
        } catch {
          return false; // no playlist yet, or a segment just rotated out
        }
      },
      'the 440 Hz tone in the newest live segments',
      20_000,
    );

    // A crash: the supervisor starts ffmpeg again, on the same address.
    const restarted = new Promise<number>((resolve) =>
      p.once('started', (info) => resolve(info.restarts)),
    );
    process.kill(p.pid ?? 0, 'SIGKILL');
    assert.equal(await restarted, 1);
    assert.equal(p.port, port);
    assert.deepEqual(await boundSockets(p), expected, 'the restarted ffmpeg too');
  } finally {
    mix?.stop();
    await p.stop();
    ports.release(port);
  }
});

test('the bind address follows the forward address: loopback by default, else the one given', async () => {
  for (const [bindHost, address] of [
    [undefined, '127.0.0.1'],
    ['127.0.0.2', '127.0.0.2'],
  ] as const) {
    const { p, port } = await packager(bindHost);
    try {
      assert.equal(p.bindHost, address);
      assert.deepEqual(await boundSockets(p), [`${address}:${port}`, `${address}:${port + 1}`]);
    } finally {
      await p.stop();
      ports.release(port);
    }
  }
});
