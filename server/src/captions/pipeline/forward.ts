import type { FastifyBaseLogger } from 'fastify';
import type { FeedId, VideoRoom, VideoRoomId } from '../../media/janus/videoroom.js';
import { FORWARD_PT, freeRtpPort, RtpDecoder } from './decoder.js';
import type { SpeakerPipeline } from './speaker.js';

/** Where a speaker's feed lives: the VideoRoom room, its secret, the feed and its audio mid. */
export interface FeedLocation {
  control: VideoRoom;
  room: VideoRoomId;
  secret: string;
  feed: FeedId;
  mid: string;
}

/**
 * How a speaker's feed reaches the decoder: media's forwardFeed (FeedRooms)
 * on the node that carries the feed, so captions hold a forward, never a
 * Janus handle. Null: the feed is not live here (any more).
 */
export interface FeedSource {
  feed: FeedId;
  forward(target: { host: string; port: number; pt: number }): Promise<{
    stop(): Promise<void>;
  } | null>;
}

/** A source over a VideoRoom handle of one's own (a bare Janus, as in the captions path test). */
export function sourceAt(where: FeedLocation): FeedSource {
  const { control, room, secret, feed, mid } = where;
  return {
    feed,
    async forward(target) {
      const id = await control.rtpForward(room, feed, { ...target, mid }, secret);
      // The feed (or the room) may be gone already, taking its forwarders with it.
      return { stop: () => control.stopRtpForward(room, feed, id, secret).catch(() => undefined) };
    },
  };
}

/**
 * One captioned speaker's audio on the node that carries their feed: Janus
 * `rtp_forward`s the feed's Opus to a local UDP port, where an ffmpeg
 * (`RtpDecoder`) decodes it to 16 kHz PCM for the speaker's pipeline.
 * A decoder that dies is started again (new port, new forward) after a
 * short pause, at most `maxRestarts` times in a row without audio between;
 * `stop` removes the forward and the child, and finishes the pipeline.
 */
export class ForwardedSpeaker {
  private decoder: RtpDecoder | null = null;
  private readonly source: FeedSource;
  private forwarded: { stop(): Promise<void> } | null = null;
  private stopped = false;
  private restarts = 0;
  /** Restarts, for tests. */
  restarted = 0;

  constructor(
    where: FeedSource | FeedLocation,
    readonly pipeline: SpeakerPipeline,
    private readonly logger: FastifyBaseLogger,
    private readonly maxRestarts = 5,
  ) {
    this.source = 'forward' in where ? where : sourceAt(where);
  }

  get decoderPid(): number | undefined {
    return this.decoder?.pid;
  }

  async start(): Promise<void> {
    const port = await freeRtpPort();
    const decoder = new RtpDecoder(port);
    this.decoder = decoder;
    decoder.on('pcm', (pcm) => {
      this.restarts = 0;
      this.pipeline.push(pcm);
    });
    decoder.on('exit', (code, signal) => {
      if (this.stopped || this.decoder !== decoder) return;
      this.logger.warn({ code, signal, port }, 'captions decoder exited; starting it again');
      this.restart().catch((error: unknown) =>
        this.logger.error({ err: error }, 'captions decoder not restarted'),
      );
    });
    decoder.start();
    this.forwarded = await this.source.forward({ host: '127.0.0.1', port, pt: FORWARD_PT });
    if (!this.forwarded) throw new Error(`feed ${this.source.feed} is not live on this node`);
    if (this.stopped) await this.unforward();
  }

  private async restart(): Promise<void> {
    if (++this.restarts > this.maxRestarts) {
      await this.pipeline.setState('unavailable');
      return;
    }
    this.restarted++;
    await this.unforward();
    await new Promise((r) => setTimeout(r, 250 * this.restarts));
    if (!this.stopped) await this.start();
  }

  private async unforward(): Promise<void> {
    const forwarded = this.forwarded;
    this.forwarded = null;
    await forwarded?.stop();
  }

  /** Idempotent. `abort` drops the lines under way (the space ended, captions off). */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.unforward();
    await this.decoder?.stop();
    await this.pipeline.stop(options);
  }
}
