/**
 * What the replay tests share: an archive as the packager leaves it (AAC
 * segments made by a real ffmpeg, dated by #EXT-X-PROGRAM-DATE-TIME), without
 * Janus, so that a space run on a hand-driven clock gets a real replay when it
 * ends; and ffprobe.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parsePlaylist } from '../../src/hls/playlist.js';
import { scopeDir } from '../../src/streams/layout.js';

const run = promisify(execFile);

let template: Promise<{ dir: string; durations: number[] }> | null = null;

/** 30 one-second AAC segments of a 440 Hz tone, made once per process. */
function segments(): Promise<{ dir: string; durations: number[] }> {
  template ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'salon-segments-'));
    await run(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
        ...['-i', 'sine=frequency=440:sample_rate=48000:duration=30'],
        ...['-c:a', 'aac', '-b:a', '64k', '-ac', '1', '-ar', '48000'],
        ...['-f', 'hls', '-hls_time', '1', '-hls_list_size', '0'],
        ...['-hls_segment_filename', path.join(dir, 'a%06d.ts'), path.join(dir, 'index.m3u8')],
      ],
      { timeout: 60_000 },
    );
    const { readFileSync } = await import('node:fs');
    const list = parsePlaylist(readFileSync(path.join(dir, 'index.m3u8'), 'utf8'));
    return { dir, durations: list.segments.map((s) => s.duration) };
  })();
  return template;
}

/**
 * Writes the space's archive as the packager would have while it was live:
 * `seconds` segments dated from `startsAt` (epoch ms), an EVENT playlist.
 */
export async function writeArchive(
  dataDir: string,
  spaceId: string,
  startsAt: number,
  seconds: number,
): Promise<void> {
  const source = await segments();
  if (seconds > source.durations.length) throw new Error(`at most ${source.durations.length} s`);
  const dir = scopeDir(dataDir, spaceId, 'archive');
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(source.dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:1',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
  ];
  let at = startsAt;
  for (let i = 0; i < seconds; i++) {
    const name = names[i]!;
    copyFileSync(path.join(source.dir, name), path.join(dir, name));
    const duration = source.durations[i]!;
    lines.push(
      `#EXTINF:${duration.toFixed(6)},`,
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(at).toISOString()}`,
      name,
    );
    at += duration * 1000;
  }
  writeFileSync(path.join(dir, 'index.m3u8'), `${lines.join('\n')}\n`);
}

export async function ffprobeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,codec_type'],
    ...['-of', 'json', file],
  ]);
  const info = JSON.parse(stdout) as {
    format: { duration: string };
    streams: Array<{ codec_name: string; codec_type: string }>;
  };
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  if (audio?.codec_name !== 'aac') throw new Error(`not AAC audio: ${stdout}`);
  return Number(info.format.duration);
}

/** A web build as `vite build` leaves it, reduced to its two pages (never committed: made here). */
export function fakeWebBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-web-'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><meta name="description" content="Live audio conversations." /><title>Salon</title></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(
    path.join(dir, 'embed.html'),
    '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Salon player</title></head><body><div id="embed"></div></body></html>',
  );
  return dir;
}
