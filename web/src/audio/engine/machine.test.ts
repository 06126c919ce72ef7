import { describe, expect, it } from 'vitest';
import {
  backoff,
  feedsPossible,
  type LinkEffect,
  type LinkInput,
  type LinkState,
  type MixMode,
  mixAudible,
  mixListened,
  NEW_LINK,
  remixing,
  step,
} from './machine';
import type { AudioRoute } from './state';

const MODES: MixMode[] = [
  'none',
  'mix',
  'quiet',
  'stopped',
  'remix_negotiating',
  'remix_connecting',
];
const ROUTES: AudioRoute[] = ['webrtc', 'stage', 'hls'];

const link = (patch: Partial<LinkState> = {}): LinkState => ({
  route: 'webrtc',
  connected: true,
  played: true,
  mix: 'mix',
  ...patch,
});
const types = (effects: LinkEffect[]) => effects.map((effect) => effect.type);
const lost: LinkInput = { type: 'feeds_lost', error: new Error('ICE failed') };

describe('a new link', () => {
  it('starts with no route, no mix, neither connected nor played', () => {
    expect(NEW_LINK).toEqual({ route: null, connected: false, played: false, mix: 'none' });
  });

  it('takes its route, with nothing to do', () => {
    expect(step(NEW_LINK, { type: 'route', route: 'hls' })).toEqual({
      state: { ...NEW_LINK, route: 'hls' },
      effects: [],
    });
  });

  it('hears the mix once it arrives, or keeps it quiet when the feeds will replace it', () => {
    const heard = step(NEW_LINK, { type: 'mix_attached', quiet: false });
    expect(heard.state.mix).toBe('mix');
    expect(types(heard.effects)).toEqual(['output']);
    const quiet = step(NEW_LINK, { type: 'mix_attached', quiet: true });
    expect(quiet.state.mix).toBe('quiet');
    expect(types(quiet.effects)).toEqual(['output']);
  });
});

describe('playing', () => {
  it('says playing only once both played and connected, in either order, and looks at the feeds each time', () => {
    const played = step(link({ connected: false, played: false }), { type: 'played' });
    expect(types(played.effects)).toEqual(['sync_feeds']);
    expect(types(step(played.state, { type: 'connected' }).effects)).toEqual([
      'playing',
      'sync_feeds',
    ]);
    const connected = step(link({ connected: false, played: false }), { type: 'connected' });
    expect(types(connected.effects)).toEqual(['sync_feeds']);
    expect(types(step(connected.state, { type: 'played' }).effects)).toEqual([
      'playing',
      'sync_feeds',
    ]);
  });

  it('a stall is not connected any more, until the player plays again', () => {
    const stalled = step(link({ route: 'hls' }), { type: 'stalled' });
    expect(stalled).toEqual({ state: link({ route: 'hls', connected: false }), effects: [] });
    expect(types(step(stalled.state, { type: 'connected' }).effects)).toContain('playing');
  });
});

describe('the feeds allowed or not', () => {
  it('a quiet mix is heard once the feeds will not come', () => {
    const next = step(link({ mix: 'quiet' }), { type: 'feeds_allowed', allowed: false });
    expect(next.state.mix).toBe('mix');
    expect(types(next.effects)).toEqual(['output']);
  });

  it('changes nothing else, in any mode', () => {
    for (const mix of MODES) {
      const state = link({ mix });
      expect(step(state, { type: 'feeds_allowed', allowed: true })).toEqual({ state, effects: [] });
      if (mix !== 'quiet')
        expect(step(state, { type: 'feeds_allowed', allowed: false })).toEqual({
          state,
          effects: [],
        });
    }
  });
});

describe('the feeds audible', () => {
  it("a listener's mix is stopped: the server stops sending it", () => {
    for (const mix of ['none', 'mix', 'quiet', 'remix_connecting'] as const) {
      const next = step(link({ mix }), { type: 'feeds_audible' });
      expect(next.state.mix, mix).toBe('stopped');
      expect(types(next.effects), mix).toEqual(['stop_mix', 'output', 'sync_feeds']);
    }
  });

  it('a mix stopped already (or being negotiated again) is not stopped twice', () => {
    for (const mix of ['stopped', 'remix_negotiating'] as const) {
      const next = step(link({ mix }), { type: 'feeds_audible' });
      expect(next.state.mix).toBe(mix);
      expect(types(next.effects)).toEqual(['output', 'sync_feeds']);
    }
  });

  it("a stage member's return audio is only silenced: it carries on", () => {
    const quiet = step(link({ route: 'stage', mix: 'quiet' }), { type: 'feeds_audible' });
    expect(quiet.state.mix).toBe('mix');
    expect(types(quiet.effects)).toEqual(['output', 'sync_feeds']);
    const mix = step(link({ route: 'stage' }), { type: 'feeds_audible' });
    expect(mix.state.mix).toBe('mix');
    expect(types(mix.effects)).not.toContain('stop_mix');
  });
});

describe('taking the mix back', () => {
  it('a listener whose mix was stopped negotiates a new one first (make before break)', () => {
    const next = step(link({ mix: 'stopped' }), { type: 'take_mix_back' });
    expect(next.state.mix).toBe('remix_negotiating');
    expect(types(next.effects)).toEqual(['remix']);
  });

  it('with the mix still there, the feeds just go', () => {
    for (const route of ROUTES)
      for (const mix of ['none', 'mix', 'quiet'] as const) {
        const next = step(link({ route, mix }), { type: 'take_mix_back' });
        expect(next.state.mix).toBe(mix);
        expect(types(next.effects)).toEqual(['drop_feeds', 'output', 'sync_feeds']);
      }
  });

  it('while a new mix is on its way, nothing more is done', () => {
    for (const mix of ['remix_negotiating', 'remix_connecting'] as const)
      expect(step(link({ mix }), { type: 'take_mix_back' })).toEqual({
        state: link({ mix }),
        effects: [],
      });
  });
});

describe('a remix', () => {
  const negotiating = link({ mix: 'remix_negotiating' });

  it('plays the new mix when it arrives, and drops the feeds only once it connects', () => {
    const attached = step(negotiating, { type: 'remix_attached', connected: false });
    expect(attached.state.mix).toBe('remix_connecting');
    expect(types(attached.effects)).toEqual(['play_remix']);
    const connected = step(attached.state, { type: 'connected' });
    expect(connected.state.mix).toBe('mix');
    expect(types(connected.effects)).toEqual(['drop_feeds', 'output', 'playing', 'sync_feeds']);
  });

  it('a new mix whose connection is up already finishes at once', () => {
    const next = step(negotiating, { type: 'remix_attached', connected: true });
    expect(next.state.mix).toBe('mix');
    expect(types(next.effects)).toEqual([
      'play_remix',
      'drop_feeds',
      'output',
      'playing',
      'sync_feeds',
    ]);
  });

  it('a connection coming up before the new mix arrives does not drop the feeds', () => {
    const next = step(negotiating, { type: 'connected' });
    expect(next.state.mix).toBe('remix_negotiating');
    expect(types(next.effects)).not.toContain('drop_feeds');
  });

  it('a new mix that arrives when none is being negotiated is ignored', () => {
    for (const mix of MODES.filter((m) => m !== 'remix_negotiating')) {
      const state = link({ mix });
      expect(step(state, { type: 'remix_attached', connected: true })).toEqual({
        state,
        effects: [],
      });
    }
  });

  it('fails the link when the new mix does not connect in time', () => {
    for (const mix of ['remix_negotiating', 'remix_connecting'] as const) {
      const next = step(link({ mix }), { type: 'remix_timeout' });
      expect(next.state).toEqual(link({ mix }));
      expect(next.effects).toEqual([
        { type: 'fail', error: expect.objectContaining({ code: 'audio_not_connected' }) },
      ]);
    }
  });

  it('a timeout after the remix finished (or was never begun) changes nothing', () => {
    for (const mix of ['none', 'mix', 'quiet', 'stopped'] as const) {
      const state = link({ mix });
      expect(step(state, { type: 'remix_timeout' })).toEqual({ state, effects: [] });
    }
  });
});

describe('the feeds lost', () => {
  it('with the mix stopped there is nothing to hear: the link fails', () => {
    const next = step(link({ mix: 'stopped' }), lost);
    expect(next.effects).toEqual([{ type: 'fail', error: (lost as { error: unknown }).error }]);
  });

  it('otherwise the mix is heard (a quiet one too) and the feeds are looked at again', () => {
    for (const mix of ['none', 'mix', 'quiet', 'remix_negotiating', 'remix_connecting'] as const) {
      const next = step(link({ mix }), lost);
      expect(next.state.mix).toBe(mix === 'quiet' ? 'mix' : mix);
      expect(types(next.effects)).toEqual(['output', 'sync_feeds']);
    }
  });
});

describe('what the controller reads of a link', () => {
  it('the feeds are left alone only while a remix is under way', () => {
    expect(MODES.filter((mix) => remixing(link({ mix })))).toEqual([
      'remix_negotiating',
      'remix_connecting',
    ]);
  });

  it('the server is told to stop the mix only for a WebRTC listen that still receives it', () => {
    expect(MODES.filter((mix) => mixListened(link({ mix })))).toEqual([
      'none',
      'mix',
      'quiet',
      'remix_connecting',
    ]);
    for (const route of ['stage', 'hls', null] as const)
      expect(MODES.some((mix) => mixListened(link({ route, mix })))).toBe(false);
  });

  it('the mix is audible unless it is kept quiet or the feeds are heard', () => {
    expect(MODES.filter((mix) => mixAudible(link({ mix }), false))).toEqual(
      MODES.filter((mix) => mix !== 'quiet'),
    );
    expect(MODES.some((mix) => mixAudible(link({ mix }), true))).toBe(false);
  });

  it('the feeds are possible on a connected WebRTC link (listen or stage) over an open connection', () => {
    expect(feedsPossible(link({ route: 'webrtc' }), true)).toBe(true);
    expect(feedsPossible(link({ route: 'stage' }), true)).toBe(true);
    expect(feedsPossible(link({ route: 'hls' }), true)).toBe(false);
    expect(feedsPossible(link({ route: null }), true)).toBe(false);
    expect(feedsPossible(link({ connected: false }), true)).toBe(false);
    expect(feedsPossible(link(), false)).toBe(false);
  });

  it('backs off from half a second, doubling up to ten', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(backoff)).toEqual([
      500, 500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
});

describe('every input in every mode', () => {
  const inputs: LinkInput[] = [
    { type: 'route', route: 'webrtc' },
    { type: 'mix_attached', quiet: false },
    { type: 'mix_attached', quiet: true },
    { type: 'played' },
    { type: 'connected' },
    { type: 'stalled' },
    { type: 'feeds_allowed', allowed: true },
    { type: 'feeds_allowed', allowed: false },
    { type: 'feeds_audible' },
    { type: 'take_mix_back' },
    lost,
    { type: 'remix_attached', connected: false },
    { type: 'remix_attached', connected: true },
    { type: 'remix_timeout' },
  ];

  it('leaves the state given untouched, and stops a mix only on a WebRTC listen', () => {
    for (const route of ROUTES)
      for (const mix of MODES)
        for (const input of inputs) {
          const state = Object.freeze(link({ route, mix }));
          const next = step(state, input);
          expect(MODES).toContain(next.state.mix);
          if (types(next.effects).includes('stop_mix')) expect(route).toBe('webrtc');
          if (types(next.effects).includes('remix'))
            expect([route, mix]).toEqual(['webrtc', 'stopped']);
        }
  });
});
