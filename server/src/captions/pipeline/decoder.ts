import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { spawnTied } from '../../util/child.js';

/** The payload type Janus is asked to use for the forwarded Opus (`pt` of rtp_forward). */
export const FORWARD_PT = 111;

/** An SDP for ffmpeg: one Opus stream arriving as plain RTP on 127.0.0.1:port. */
export function opusSdp(port: number, pt = FORWARD_PT): string {
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=salon captions',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} opus/48000/2`,
    'a=recvonly',
    '',
  ].join('\r\n');
}

/**
 * A free even UDP port whose odd neighbour (ffmpeg's RTCP) is free too.
 * Another process could take it before ffmpeg binds it; the decoder then
 * exits and the speaker's captions are started again on another port.
 */
export async function freeRtpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    if ((await bindable(port)) && (await bindable(port + 1))) return port;
  }
  throw new Error('no free UDP port pair for a captions decoder');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

export interface RtpDecoderEvents {
  pcm: [pcm: Int16Array];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

/**
 * ffmpeg reading one speaker's forwarded Opus (an SDP on stdin) and writing
 * 16 kHz mono s16 on stdout, flushed per packet so the VAD sees speech as it
 * comes (without `-flush_packets` the pipe's 32 KiB buffer adds a second).
 * It is started through `spawnTied`, so it cannot outlive Salon.
 */
export class RtpDecoder extends EventEmitter<RtpDecoderEvents> {
  private child: ChildProcess | null = null;
  private carry: Buffer = Buffer.alloc(0);
  private stopping = false;

  constructor(readonly port: number) {
    super();
  }

  start(): void {
    // Only ffmpeg's quiet flags are alike replays/card.ts's: this reads RTP from an SDP and writes 16 kHz mono PCM.
    const child = spawnTied(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-protocol_whitelist',
        'pipe,udp,rtp',
        '-fflags',
        'nobuffer',
        '-probesize',
        '32',
        '-analyzeduration',
        '0',
        '-reorder_queue_size',
        '16',
        '-f',
        'sdp',
        '-i',
        'pipe:0',
        '-vn',
        '-ac',
        '1',
        '-ar',
        '16000',
        '-f',
        's16le',
        '-flush_packets',
        '1',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'], deathSignal: 'SIGTERM' },
    );
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.data(chunk));
    child.on('error', () => undefined);
    child.on('close', (code, signal) => {
      this.child = null;
      this.emit('exit', this.stopping ? 0 : code, signal);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opusSdp(this.port));
  }

  /** Whether ffmpeg has bound its port (it then shows in /proc/net/udp). */
  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private data(chunk: Buffer): void {
    const all = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const even = all.length - (all.length % 2);
    this.carry = Buffer.from(all.subarray(even));
    if (even === 0) return;
    const copy = new Int16Array(even / 2);
    Buffer.from(copy.buffer).set(all.subarray(0, even));
    this.emit('pcm', copy);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
