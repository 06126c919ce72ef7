import type {
  CaptionLineDto,
  CaptionsSnapshotDto,
  CaptionsState,
  CaptionsStatusDto,
} from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus.js';
import { publishToSpace } from '../bus/space-channel.js';
import type { SpaceState } from '../spaces/model.js';
import { captionsOn } from '../spaces/model.lifecycle.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import type { TranscriptLine, TranscriptStore } from './store.js';

/**
 * What the pipeline (captions/pipeline/) produces for one speaker: a partial
 * while they talk, then one final per utterance. Times are epoch ms.
 */
export interface CaptionLine {
  spaceId: string;
  utteranceId: string;
  speakerId: string;
  kind: 'partial' | 'final';
  text: string;
  startMs: number;
  endMs: number;
  engine: string;
}

/** A speaker's captioning as the pipeline reports it. */
export type SpeakerCaptionState = 'running' | 'unavailable' | 'paused';

/** Partials per speaker: at most one per this many ms; the latest one wins. */
export const PARTIAL_INTERVAL_MS = 500;
/** Finals a late joiner gets in the snapshot. */
export const SNAPSHOT_FINALS = 5;
/** Longest line kept (characters); an engine's runaway output is cut. */
export const MAX_LINE_CHARS = 1_000;

/** Every node hears speaker states here, whichever node transcribes them. */
export const CAPTIONS_CHANNEL = 'captions';

export interface CaptionsServiceOptions {
  spaces: SpaceService;
  store: TranscriptStore;
  bus: Bus;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** How long partials wait for their turn (tests may shorten it). */
  partialIntervalMs?: number;
}

/** What may be published for a speaker (`publish` answers with it). */
export type PublishOutcome =
  | 'sent'
  | 'coalesced'
  | 'stored'
  | 'captions_off'
  | 'speaker_off'
  | 'not_live'
  | 'not_on_stage'
  | 'empty';

interface SpeakerSlot {
  /** Increases per line; starts from the clock, so a restarted node keeps counting up. */
  seq: number;
  lastPartialAt: number;
  pending: CaptionLine | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Live captions: the pipeline hands each line to `publish`; this checks the
 * space's setting and the speaker's own choice (in the space state, so the
 * same on every node), bounds partials to one per speaker per 500 ms (the
 * latest wins, sent when the interval ends), stores finals, numbers lines
 * per speaker, and publishes a typed `caption` message on the space's bus
 * channel. Every node's gateway (rooms.ts) forwards it as an audio-derived
 * message: only subscribers who may hear the space (the ticket rule) get it.
 *
 * Speaker states ('running', 'unavailable', 'paused') go on CAPTIONS_CHANNEL
 * so every node's snapshot says the same, and on the space's channel as a
 * `captions_state` message for the people in it.
 */
export class CaptionsService {
  private readonly speakers = new Map<string, SpeakerSlot>();
  /** spaceId → speakerId → state, from every node. */
  private readonly states = new Map<string, Map<string, SpeakerCaptionState>>();
  private readonly interval: number;
  private readonly unsubscribe: () => void;
  private closed = false;
  private engine: CaptionsStatusDto = { engine: null, languages: [] };

  /** Where finals are kept (search, the replay's transcript, retention read it). */
  get store(): TranscriptStore {
    return this.o.store;
  }

  constructor(private readonly o: CaptionsServiceOptions) {
    this.interval = o.partialIntervalMs ?? PARTIAL_INTERVAL_MS;
    this.unsubscribe = o.bus.subscribe(CAPTIONS_CHANNEL, (text) => this.onStates(text));
  }

  /**
   * Whether the pipeline should transcribe this speaker now: captions on, the
   * space live, the speaker on its stage and not opted out. The pipeline may
   * call it per utterance (the state is cached per node).
   */
  async wants(spaceId: string, speakerId: string): Promise<boolean> {
    const state = await this.o.spaces.get(spaceId).catch(() => null);
    return state !== null && refusal(state, speakerId) === null;
  }

  /**
   * The pipeline says which engine this node runs (null: none configured or
   * installed); `GET /api/v1/captions/status` answers with it.
   */
  useEngine(
    engine: { name: 'pocketsphinx' | 'whisper-http'; languages: readonly string[] } | null,
  ) {
    this.engine = engine
      ? { engine: engine.name, languages: [...engine.languages] }
      : { engine: null, languages: [] };
  }

  status(): CaptionsStatusDto {
    return { engine: this.engine.engine, languages: [...this.engine.languages] };
  }

  /** Publishes one line from the pipeline. Never throws for a line it drops: it says why. */
  async publish(line: CaptionLine): Promise<PublishOutcome> {
    if (this.closed) return 'not_live';
    const text = line.text.replace(/\s+/g, ' ').trim().slice(0, MAX_LINE_CHARS);
    if (text === '') return 'empty';
    const state = await this.o.spaces.get(line.spaceId).catch(() => null);
    if (!state) return 'not_live';
    const refused = refusal(state, line.speakerId);
    if (refused) {
      this.forget(line.spaceId, line.speakerId);
      return refused;
    }
    const clean = { ...line, text };
    const slot = this.slot(line.spaceId, line.speakerId);
    if (clean.kind === 'final') {
      // The final replaces every partial of its utterance, the pending one too.
      if (slot.pending?.utteranceId === clean.utteranceId) this.clearPending(slot);
      await this.o.store.append(toStored(clean));
      this.send(slot, clean);
      return 'stored';
    }
    const now = this.o.clock.now();
    if (slot.pending === null && now - slot.lastPartialAt >= this.interval) {
      slot.lastPartialAt = now;
      this.send(slot, clean);
      return 'sent';
    }
    // Within the interval: this one waits, replacing any that waited before it.
    slot.pending = clean;
    if (!slot.timer) {
      const wait = Math.max(0, slot.lastPartialAt + this.interval - now);
      slot.timer = setTimeout(() => this.flushPending(slot), wait);
      slot.timer.unref?.();
    }
    return 'coalesced';
  }

  /** The pipeline says how a speaker's captioning goes (e.g. the engine is down: 'paused'). */
  speakerState(spaceId: string, speakerId: string, state: SpeakerCaptionState): void {
    if (this.remember(spaceId, speakerId, state)) this.announceLater(spaceId);
    this.o.bus.publish(
      CAPTIONS_CHANNEL,
      JSON.stringify({ space_id: spaceId, speaker_id: speakerId, state }),
    );
  }

  /** The speaker left the stage or the space ended: forget their state here and everywhere. */
  speakerGone(spaceId: string, speakerId: string): void {
    this.forget(spaceId, speakerId);
    if (this.remember(spaceId, speakerId, null)) this.announceLater(spaceId);
    this.o.bus.publish(
      CAPTIONS_CHANNEL,
      JSON.stringify({ space_id: spaceId, speaker_id: speakerId, state: null }),
    );
  }

  /**
   * The captions part of a snapshot: state, unavailable speakers, the last 5
   * finals. Null for a space that is not captioned (the snapshot then has no
   * `captions`, which reads as off), so uncaptioned spaces look as before.
   */
  async snapshot(state: SpaceState): Promise<CaptionsSnapshotDto | null> {
    if (!captionsOn(state)) return null;
    const overall = this.stateOf(state);
    if (overall.state === 'off') return { ...overall, recent: [] };
    const recent = await this.o.store.recent(state.id, SNAPSHOT_FINALS);
    return {
      ...overall,
      recent: recent.map((line, i) => ({
        seq: i + 1,
        utterance_id: line.utterance_id,
        speaker_id: line.speaker_id,
        kind: 'final',
        text: line.text,
        start_ms: line.start_ms,
        end_ms: line.end_ms,
      })),
    };
  }

  /** `off` unless captioned and live; `paused` while any speaker's engine is down. */
  stateOf(state: SpaceState): { state: CaptionsState; unavailable: string[] } {
    if (!captionsOn(state) || state.state !== 'live') return { state: 'off', unavailable: [] };
    const speakers = this.states.get(state.id) ?? new Map<string, SpeakerCaptionState>();
    const onStage = new Set(state.stage.map((m) => m.user_id));
    const unavailable: string[] = [];
    let paused = false;
    for (const [speakerId, s] of speakers) {
      if (!onStage.has(speakerId)) continue;
      if (s === 'unavailable') unavailable.push(speakerId);
      if (s === 'paused') paused = true;
    }
    return { state: paused ? 'paused' : 'running', unavailable: unavailable.sort() };
  }

  private announceLater(spaceId: string): void {
    this.announce(spaceId).catch((error: unknown) =>
      this.o.logger.warn({ err: error }, 'captions state not announced'),
    );
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const slot of this.speakers.values()) this.clearPending(slot);
    this.speakers.clear();
  }

  private onStates(text: string): void {
    let m: { space_id?: unknown; speaker_id?: unknown; state?: unknown };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return;
    }
    if (typeof m.space_id !== 'string' || typeof m.speaker_id !== 'string') return;
    const state =
      m.state === 'running' || m.state === 'unavailable' || m.state === 'paused' ? m.state : null;
    this.remember(m.space_id, m.speaker_id, state);
  }

  /** Keeps one speaker's state here; true when it changed. */
  private remember(spaceId: string, speakerId: string, state: SpeakerCaptionState | null): boolean {
    const known = this.states.get(spaceId) ?? new Map<string, SpeakerCaptionState>();
    const before = known.get(speakerId) ?? null;
    if (state) known.set(speakerId, state);
    else known.delete(speakerId);
    if (known.size > 0) this.states.set(spaceId, known);
    else this.states.delete(spaceId);
    return before !== state;
  }

  /**
   * The node whose pipeline saw the change tells the space's subscribers on
   * every node, once, with the state as this node knows it (every node's
   * speakers, from CAPTIONS_CHANNEL).
   */
  private async announce(spaceId: string): Promise<void> {
    const state = await this.o.spaces.get(spaceId).catch(() => null);
    if (!state) return;
    publishToSpace(this.o.bus, {
      type: 'captions_state',
      space_id: spaceId,
      ...this.stateOf(state),
    });
  }

  private slot(spaceId: string, speakerId: string): SpeakerSlot {
    const key = `${spaceId} ${speakerId}`;
    let slot = this.speakers.get(key);
    if (!slot) {
      slot = {
        seq: this.o.clock.now(),
        lastPartialAt: Number.NEGATIVE_INFINITY,
        pending: null,
        timer: null,
      };
      this.speakers.set(key, slot);
    }
    return slot;
  }

  private forget(spaceId: string, speakerId: string): void {
    const key = `${spaceId} ${speakerId}`;
    const slot = this.speakers.get(key);
    if (!slot) return;
    this.clearPending(slot);
    this.speakers.delete(key);
  }

  private clearPending(slot: SpeakerSlot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.pending = null;
  }

  /** The interval is over: the latest waiting partial goes, if captions still allow it. */
  private flushPending(slot: SpeakerSlot): void {
    slot.timer = null;
    const line = slot.pending;
    slot.pending = null;
    if (!line || this.closed) return;
    this.o.spaces
      .get(line.spaceId)
      .then((state) => {
        if (refusal(state, line.speakerId) !== null) return;
        slot.lastPartialAt = this.o.clock.now();
        this.send(slot, line);
      })
      .catch((error: unknown) => this.o.logger.warn({ err: error }, 'caption partial dropped'));
  }

  private send(slot: SpeakerSlot, line: CaptionLine): void {
    slot.seq += 1;
    const dto: CaptionLineDto = {
      seq: slot.seq,
      utterance_id: line.utteranceId,
      speaker_id: line.speakerId,
      kind: line.kind,
      text: line.text,
      start_ms: line.startMs,
      end_ms: line.endMs,
    };
    publishToSpace(this.o.bus, { type: 'caption', space_id: line.spaceId, ...dto });
  }
}

/** Why a line from this speaker may not be shown now, or null. */
function refusal(
  state: SpaceState,
  speakerId: string,
): 'captions_off' | 'speaker_off' | 'not_live' | 'not_on_stage' | null {
  if (state.state !== 'live') return 'not_live';
  if (!captionsOn(state)) return 'captions_off';
  if (!state.stage.some((m) => m.user_id === speakerId)) return 'not_on_stage';
  if ((state.captions_off ?? []).includes(speakerId)) return 'speaker_off';
  return null;
}

// Alike transcripts.ts's pick() in shape: this renames a live line's fields, pick copies a row and reads bigints as numbers.
function toStored(line: CaptionLine): TranscriptLine {
  return {
    space_id: line.spaceId,
    utterance_id: line.utteranceId,
    speaker_id: line.speakerId,
    text: line.text,
    start_ms: line.startMs,
    end_ms: line.endMs,
    engine: line.engine,
  };
}
