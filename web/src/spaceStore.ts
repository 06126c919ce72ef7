/**
 * The app's copy of one joined space: the snapshot kept current with the
 * shared reducer, plus what the reducer does not keep (reactions, removal,
 * errors). It takes server messages through `handle()` and reports through
 * listeners, so it is tested without a socket.
 */
import {
  applyMessage,
  type ReactionCountsDto,
  type ReactionEmoji,
  type ServerMessage,
  type SpaceEventPayload,
  type SpaceSnapshot,
} from '@salon/protocol';
import { errorText } from './i18n';
import { type CaptionsFeed, EMPTY_FEED, reduceCaptions } from './screens/space/captions/feed';

export type SpaceStatus = 'joining' | 'joined' | 'failed' | 'removed';

export interface SpaceView {
  status: SpaceStatus;
  snapshot: SpaceSnapshot | null;
  /** Why the space cannot be shown (failed, removed). */
  error: string | null;
  /** A passing message about the last thing that went wrong (a rejected reaction). */
  notice: string | null;
  /** Live caption lines and state (the reducer of the snapshot does not keep them). */
  captions: CaptionsFeed;
}

export interface ReactionBatch {
  counts: ReactionCountsDto;
  windowMs: number;
}

export class SpaceStore {
  private view: SpaceView = {
    status: 'joining',
    snapshot: null,
    error: null,
    notice: null,
    captions: EMPTY_FEED,
  };
  private readonly listeners = new Set<() => void>();
  private readonly reactionListeners = new Set<(batch: ReactionBatch) => void>();
  private readonly eventListeners = new Set<(events: SpaceEventPayload[]) => void>();

  /** `resync` asks the server for a fresh snapshot (the reducer found a gap). */
  constructor(
    readonly spaceId: string,
    private readonly resync: () => void,
  ) {}

  getView = (): SpaceView => this.view;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onReactions = (listener: (batch: ReactionBatch) => void): (() => void) => {
    this.reactionListeners.add(listener);
    return () => this.reactionListeners.delete(listener);
  };

  /** Each applied change of the space, in order (for notices about what happened to you). */
  onEvents = (listener: (events: SpaceEventPayload[]) => void): (() => void) => {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  };

  handle(message: ServerMessage): void {
    if (!('space_id' in message) || message.space_id !== this.spaceId) return;
    switch (message.type) {
      case 'reactions':
        for (const listener of [...this.reactionListeners]) {
          listener({ counts: message.counts, windowMs: message.window_ms });
        }
        return;
      case 'removed_from_space':
        this.set({
          status: 'removed',
          error: errorText({
            code: message.code ?? 'removed_from_space',
            message: message.message,
          }),
        });
        return;
      case 'error':
        this.onError(errorText(message), message.request_id);
        return;
      case 'caption':
      case 'captions_state':
        if (this.view.status !== 'removed') {
          this.set({ captions: reduceCaptions(this.view.captions, message) });
        }
        return;
    }
    if (this.view.status === 'removed') return;
    if (message.type === 'snapshot') {
      this.view = {
        ...this.view,
        captions: reduceCaptions(this.view.captions, {
          type: 'snapshot',
          captions: message.snapshot.captions,
        }),
      };
    }
    const result = applyMessage(this.view.snapshot, message);
    if (result.kind === 'resync') this.resync();
    else if (result.kind === 'applied') {
      this.set({ status: 'joined', snapshot: result.snapshot, error: null });
      if (message.type === 'event') {
        for (const listener of [...this.eventListeners]) listener(message.events);
      }
    }
  }

  /** Shows a problem that is not the server's (a failed command) without losing the space. */
  notify(notice: string | null): void {
    this.set({ notice });
  }

  private onError(text: string, requestId: string | undefined): void {
    const failedToJoin = requestId?.startsWith('subscribe:') === true;
    if (failedToJoin && this.view.snapshot === null) {
      this.set({ status: 'failed', error: text });
    } else {
      this.set({ notice: text });
    }
  }

  private set(patch: Partial<SpaceView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}

/** Emoji of one aggregated batch, as a list to float (capped: a thousand hearts are still a few). */
export function floatingEmoji(counts: ReactionCountsDto, perEmojiCap = 5): ReactionEmoji[] {
  const out: ReactionEmoji[] = [];
  for (const [emoji, count] of Object.entries(counts) as [ReactionEmoji, number][]) {
    for (let i = 0; i < Math.min(count, perEmojiCap); i++) out.push(emoji);
  }
  return out;
}
