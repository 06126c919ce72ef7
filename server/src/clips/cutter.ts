import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMediaFile, scopeDir } from '../streams/layout.js';
import { spawnTied } from '../util/child.js';
import { type CutPlan, concatList, cutArgs } from './model.js';

/** A cut of 60 s takes well under a second here; past this, ffmpeg is stuck (a hung disk). */
const CUT_TIMEOUT_MS = 30_000;

export interface CutResult {
  /** The file's name under DATA_DIR/clips/. */
  file: string;
  bytes: number;
  /** As ffprobe reads the file. */
  durationMs: number;
  /** Wall time of the cut (ffmpeg and ffprobe), for the logs and the docs' numbers. */
  tookMs: number;
}

export function clipsDir(dataDir: string): string {
  return path.join(dataDir, 'clips');
}

export function clipFile(dataDir: string, clipId: string): string {
  if (!/^[0-9a-z]{20}$/.test(clipId)) throw new Error(`not a clip id: ${clipId}`);
  return path.join(clipsDir(dataDir), `${clipId}.m4a`);
}

/**
 * Cuts clips with ffmpeg, run through `spawnTied` (an ffmpeg cannot outlive
 * Salon) and killed past CUT_TIMEOUT_MS. The output is written under a
 * temporary name and renamed, so a file named by a clip is always whole.
 * At most `concurrency` cuts run at once on a node (each takes a core).
 */
export class ClipCutter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly o: { dataDir: string; ffmpegPath: string; concurrency?: number }) {}

  /** Where a segment of the space is: the archive, else the replay (the archive was purged). */
  private segmentPath(spaceId: string, uri: string): string {
    if (!isMediaFile(uri) || !uri.endsWith('.ts')) throw new Error(`not a segment name: ${uri}`);
    const archive = path.join(scopeDir(this.o.dataDir, spaceId, 'archive'), uri);
    if (existsSync(archive)) return archive;
    const replay = path.join(scopeDir(this.o.dataDir, spaceId, 'replay'), uri);
    if (existsSync(replay)) return replay;
    throw new Error(`segment ${uri} of ${spaceId} is gone`);
  }

  async cut(clipId: string, spaceId: string, plan: CutPlan): Promise<CutResult> {
    await this.slot();
    const started = performance.now();
    const output = clipFile(this.o.dataDir, clipId);
    const temp = `${output}.part`;
    const list = `${output}.txt`;
    try {
      await mkdir(clipsDir(this.o.dataDir), { recursive: true });
      const files = plan.segments.map((s) => ({
        path: this.segmentPath(spaceId, s.uri),
        duration: s.duration,
      }));
      await writeFile(list, concatList(files));
      await this.run(this.o.ffmpegPath, cutArgs(plan, list, temp));
      const durationMs = await this.probe(temp);
      await rename(temp, output);
      const { size } = await stat(output);
      return {
        file: path.basename(output),
        bytes: size,
        durationMs,
        tookMs: Math.round(performance.now() - started),
      };
    } finally {
      await rm(list, { force: true });
      await rm(temp, { force: true });
      this.release();
    }
  }

  /** The duration of a cut file, as a player will see it. */
  private async probe(file: string): Promise<number> {
    const probe = path.join(path.dirname(this.o.ffmpegPath), 'ffprobe');
    const command = this.o.ffmpegPath.includes('/') ? probe : 'ffprobe';
    const out = await this.run(command, [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'default=noprint_wrappers=1:nokey=1',
      file,
    ]);
    const seconds = Number.parseFloat(out.trim());
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`no audio in the cut: ${out}`);
    return Math.round(seconds * 1000);
  }

  private run(command: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawnTied(command, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        deathSignal: 'SIGKILL',
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < 4000) stderr += chunk;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), CUT_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`${path.basename(command)} ${signal ?? code}: ${stderr.trim()}`));
      });
    });
  }

  private async slot(): Promise<void> {
    if (this.running < (this.o.concurrency ?? 2)) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
