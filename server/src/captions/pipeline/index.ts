import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../../bus/bus.js';
import { onCommits } from '../../media/commits.js';
import type { FeedRooms } from '../../media/feeds/rooms.js';
import type { Metrics } from '../../observability/metrics.js';
import type { SpaceState } from '../../spaces/model.js';
import type { CaptionEngine } from '../engines/index.js';
import { ForwardedSpeaker } from './forward.js';
import { SpeakerPipeline } from './speaker.js';
import type { CaptionSink } from './types.js';

export interface CaptionsPipelineOptions {
  feeds: FeedRooms;
  /** Committed space changes (SpaceService.onCommitted) and a read of the current state. */
  spaces: {
    onCommitted(listener: (state: SpaceState) => void): void;
    get(id: string, current?: boolean): Promise<SpaceState>;
  };
  /**
   * Every node's commits (media/commits.ts): a change committed on another node
   * (captions turned on there, say) reaches the node holding the feeds.
   */
  bus?: Bus;
  engine: CaptionEngine | null;
  sink: CaptionSink;
  logger: FastifyBaseLogger;
  /** Speakers this node transcribes at once (CAPTIONS_MAX_STREAMS); past it, `unavailable`. */
  maxStreams: number;
  metrics?: Metrics;
}

/** Whose captions a space wants: live, captions on, on stage, not opted out. */
export function captionedSpeakers(state: SpaceState): string[] {
  if (state.state !== 'live' || !state.captions) return [];
  const off = new Set(state.captions_off ?? []);
  return state.stage.map((m) => m.user_id).filter((id) => !off.has(id));
}

/**
 * The node's captions: for every stage member a live space wants captions
 * of (`captionedSpeakers`), their feed is made wanted (so their client
 * publishes it, `feeds_wanted`), and once it is live **on this node's**
 * Janus it is forwarded and transcribed (`ForwardedSpeaker`). A feed lives
 * on exactly one node, the one carrying the space's media, so each speaker
 * is transcribed once in a cluster. Captions turned off, a member leaving
 * the stage or opting out, the end of the space: forward, decoder and
 * pipeline are torn down. A muted member's feed is moderated in Janus and
 * sends nothing, so nothing is transcribed.
 */
export class CaptionsPipeline {
  /** Per space: who is wanted now. */
  private readonly wanted = new Map<string, Set<string>>();
  /** `spaceId\u0000userId` → the running speaker and the feed it forwards. */
  private readonly running = new Map<string, { speaker: ForwardedSpeaker; feed: number }>();
  private readonly languages = new Map<string, string>();
  /** Speakers told `unavailable` (over the cap, or a language the engine lacks). */
  private readonly refused = new Set<string>();
  private readonly queue = new Map<string, Promise<void>>();
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: CaptionsPipelineOptions) {
    o.spaces.onCommitted((state) => this.follow(state));
    // A commit of another node: followed where this node holds feeds of the
    // space or captions it (its own commits come through onCommitted too;
    // following twice changes nothing).
    this.unsubscribe = o.bus
      ? onCommits(o.bus, (commit) => {
          const id = commit.space_id;
          if (!this.wanted.has(id) && !o.feeds.holds(id)) return;
          this.followSpace(id).catch((error: unknown) =>
            o.logger.warn({ err: error, space: id }, 'captions did not read the space'),
          );
        })
      : () => undefined;
    o.feeds.on('feeds', (spaceId) => {
      if (this.wanted.has(spaceId)) this.reconcile(spaceId);
    });
  }

  /** For tests and the bench: who is transcribed here now. */
  describe(spaceId: string): string[] {
    return [...this.running.keys()]
      .filter((k) => k.startsWith(`${spaceId}\u0000`))
      .map((k) => k.slice(spaceId.length + 1))
      .sort();
  }

  speaker(spaceId: string, userId: string): ForwardedSpeaker | undefined {
    return this.running.get(`${spaceId}\u0000${userId}`)?.speaker;
  }

  /**
   * Reads a space's current state and follows it: when its media opens on
   * this node (at its start, after a restart or a failover), since no
   * commit may come for a while.
   */
  async followSpace(spaceId: string): Promise<void> {
    if (this.closed || !this.o.engine) return;
    this.follow(await this.o.spaces.get(spaceId, true));
  }

  /** The engine this node runs, for GET /captions/status. */
  get engine(): CaptionEngine | null {
    return this.o.engine;
  }

  /** Applies a space's state (each commit, and at start for the live spaces). */
  follow(state: SpaceState): void {
    if (this.closed || !this.o.engine) return;
    const next = new Set(captionedSpeakers(state));
    const before = this.wanted.get(state.id) ?? new Set<string>();
    this.languages.set(state.id, state.language);
    for (const userId of before)
      if (!next.has(userId)) this.o.feeds.setCaptioned(state.id, userId, false);
    if (next.size === 0) this.wanted.delete(state.id);
    else {
      this.wanted.set(state.id, next);
      // Someone will be captioned soon: the engine loads its model before their first words.
      this.o.engine.warm?.().catch(() => undefined);
    }
    for (const userId of next) this.o.feeds.setCaptioned(state.id, userId, true);
    this.reconcile(state.id);
  }

  /** Starts and stops speakers of a space to match what is wanted and live here; one pass at a time. */
  private reconcile(spaceId: string): void {
    const run = (this.queue.get(spaceId) ?? Promise.resolve())
      .then(() => this.apply(spaceId))
      .catch((error: unknown) =>
        this.o.logger.error({ err: error, space: spaceId }, 'captions did not follow the space'),
      );
    this.queue.set(spaceId, run);
    run.finally(() => {
      if (this.queue.get(spaceId) === run) this.queue.delete(spaceId);
    });
  }

  private async apply(spaceId: string): Promise<void> {
    const engine = this.o.engine;
    if (!engine) return;
    const wanted = this.closed
      ? new Set<string>()
      : (this.wanted.get(spaceId) ?? new Set<string>());
    for (const [key, entry] of [...this.running]) {
      const [sid, userId = ''] = key.split('\u0000');
      if (sid !== spaceId) continue;
      if (wanted.has(userId) && this.o.feeds.liveFeed(spaceId, userId) === entry.feed) continue;
      this.running.delete(key);
      this.o.metrics?.captionsStreams.set(this.running.size);
      await entry.speaker.stop({ abort: !wanted.has(userId) });
    }
    for (const key of [...this.refused])
      if (key.startsWith(`${spaceId}\u0000`) && !wanted.has(key.slice(spaceId.length + 1)))
        this.refused.delete(key);
    const language = this.languages.get(spaceId) ?? 'en';
    for (const userId of wanted) {
      const key = `${spaceId}\u0000${userId}`;
      if (this.running.has(key)) continue;
      const feed = this.o.feeds.liveFeed(spaceId, userId);
      if (feed === null) continue; // not published yet, or on another node
      if (!engine.supports(language) || this.running.size >= this.o.maxStreams) {
        if (!this.refused.has(key)) {
          this.refused.add(key);
          if (engine.supports(language)) this.o.metrics?.captionsStreamsRefused.inc();
          await this.o.sink.speakerState(spaceId, userId, 'unavailable');
        }
        continue;
      }
      this.refused.delete(key);
      const pipeline = new SpeakerPipeline({
        spaceId,
        speakerId: userId,
        language,
        engine,
        sink: this.o.sink,
        logger: this.o.logger,
      });
      const source = {
        feed,
        forward: (target: { host: string; port: number; pt: number }) =>
          this.o.feeds.forwardFeed(spaceId, userId, target),
      };
      const speaker = new ForwardedSpeaker(source, pipeline, this.o.logger);
      this.running.set(key, { speaker, feed });
      this.o.metrics?.captionsStreams.set(this.running.size);
      try {
        await speaker.start();
        await pipeline.setState('running');
      } catch (error) {
        this.running.delete(key);
        await speaker.stop({ abort: true });
        this.o.logger.warn({ err: error, space: spaceId, user: userId }, 'captions not started');
      }
    }
  }

  /** Stops every speaker (before the media plane closes). */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    const spaces = new Set([...this.running.keys()].map((k) => k.split('\u0000')[0] ?? ''));
    for (const spaceId of spaces) this.reconcile(spaceId);
    await Promise.all([...this.queue.values()]);
    await this.o.engine?.close();
  }
}
