import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { parsePlaylist } from '../hls/playlist.js';
import { PLAYLIST, scopeDir } from '../streams/layout.js';
import { spawnTied } from '../util/child.js';

/** A render that takes longer than this is killed (a 3-hour replay copies in seconds). */
const RENDER_TIMEOUT_MS = 120_000;
const PREFIX = 'replay-';
const SUFFIX = '.m4a';

export interface RenderedAudio {
  file: string;
  size: number;
  /** Names the exact replay it was made from: an ETag. */
  tag: string;
  mtimeMs: number;
}

/**
 * The whole replay as one audio file (`replay-<hash>.m4a` in the replay's
 * folder), for podcast apps and downloads: the replay's AAC segments joined
 * by ffmpeg's concat demuxer (which lays each segment after the previous,
 * so a stretch where recording was off leaves no gap) and stream-copied into
 * MP4 (`aac_adtstoasc`, `+faststart` so players read the index first). No
 * re-encode: rendering costs a copy of the bytes.
 *
 * The name carries a hash of the replay's playlist: a replay made again
 * gets a new file (the old one is removed), and the file lives in the replay
 * folder, so deleting the replay deletes it. One render per replay at a time
 * on this node; nodes sharing DATA_DIR each write a temporary file and rename
 * it, so a reader never sees half a file.
 */
export class ReplayAudio {
  private readonly rendering = new Map<string, Promise<RenderedAudio>>();

  constructor(
    private readonly o: {
      dataDir: string;
      logger: FastifyBaseLogger;
      timeoutMs?: number;
    },
  ) {}

  /** The rendered file, made now if missing or stale; null when the replay has no audio. */
  async file(spaceId: string): Promise<RenderedAudio | null> {
    const dir = scopeDir(this.o.dataDir, spaceId, 'replay');
    const text = await readFile(path.join(dir, PLAYLIST), 'utf8').catch(() => null);
    if (text === null) return null;
    const segments = parsePlaylist(text).segments;
    if (segments.length === 0) return null;
    const tag = createHash('sha256').update(text).digest('hex').slice(0, 16);
    const file = path.join(dir, `${PREFIX}${tag}${SUFFIX}`);
    const done = await describe(file, tag);
    if (done) return done;
    const key = `${spaceId}:${tag}`;
    let work = this.rendering.get(key);
    if (!work) {
      work = this.render(dir, segments, file, tag).finally(() => this.rendering.delete(key));
      this.rendering.set(key, work);
    }
    return work;
  }

  private async render(
    dir: string,
    segments: ReadonlyArray<{ uri: string; duration: number }>,
    file: string,
    tag: string,
  ): Promise<RenderedAudio> {
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const started = performance.now();
    // A list read from a pipe resolves names against `pipe:`: each is a file: URL. The
    // playlist's own durations place the segments (an MPEG-TS file's duration, as ffmpeg
    // guesses it, is off by its AAC priming); the quoting is the concat demuxer's.
    const list = segments.map(
      (s) =>
        `file 'file:${path.join(dir, s.uri).replaceAll("'", "'\\''")}'\nduration ${s.duration.toFixed(6)}`,
    );
    try {
      await runFfmpeg(
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-nostdin',
          '-protocol_whitelist',
          'file,pipe',
          '-f',
          'concat',
          '-safe',
          '0',
          '-i',
          'pipe:0',
          '-map',
          '0:a',
          '-c',
          'copy',
          '-bsf:a',
          'aac_adtstoasc',
          '-movflags',
          '+faststart',
          '-f',
          'mp4',
          '-y',
          temp,
        ],
        `${list.join('\n')}\n`,
        this.o.timeoutMs ?? RENDER_TIMEOUT_MS,
      );
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    // Renders of an older playlist are of no use any more.
    for (const name of await readdir(dir)) {
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX) && path.join(dir, name) !== file)
        await rm(path.join(dir, name), { force: true });
    }
    const done = await describe(file, tag);
    if (!done) throw new Error(`rendered ${file} is missing`);
    this.o.logger.info(
      { file, bytes: done.size, ms: Math.round(performance.now() - started) },
      'replay rendered',
    );
    return done;
  }

  /** Lets renders in progress finish (shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled(this.rendering.values());
  }
}

async function describe(file: string, tag: string): Promise<RenderedAudio | null> {
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? { file, size: info.size, tag, mtimeMs: info.mtimeMs } : null;
}

function runFfmpeg(args: string[], input: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTied('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg failed (${signal ?? code}): ${stderr.trim()}`));
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}
