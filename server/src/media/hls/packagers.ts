import type { FastifyBaseLogger } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';
import { spaceDir } from '../../streams/layout.js';
import type { MixForwarding } from '../api.js';
import type { RoomId } from '../janus/audiobridge.js';
import type { HlsSettings } from '../settings.js';
import { MIX_PAYLOAD_TYPE } from './ffmpeg.js';
import { LEASE_RENEW_MS, LeaseKeeper, type PackagerLeases, type PreviousTap } from './leases.js';
import { Packager } from './packager.js';
import { PortPool } from './ports.js';

interface Tap {
  packager: Packager;
  room: RoomId | null;
  forwarder: number | null;
}

/** A space whose packager could not start: tried again, later and later, while its room is open. */
interface Retry {
  room: RoomId;
  attempts: number;
  timer: NodeJS.Timeout;
}

/** The first retry of a packager that could not start; each next one waits twice as long. */
export const START_RETRY_MS = 1_000;
export const START_RETRY_MAX_MS = 30_000;

export function startRetryDelay(attempts: number): number {
  return Math.min(START_RETRY_MS * 2 ** Math.max(0, attempts - 1), START_RETRY_MAX_MS);
}

/**
 * The HLS tier of one media node: for every room the plane opens, a packager
 * fed by its own `rtp_forward` of the room's mix. When Janus restarts, the
 * plane recreates the room and calls `roomReady` again: the packager keeps
 * running and only the forwarder is made anew; when the packager restarts on
 * another port, the forwarder follows it. A packager that cannot start (the
 * folder is not writable, no port is free) is retried with backoff as long as
 * its room is open, so the space gets its HLS and its moderation copy once
 * the cause is gone; meanwhile `failing` counts it, for metrics and readiness.
 */
export class HlsPackagers {
  private readonly taps = new Map<string, Tap>();
  private readonly ports: PortPool;
  private plane: MixForwarding | null = null;
  private closed = false;
  private readonly retries = new Map<string, Retry>();
  /** Running packagers whose last restart failed (they retry on their own). */
  private readonly restartFailing = new Set<string>();

  constructor(
    private readonly o: {
      dataDir: string;
      settings: HlsSettings;
      logger: FastifyBaseLogger;
      metrics?: Pick<Metrics, 'hlsPackagersFailing' | 'hlsPackagerStartFailures'>;
      /** One packager per space in the cluster (shared database); unset: every room gets one here. */
      leases?: PackagerLeases;
      renewMs?: number;
    },
  ) {
    this.ports = new PortPool(o.settings.rtpPorts);
    this.lease = o.leases ? new LeaseKeeper(o.leases, this, o.renewMs ?? LEASE_RENEW_MS) : null;
  }

  get logger(): FastifyBaseLogger {
    return this.o.logger;
  }

  /** @internal The lease keeper: a forwarder the previous holder left in the room. */
  async dropForwarder(spaceId: string, tap: PreviousTap): Promise<void> {
    await this.plane?.stopForwardingMix(spaceId, tap.room, tap.forwarder);
  }

  private readonly lease: LeaseKeeper | null;
  private readonly endedListeners: Array<(spaceId: string) => void> = [];

  /** The space ended on another node while this one held its packager: flushed here, cut here. */
  onEnded(listener: (spaceId: string) => void): void {
    this.endedListeners.push(listener);
  }

  /**
   * The space ended on this node: `here` once its packager (if this node holds
   * it) has flushed; `elsewhere` when another live node holds it, which then
   * flushes and cuts the replay.
   */
  async end(spaceId: string): Promise<'here' | 'elsewhere'> {
    await this.stop(spaceId);
    return this.handedOff.delete(spaceId) ? 'elsewhere' : 'here';
  }

  /** Spaces whose end this node handed to the node holding their packager (until `end` asks). */
  private readonly handedOff = new Set<string>();

  /** @internal The lease keeper: the end was marked by another node. */
  ended(spaceId: string): void {
    for (const listener of this.endedListeners) listener(spaceId);
  }

  /** Spaces of this node with no packager running now because it could not start. */
  get failing(): number {
    let n = this.retries.size;
    for (const id of this.restartFailing) if (!this.retries.has(id)) n += 1;
    return n;
  }

  /** The plane is built with `roomReady` as its hook, then attached here. */
  attach(plane: MixForwarding): void {
    this.plane = plane;
  }

  /** The media plane opened (or, after a Janus restart, recreated) a space's room. */
  roomReady(spaceId: string, room: RoomId): void {
    void this.run(spaceId, async () => {
      let tap = this.taps.get(spaceId);
      if (!tap) {
        if (this.closed) return;
        // Another node's packager: this one waits to take it over.
        if (this.lease && !(await this.lease.take(spaceId, room))) return;
        try {
          tap = await this.open(spaceId);
        } catch (error) {
          this.startFailed(spaceId, room, error);
          return;
        }
        this.clearRetry(spaceId);
      }
      if (tap.room === room && tap.forwarder !== null) return;
      await this.unforward(spaceId, tap);
      tap.room = room;
      await this.forward(spaceId, tap);
    });
  }

  /** @internal The lease keeper: another node took the lease over; this packager stops. */
  lost(spaceId: string): Promise<void> {
    return this.stop(spaceId, false);
  }

  packager(spaceId: string): Packager | undefined {
    return this.taps.get(spaceId)?.packager;
  }

  /**
   * The space ended (or, on shutdown, this node stops): ffmpeg flushes its
   * last segment and ENDLIST, then exits, and the lease is given up.
   */
  async stop(spaceId: string, release = true): Promise<void> {
    this.clearRetry(spaceId);
    const step = this.run(spaceId, async () => {
      this.clearRetry(spaceId);
      this.restartFailing.delete(spaceId);
      this.updateGauge();
      this.lease?.unwatch(spaceId);
      const tap = this.taps.get(spaceId);
      if (!tap) {
        if (!release || !this.lease) return;
        await this.releaseLease(spaceId);
        // Ended here, packaged elsewhere: that node flushes (before the room goes) and cuts.
        if (!this.closed && (await this.lease.handOff(spaceId))) this.handedOff.add(spaceId);
        return;
      }
      this.taps.delete(spaceId);
      // Stopped while the mix still flows, so ffmpeg sees the signal at once.
      await tap.packager.stop();
      await this.unforward(spaceId, tap);
      this.ports.release(tap.packager.port);
      if (release) await this.releaseLease(spaceId);
    });
    await step;
    if (this.chains.get(spaceId) === step) this.chains.delete(spaceId);
  }

  private async releaseLease(spaceId: string): Promise<void> {
    if (!this.lease) return;
    const { ending } = await this.lease.release(spaceId);
    // Ended on another node meanwhile: flushed here, so cut here (not while shutting down).
    if (ending && !this.closed) this.ended(spaceId);
  }

  /** Shutdown: every packager flushes; live spaces resume appending at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.lease?.close();
    for (const id of [...this.retries.keys()]) this.clearRetry(id);
    await Promise.all([...this.taps.keys()].map((id) => this.stop(id)));
  }

  private startFailed(spaceId: string, room: RoomId, error: unknown): void {
    this.o.metrics?.hlsPackagerStartFailures.inc();
    const attempts = (this.retries.get(spaceId)?.attempts ?? 0) + 1;
    this.clearRetry(spaceId);
    if (this.closed) return;
    const delay = startRetryDelay(attempts);
    this.o.logger.error(
      { err: error, space: spaceId, attempts, retryInMs: delay },
      'HLS packager could not start; trying again',
    );
    const timer = setTimeout(() => {
      if (this.retries.get(spaceId)?.timer !== timer) return;
      // Still failing until the attempt succeeds; roomReady clears it then.
      this.roomReady(spaceId, room);
    }, delay);
    timer.unref();
    this.retries.set(spaceId, { room, attempts, timer });
    this.updateGauge();
  }

  /** Keeps the count of attempts only while a retry is pending; a success or stop forgets it. */
  private clearRetry(spaceId: string): void {
    const retry = this.retries.get(spaceId);
    if (!retry) return;
    clearTimeout(retry.timer);
    this.retries.delete(spaceId);
    this.updateGauge();
  }

  private updateGauge(): void {
    this.o.metrics?.hlsPackagersFailing.set(this.failing);
  }

  /** Changes to one space's tap run one after another. */
  private readonly chains = new Map<string, Promise<void>>();

  private run(spaceId: string, work: () => Promise<void>): Promise<void> {
    const step = (this.chains.get(spaceId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) =>
        this.o.logger.error({ err: error, space: spaceId }, 'HLS packager setup failed'),
      );
    this.chains.set(spaceId, step);
    return step;
  }

  private async open(spaceId: string): Promise<Tap> {
    const port = await this.ports.take();
    const packager = new Packager({
      spaceId,
      dir: spaceDir(this.o.dataDir, spaceId),
      port,
      ffmpegPath: this.o.settings.ffmpegPath,
      // ffmpeg listens on the one address Janus forwards the mix to.
      bindHost: this.o.settings.forwardHost,
      logger: this.o.logger,
      portForRestart: async (current) => {
        if (await this.ports.stillFree(current)) return current;
        this.ports.release(current);
        return this.ports.take();
      },
    });
    const tap: Tap = { packager, room: null, forwarder: null };
    packager.on('restartFailed', () => {
      this.o.metrics?.hlsPackagerStartFailures.inc();
      this.restartFailing.add(spaceId);
      this.updateGauge();
    });
    packager.on('started', () => {
      if (this.restartFailing.delete(spaceId)) this.updateGauge();
    });
    packager.on('portChanged', () => {
      void this.run(spaceId, async () => {
        if (this.taps.get(spaceId) !== tap) return;
        await this.unforward(spaceId, tap);
        await this.forward(spaceId, tap);
      });
    });
    try {
      await packager.start();
    } catch (error) {
      await packager.stop();
      this.ports.release(port);
      throw error;
    }
    this.taps.set(spaceId, tap);
    return tap;
  }

  private async forward(spaceId: string, tap: Tap): Promise<void> {
    if (!this.plane || tap.room === null) return;
    tap.forwarder = await this.plane.forwardMix(spaceId, tap.room, {
      host: this.o.settings.forwardHost,
      port: tap.packager.port,
      ptype: MIX_PAYLOAD_TYPE,
    });
    await this.lease?.record(spaceId, { room: tap.room, forwarder: tap.forwarder });
    this.o.logger.debug(
      { space: spaceId, room: tap.room, port: tap.packager.port },
      'mix forwarded to the HLS packager',
    );
  }

  private async unforward(spaceId: string, tap: Tap): Promise<void> {
    if (!this.plane || tap.room === null || tap.forwarder === null) return;
    const forwarder = tap.forwarder;
    tap.forwarder = null;
    await this.plane.stopForwardingMix(spaceId, tap.room, forwarder).catch(() => undefined);
  }
}
