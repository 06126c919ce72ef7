/**
 * One link's state as a pure machine: `step(state, input)` returns the next
 * state and the effects for the controller to run, in order. The controller
 * holds the handles (peer connections, elements, the feeds) and feeds back
 * what happened to them; nothing here touches the browser.
 *
 * Per-speaker volume: while every speaker is at the default volume you hear
 * the mix (one stream, the cheapest). Once you set a speaker away from the
 * default, and the link is WebRTC (a listener's or a stage member's), the
 * controller also watches every speaker's feed (`feeds_watch`) and plays each
 * through its own gain (`speakers.ts`, `mixer.ts`); once they play (every
 * speaker's feed there: they are published on demand), a listener stops the mix
 * (`media_stop_listening`), a stage member silences the stage's return audio,
 * so there is no gap. Back at the defaults, a listener takes the mix again
 * and drops the feeds once it is connected; a stage member just drops them.
 * When the feeds fail, the mix plays and the feeds are tried again later.
 * A link that starts with volumes already set keeps its mix silent until the
 * feeds play (or fail), so a speaker you turned down is not heard meanwhile.
 *
 * The mix mode says what the link's mix is doing while per-speaker volumes
 * switch you between the mix and the speakers' feeds:
 *
 * - `none` → `mix` once the mix arrives, or `quiet` when volumes are set already;
 * - `quiet` → `mix` when the feeds play, fail, or are not wanted any more;
 * - `mix` → `stopped` when the feeds are audible, for a listener: the server
 *   stops sending the mix;
 * - `stopped` → `remix_negotiating` when everyone is back at the default
 *   (feeds lost while `stopped`: the link fails and is negotiated again);
 * - `remix_negotiating` → `remix_connecting` when the new mix arrives, → `mix`
 *   when it connects (only then do the feeds go: make before break).
 *
 * A stage member's mix (the stage's return audio) is never stopped: while the
 * feeds are audible it is only silenced, so it stays in `mix`.
 */
import { AudioFailure } from './failure';
import type { AudioRoute } from './state';

export type MixMode =
  /** Not negotiated yet: nothing to hear. */
  | 'none'
  /** The mix plays, heard unless the feeds are audible. */
  | 'mix'
  /** The mix plays silent: volumes were set when it came, the feeds are on their way. */
  | 'quiet'
  /** A listener's mix was stopped (the server told, the connection closed): the feeds carry the audio. */
  | 'stopped'
  /** Going back to the mix: a new listen is negotiated while the feeds play. */
  | 'remix_negotiating'
  /** The new mix is there; the feeds play until it connects. */
  | 'remix_connecting';

export interface LinkState {
  route: AudioRoute | null;
  /** The peer connection (or the HLS player) has media. */
  connected: boolean;
  /** An element played (autoplay allowed it). */
  played: boolean;
  mix: MixMode;
}

export type LinkInput =
  | { type: 'route'; route: AudioRoute }
  /** The mix (or the stage's return audio) arrived; `quiet` when the feeds will replace it. */
  | { type: 'mix_attached'; quiet: boolean }
  | { type: 'played' }
  | { type: 'connected' }
  /** The HLS player waits for data. */
  | { type: 'stalled' }
  /** Whether the feeds are wanted and may be tried now (`syncFeeds`). */
  | { type: 'feeds_allowed'; allowed: boolean }
  /** The feeds are what you hear now. */
  | { type: 'feeds_audible' }
  /** Everyone is back at the default volume. */
  | { type: 'take_mix_back' }
  /** The feeds failed (already dropped). */
  | { type: 'feeds_lost'; error: unknown }
  /** The new mix of a remix arrived; `connected` when its peer already is. */
  | { type: 'remix_attached'; connected: boolean }
  /** The new mix did not connect in time. */
  | { type: 'remix_timeout' };

export type LinkEffect =
  /** Tell the server to stop the mix and close its connection (the feeds carry the audio). */
  | { type: 'stop_mix' }
  /** Negotiate a new listen (`remix_attached` or a failure follows). */
  | { type: 'remix' }
  /** Play the new mix and give it a while to connect. */
  | { type: 'play_remix' }
  /** Leave the feeds. */
  | { type: 'drop_feeds' }
  /** Set who is audible (`mixAudible`) and what the probe hears. */
  | { type: 'output' }
  /** Look again at whether the feeds should run. */
  | { type: 'sync_feeds' }
  /** The link has audio: say `playing` (played and connected). */
  | { type: 'playing' }
  /** The link failed: renegotiate. */
  | { type: 'fail'; error: unknown };

export interface Step {
  state: LinkState;
  effects: LinkEffect[];
}

export const NEW_LINK: LinkState = { route: null, connected: false, played: false, mix: 'none' };

const OUTPUT: LinkEffect = { type: 'output' };
const SYNC: LinkEffect = { type: 'sync_feeds' };

export function step(state: LinkState, input: LinkInput): Step {
  switch (input.type) {
    case 'route':
      return { state: { ...state, route: input.route }, effects: [] };
    case 'mix_attached':
      return { state: { ...state, mix: input.quiet ? 'quiet' : 'mix' }, effects: [OUTPUT] };
    case 'played':
      return live({ ...state, played: true });
    case 'connected': {
      const next = { ...state, connected: true };
      if (state.mix !== 'remix_connecting') return live(next);
      // The mix is connected again: the feeds go (volumes set again meanwhile bring them back).
      const done = live({ ...next, mix: 'mix' });
      return { state: done.state, effects: [{ type: 'drop_feeds' }, OUTPUT, ...done.effects] };
    }
    case 'stalled':
      return { state: { ...state, connected: false }, effects: [] };
    case 'feeds_allowed':
      // The feeds will not come (not wanted any more, or failing): hear the mix.
      if (state.mix === 'quiet' && !input.allowed)
        return { state: { ...state, mix: 'mix' }, effects: [OUTPUT] };
      return { state, effects: [] };
    case 'feeds_audible':
      return feedsAudible(state);
    case 'take_mix_back':
      return takeMixBack(state);
    case 'feeds_lost':
      return feedsLost(state, input.error);
    case 'remix_attached': {
      if (state.mix !== 'remix_negotiating') return { state, effects: [] };
      const attached: Step = {
        state: { ...state, mix: 'remix_connecting' },
        effects: [{ type: 'play_remix' }],
      };
      if (!input.connected) return attached;
      const connected = step(attached.state, { type: 'connected' });
      return { state: connected.state, effects: [...attached.effects, ...connected.effects] };
    }
    case 'remix_timeout':
      if (!remixing(state)) return { state, effects: [] };
      return {
        state,
        effects: [{ type: 'fail', error: notConnected() }],
      };
  }
}

/** A listener stops the mix (cheaper, nobody heard twice); a stage member's is silenced by `output`. */
function feedsAudible(state: LinkState): Step {
  const mix: MixMode = state.mix === 'quiet' ? 'mix' : state.mix;
  if (state.route === 'webrtc' && (mix === 'none' || mix === 'mix' || mix === 'remix_connecting'))
    return { state: { ...state, mix: 'stopped' }, effects: [{ type: 'stop_mix' }, OUTPUT, SYNC] };
  return { state: { ...state, mix }, effects: [OUTPUT, SYNC] };
}

/** A listener whose mix was stopped takes it back first (make before break); otherwise the feeds go now. */
function takeMixBack(state: LinkState): Step {
  if (state.route === 'webrtc' && state.mix === 'stopped')
    return { state: { ...state, mix: 'remix_negotiating' }, effects: [{ type: 'remix' }] };
  if (remixing(state)) return { state, effects: [] };
  return { state, effects: [{ type: 'drop_feeds' }, OUTPUT, SYNC] };
}

/** The mix is heard again; a stopped one is gone, so the link starts over. */
function feedsLost(state: LinkState, error: unknown): Step {
  if (state.mix === 'stopped') return { state, effects: [{ type: 'fail', error }] };
  const mix: MixMode = state.mix === 'quiet' ? 'mix' : state.mix;
  return { state: { ...state, mix }, effects: [OUTPUT, SYNC] };
}

function live(state: LinkState): Step {
  return { state, effects: state.played && state.connected ? [{ type: 'playing' }, SYNC] : [SYNC] };
}

/** Going back from the feeds to the mix: the feeds are left alone meanwhile. */
export function remixing(state: LinkState): boolean {
  return state.mix === 'remix_negotiating' || state.mix === 'remix_connecting';
}

/** Whether the server is sending this link a mix (to be told to stop when the link ends). */
export function mixListened(state: LinkState): boolean {
  return state.route === 'webrtc' && state.mix !== 'stopped' && state.mix !== 'remix_negotiating';
}

/** Whether the mix is heard: there is one, it is not kept silent, and the feeds are not what you hear. */
export function mixAudible(state: LinkState, feedsAudible: boolean): boolean {
  return !feedsAudible && state.mix !== 'quiet';
}

/** Whether the speakers' feeds can run on this link now (a WebRTC link with media, on an open connection). */
export function feedsPossible(state: LinkState, connectionOpen: boolean): boolean {
  return (state.route === 'webrtc' || state.route === 'stage') && state.connected && connectionOpen;
}

function notConnected(): Error {
  return new AudioFailure('audio_not_connected', 'The audio did not connect.');
}

/** How long to wait before the next try, after this many failures in a row. */
export function backoff(failures: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, failures - 1));
}
