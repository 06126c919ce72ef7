import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { PLAYLIST } from '../../streams/layout.js';
import { spawnTied } from '../../util/child.js';
import { DEFAULT_BIND_HOST, mixSdp, PID_FILE, packagerArgs, SDP_FILE } from './ffmpeg.js';

export interface PackagerOptions {
  spaceId: string;
  /** The space's folder (DATA_DIR/hls/<space>); ffmpeg runs there. */
  dir: string;
  port: number;
  /**
   * The address Janus forwards the mix to (HLS_FORWARD_HOST): ffmpeg binds
   * its RTP and RTCP sockets there only. It must be an address of this host.
   */
  bindHost?: string;
  ffmpegPath: string;
  logger: FastifyBaseLogger;
  /** Before each restart: the port to listen on (the same one if it is still free). */
  portForRestart(current: number): Promise<number>;
  /** How long a stop waits for ffmpeg to flush before killing it. */
  stopTimeoutMs?: number;
}

export interface PackagerEvents {
  started: [info: { pid: number; port: number; restarts: number }];
  exited: [info: { code: number | null; signal: NodeJS.Signals | null; stderr: string }];
  /** A restart moved to another port: the forwarder must follow. */
  portChanged: [port: number];
  /** A restart could not even spawn ffmpeg (the folder, the port); it is tried again, backing off. */
  restartFailed: [error: unknown];
}

const MAX_BACKOFF_MS = 5_000;
/**
 * The first SIGINT is seen between packets: with the mix flowing, at once. Only
 * when none come (Janus is gone) does a second one interrupt the read; sent
 * early, it would cut the trailer being written, playlist included.
 */
const SECOND_SIGINT_MS = 2_000;
/** A run this long counts as healthy: the next crash restarts at once again. */
const HEALTHY_RUN_MS = 10_000;

/**
 * One space's ffmpeg, supervised: restarted whenever it exits without being
 * asked to, appending to the same playlists, so the recording goes on (a
 * `#EXT-X-DISCONTINUITY` marks the seam; a SIGKILL loses the segment in
 * progress, at most one second). `stop()` sends SIGINT, which makes ffmpeg
 * write the last partial segment and `#EXT-X-ENDLIST`.
 */
export class Packager extends EventEmitter<PackagerEvents> {
  private child: ChildProcess | null = null;
  private stopping: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private startedAt = 0;
  private stderr: string[] = [];
  private _restarts = 0;
  private _port: number;

  constructor(private readonly o: PackagerOptions) {
    super();
    this._port = o.port;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get port(): number {
    return this._port;
  }

  /** The one address ffmpeg listens on. */
  get bindHost(): string {
    return this.o.bindHost ?? DEFAULT_BIND_HOST;
  }

  /** How many times ffmpeg was started again after dying. */
  get restarts(): number {
    return this._restarts;
  }

  get stopped(): boolean {
    return this.stopping !== null;
  }

  async start(): Promise<void> {
    await mkdir(path.join(this.o.dir, 'live'), { recursive: true });
    await mkdir(path.join(this.o.dir, 'archive'), { recursive: true });
    await this.killStale();
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    if (this.stopping) return;
    await writeFile(path.join(this.o.dir, SDP_FILE), mixSdp(this._port, this.bindHost));
    if (this.stopping) return;
    const args = packagerArgs({
      bindHost: this.bindHost,
      appendLive: existsSync(path.join(this.o.dir, 'live', PLAYLIST)),
      appendArchive: existsSync(path.join(this.o.dir, 'archive', PLAYLIST)),
    });
    // Tied to Salon: an ffmpeg left behind by a crash would hold the forward port.
    // SIGTERM, not SIGKILL: ffmpeg then flushes the segment it is writing.
    const child = spawnTied(this.o.ffmpegPath, args, {
      cwd: this.o.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      deathSignal: 'SIGTERM',
    });
    this.child = child;
    this.stderr = [];
    this.startedAt = Date.now();
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr.push(...chunk.split('\n').filter(Boolean));
      if (this.stderr.length > 20) this.stderr.splice(0, this.stderr.length - 20);
    });
    child.once('error', (error) => {
      this.o.logger.error({ err: error, space: this.o.spaceId }, 'packager could not start');
    });
    child.once('close', (code, signal) => this.exited(child, code, signal));
    if (child.pid !== undefined) {
      await writeFile(path.join(this.o.dir, PID_FILE), String(child.pid)).catch(() => undefined);
      this.emit('started', { pid: child.pid, port: this._port, restarts: this._restarts });
    }
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    const stderr = this.stderr.join('\n');
    this.emit('exited', { code, signal, stderr });
    if (this.stopping) return;
    this.failures = Date.now() - this.startedAt >= HEALTHY_RUN_MS ? 1 : this.failures + 1;
    this.o.logger.warn(
      { space: this.o.spaceId, code, signal, stderr },
      'packager exited; restarting it',
    );
    this.scheduleRestart();
  }

  /** At once after a healthy run; then backing off, so a broken setup does not spin. */
  private scheduleRestart(): void {
    const delay = this.failures <= 1 ? 0 : Math.min(100 * 2 ** (this.failures - 2), MAX_BACKOFF_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restart().catch((error: unknown) => {
        this.o.logger.error({ err: error, space: this.o.spaceId }, 'packager restart failed');
        this.emit('restartFailed', error);
        this.failures += 1;
        this.scheduleRestart();
      });
    }, delay);
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const port = await this.o.portForRestart(this._port);
    if (port !== this._port) {
      this._port = port;
      this.emit('portChanged', port);
    }
    this._restarts += 1;
    await this.spawn();
  }

  /** Flushes and stops; no restart after it. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.restartTimer) clearTimeout(this.restartTimer);
      const child = this.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
        const within = (ms: number) =>
          Promise.race([closed.then(() => true), sleep(ms, false, { ref: false })]);
        // Either way ffmpeg writes its last segment and ENDLIST.
        child.kill('SIGINT');
        if (!(await within(SECOND_SIGINT_MS))) {
          child.kill('SIGINT');
          if (!(await within(this.o.stopTimeoutMs ?? 5_000))) {
            child.kill('SIGKILL');
            await closed;
          }
        }
      }
      await rm(path.join(this.o.dir, PID_FILE), { force: true });
    })();
    return this.stopping;
  }

  /** An ffmpeg left over from a Salon that crashed would write into the same folder. */
  private async killStale(): Promise<void> {
    const pid = Number(await readFile(path.join(this.o.dir, PID_FILE), 'utf8').catch(() => ''));
    if (!Number.isInteger(pid) || pid <= 1) return;
    const [cmdline, cwd] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
      readlink(`/proc/${pid}/cwd`).catch(() => ''),
    ]);
    if (!cmdline.includes('ffmpeg') || path.resolve(cwd) !== path.resolve(this.o.dir)) return;
    this.o.logger.warn({ space: this.o.spaceId, pid }, 'killing a packager left over');
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await sleep(20);
  }
}
