/**
 * A space's archive as the packager leaves it, for tests that run without
 * media (no Janus): real AAC segments from ffmpeg (1 s each, a sine tone),
 * and an EVENT playlist with program date-times from the space's own clock.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { scopeDir } from '../../src/streams/layout.js';

const run = promisify(execFile);

export interface Tone {
  dir: string;
  files: string[];
  durations: number[];
}

/** `seconds` of a `frequency` Hz tone in 1 s MPEG-TS AAC segments, as the packager encodes. */
export async function toneSegments(frequency: number, seconds: number): Promise<Tone> {
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-tone-'));
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`],
    ...['-c:a', 'aac', '-b:a', '64k', '-ac', '1', '-ar', '48000'],
    ...['-f', 'hls', '-hls_time', '1', '-hls_list_size', '0'],
    ...['-hls_segment_filename', path.join(dir, 'a%06d.ts'), path.join(dir, 'index.m3u8')],
  ]);
  const text = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
  const durations = [...text.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Number(m[1]));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  return { dir, files, durations };
}

/**
 * Puts `tone`'s segments in the space's archive as if recorded from `startedAt`
 * (epoch ms), one per second, with the packager's EVENT playlist.
 */
export function writeArchive(
  dataDir: string,
  spaceId: string,
  tone: Tone,
  startedAt: number,
): void {
  const dir = scopeDir(dataDir, spaceId, 'archive');
  mkdirSync(dir, { recursive: true });
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:1',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
  ];
  let at = startedAt;
  tone.files.forEach((file, i) => {
    copyFileSync(path.join(tone.dir, file), path.join(dir, file));
    lines.push(`#EXTINF:${tone.durations[i]!.toFixed(6)},`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(at).toISOString()}`);
    lines.push(file);
    at += tone.durations[i]! * 1000;
  });
  writeFileSync(path.join(dir, 'index.m3u8'), `${lines.join('\n')}\n`);
}

/** The duration of a media file or URL, as ffprobe reads it, in seconds. */
export async function probeSeconds(input: string): Promise<number> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', input],
    { timeout: 30_000 },
  );
  return Number.parseFloat(stdout.trim());
}
