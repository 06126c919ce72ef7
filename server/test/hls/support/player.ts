/**
 * What an HLS player does, reduced to what tests and the bench check: fetch
 * a playlist, fetch its segments, decode them to PCM with ffmpeg, and ask
 * ffprobe what it sees. Segment URIs resolve against the playlist URL, as in
 * hls.js and Safari, so the signed token in the path carries over.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { type MediaPlaylist, parsePlaylist } from '../../../src/hls/playlist.js';

const run = promisify(execFile);
export const PCM_RATE = 48_000;

export interface FetchedPlaylist extends MediaPlaylist {
  text: string;
  status: number;
}

export async function fetchPlaylist(url: string): Promise<FetchedPlaylist> {
  const reply = await fetch(url);
  const text = reply.ok ? await reply.text() : '';
  return { ...parsePlaylist(text), text, status: reply.status };
}

export async function fetchSegment(playlistUrl: string, uri: string): Promise<Buffer> {
  const reply = await fetch(new URL(uri, playlistUrl));
  if (!reply.ok) throw new Error(`segment ${uri}: ${reply.status}`);
  return Buffer.from(await reply.arrayBuffer());
}

/** MPEG-TS segments (concatenated, as a player appends them) to mono 48 kHz PCM. */
export function decodeSegments(segments: Buffer[]): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-f',
        'mpegts',
        '-i',
        'pipe:0',
        '-f',
        's16le',
        '-ac',
        '1',
        '-ar',
        String(PCM_RATE),
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg decode failed (${code}): ${err}`));
      const pcm = Buffer.concat(out);
      resolve(new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2)));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.concat(segments));
  });
}

/** The newest `count` segments of a playlist, decoded. */
export async function newestAudio(url: string, count: number): Promise<Int16Array> {
  const list = await fetchPlaylist(url);
  const uris = list.segments.slice(-count).map((s) => s.uri);
  if (uris.length === 0) return new Int16Array(0);
  return decodeSegments(await Promise.all(uris.map((uri) => fetchSegment(url, uri))));
}

export interface Probe {
  streams: Array<{ codec_name?: string; codec_type?: string; sample_rate?: string }>;
  format: { duration?: string; format_name?: string };
}

export async function ffprobe(url: string): Promise<Probe> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,codec_type,sample_rate:format=duration,format_name',
      '-of',
      'json',
      url,
    ],
    { timeout: 30_000 },
  );
  const parsed = JSON.parse(stdout) as Partial<Probe>;
  return { streams: parsed.streams ?? [], format: parsed.format ?? {} };
}
