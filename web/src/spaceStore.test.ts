import type { ServerMessage } from '@salon/protocol';
import { describe, expect, it, vi } from 'vitest';
import { floatingEmoji, SpaceStore } from './spaceStore';
import { bob, carol, member, snapshot } from './test/factories';

const ID = 'space000000000000001';

function joined() {
  const resync = vi.fn();
  const store = new SpaceStore(ID, resync);
  store.handle({ type: 'snapshot', space_id: ID, snapshot: snapshot() });
  return { store, resync };
}

describe('SpaceStore', () => {
  it('starts joining and shows the snapshot once it arrives', () => {
    const store = new SpaceStore(ID, vi.fn());
    expect(store.getView().status).toBe('joining');
    store.handle({ type: 'snapshot', space_id: ID, snapshot: snapshot() });
    expect(store.getView().status).toBe('joined');
    expect(store.getView().snapshot?.version).toBe(5);
  });

  it('keeps the captions: the snapshot’s recent lines, then each line and state as they come', () => {
    const store = new SpaceStore(ID, vi.fn());
    const recent = {
      seq: 1,
      utterance_id: 'u1',
      speaker_id: bob.id,
      kind: 'final' as const,
      text: 'hello',
      start_ms: 1,
      end_ms: 2,
    };
    store.handle({
      type: 'snapshot',
      space_id: ID,
      snapshot: {
        ...snapshot(),
        captions: { state: 'running', unavailable: [], recent: [recent] },
      },
    });
    store.handle({ type: 'caption', space_id: ID, ...recent, seq: 50, utterance_id: 'u2' });
    store.handle({ type: 'caption', space_id: 'another', ...recent, seq: 51, utterance_id: 'u3' });
    store.handle({ type: 'captions_state', space_id: ID, state: 'paused', unavailable: [bob.id] });
    const { captions } = store.getView();
    expect(captions.lines.map((l) => l.utterance_id)).toEqual(['u1', 'u2']);
    expect(captions).toMatchObject({ state: 'paused', unavailable: [bob.id] });
  });

  it('applies the next version and notifies subscribers', () => {
    const { store } = joined();
    const listener = vi.fn();
    store.subscribe(listener);
    store.handle({
      type: 'event',
      space_id: ID,
      version: 6,
      events: [{ type: 'mute_changed', user_ids: [bob.id], muted: true, by: bob.id }],
    });
    expect(listener).toHaveBeenCalledTimes(1);
    const view = store.getView();
    expect(view.snapshot?.version).toBe(6);
    expect(view.snapshot?.stage.find((m) => m.user_id === bob.id)?.muted).toBe(true);
  });

  it('asks for a new snapshot when a version is missing, and keeps the old one meanwhile', () => {
    const { store, resync } = joined();
    store.handle({
      type: 'event',
      space_id: ID,
      version: 8,
      events: [{ type: 'recording_changed', recording: true }],
    });
    expect(resync).toHaveBeenCalledTimes(1);
    expect(store.getView().snapshot?.version).toBe(5);
    expect(store.getView().snapshot?.recording).toBe(false);
  });

  it('ignores versions it already has', () => {
    const { store } = joined();
    const before = store.getView();
    store.handle({
      type: 'event',
      space_id: ID,
      version: 5,
      events: [{ type: 'recording_changed', recording: true }],
    });
    expect(store.getView()).toBe(before);
  });

  it('updates counts and listeners from the aggregated messages', () => {
    const { store } = joined();
    store.handle({
      type: 'counts',
      space_id: ID,
      counts: { now_total: 40, now_listed: 3, now_anonymous: 37, total_unique: 90 },
    });
    store.handle({ type: 'listeners', space_id: ID, joined: [], left: [carol.id] });
    const s = store.getView().snapshot!;
    expect(s.counts.now_total).toBe(40);
    expect(s.listeners.data.map((l) => l.user.handle)).toEqual(['ada', 'bob', 'dan']);
  });

  it('takes a new stage whole from stage_changed', () => {
    const { store } = joined();
    const stage = [...snapshot().stage, member(carol, 'speaker')];
    store.handle({
      type: 'event',
      space_id: ID,
      version: 6,
      events: [
        { type: 'request_removed', user_id: carol.id, reason: 'approved' },
        {
          type: 'stage_changed',
          stage,
          change: { kind: 'joined', user_id: carol.id, role: 'speaker' },
        },
      ],
    });
    const s = store.getView().snapshot!;
    expect(s.stage.map((m) => m.user.handle)).toEqual(['ada', 'bob', 'carol']);
    expect(s.requests).toEqual([]);
  });

  it('passes reactions to their listeners without touching the snapshot', () => {
    const { store } = joined();
    const before = store.getView();
    const onReactions = vi.fn();
    store.onReactions(onReactions);
    store.handle({ type: 'reactions', space_id: ID, window_ms: 250, counts: { '❤️': 3 } });
    expect(onReactions).toHaveBeenCalledWith({ counts: { '❤️': 3 }, windowMs: 250 });
    expect(store.getView()).toBe(before);
  });

  it('says so when you are removed, and stops applying events', () => {
    const { store } = joined();
    store.handle({
      type: 'removed_from_space',
      space_id: ID,
      message: 'You were removed from this space.',
    });
    expect(store.getView().status).toBe('removed');
    expect(store.getView().error).toBe('You were removed from this space.');
    store.handle({
      type: 'event',
      space_id: ID,
      version: 6,
      events: [{ type: 'recording_changed', recording: true }],
    });
    expect(store.getView().status).toBe('removed');
  });

  it('fails to join on an error answering its subscribe, but only notes later errors', () => {
    const store = new SpaceStore(ID, vi.fn());
    const error = (request_id: string): ServerMessage => ({
      type: 'error',
      code: 'internal_error',
      message: 'Nope.',
      space_id: ID,
      request_id,
    });
    store.handle(error(`subscribe:${ID}:1`));
    expect(store.getView()).toMatchObject({ status: 'failed', error: 'Nope.' });

    const { store: joinedStore } = joined();
    joinedStore.handle({
      type: 'error',
      code: 'reaction_rate_limited',
      message: 'Slow down.',
      space_id: ID,
    });
    expect(joinedStore.getView()).toMatchObject({ status: 'joined', notice: 'Slow down.' });
  });

  it('ignores messages about other spaces', () => {
    const { store } = joined();
    const before = store.getView();
    store.handle({ type: 'removed_from_space', space_id: 'other00000000000000', message: 'x' });
    expect(store.getView()).toBe(before);
  });
});

describe('floatingEmoji', () => {
  it('floats each emoji as often as it was sent, capped per batch', () => {
    expect(floatingEmoji({ '❤️': 2, '👍': 1 })).toEqual(['❤️', '❤️', '👍']);
    expect(floatingEmoji({ '😂': 1000 })).toHaveLength(5);
  });
});
