import type { ClientMessage, ServerMessage } from '@salon/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FEED_LINGER_MS,
  FeedPublication,
  FeedWatch,
  type RoutedFeed,
  routeFeeds,
  StageFeed,
} from './feeds';
import { MediaSignal } from './signaling';

/** A received track as far as the feeds look at it: muted until its first packets. */
function fakeTrack(label: string) {
  return Object.assign(new EventTarget(), { label, muted: true }) as unknown as MediaStreamTrack & {
    muted: boolean;
  };
}

/** An offer whose m-lines carry these mids. */
const offerWith = (...mids: string[]) => `v=0\r\n${mids.map((m) => `a=mid:${m}\r\n`).join('')}`;

/** An RTCPeerConnection that creates a receiving transceiver per mid of each remote offer. */
class FakePeer extends EventTarget {
  static made: FakePeer[] = [];
  connectionState: RTCPeerConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'complete';
  localDescription: { type: string; sdp: string } | null = null;
  transceivers: { mid: string; receiver: { track: MediaStreamTrack } }[] = [];
  added: unknown[] = [];
  close = vi.fn();

  constructor() {
    super();
    FakePeer.made.push(this);
  }

  async setRemoteDescription(description: { sdp: string }) {
    for (const [, mid] of description.sdp.matchAll(/a=mid:(\S+)/g)) {
      if (!this.transceivers.some((t) => t.mid === mid))
        this.transceivers.push({ mid: mid!, receiver: { track: fakeTrack(`track ${mid}`) } });
    }
  }

  async createAnswer() {
    return { type: 'answer', sdp: `v=0 answer ${this.transceivers.length}` };
  }

  async createOffer() {
    return { type: 'offer', sdp: 'v=0 feed offer' };
  }

  async setLocalDescription(description: { type: string; sdp: string }) {
    this.localDescription = description;
  }

  getTransceivers() {
    return this.transceivers;
  }

  addTransceiver(track: unknown, init: unknown) {
    this.added.push({ track, init });
  }

  set(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

function wire() {
  const sent: ClientMessage[] = [];
  const signal = new MediaSignal({
    send: (m) => {
      sent.push(m);
      return true;
    },
  });
  /** Answers the last request the client sent. */
  const reply = (message: Record<string, unknown>) => {
    const last = sent.at(-1) as { request_id?: string };
    signal.handle({ space_id: 's1', ...message, request_id: last.request_id } as ServerMessage);
  };
  return { sent, signal, reply };
}

beforeEach(() => {
  FakePeer.made = [];
  vi.stubGlobal('RTCPeerConnection', FakePeer);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('routeFeeds', () => {
  const track = (mid: string) => ({ mid, receiver: { track: fakeTrack(mid) } });

  it('maps each received track to the speaker the server says it carries', () => {
    const transceivers = [track('0'), track('1'), track('2')];
    const routed = routeFeeds(
      [
        { mid: '1', user_id: 'bob' },
        { mid: '0', user_id: 'ada' },
      ],
      transceivers,
      null,
    );
    expect(routed.map((f) => [f.mid, f.userId])).toEqual([
      ['1', 'bob'],
      ['0', 'ada'],
    ]);
    expect(routed[0]!.track).toBe(transceivers[1]!.receiver.track);
  });

  it('never routes your own voice, nor a mid with no track, nor a mid twice', () => {
    const routed = routeFeeds(
      [
        { mid: '0', user_id: 'me' },
        { mid: '1', user_id: 'ada' },
        { mid: '1', user_id: 'bob' },
        { mid: '7', user_id: 'carol' },
      ],
      [track('0'), track('1'), { mid: null, receiver: { track: fakeTrack('x') } }],
      'me',
    );
    expect(routed.map((f) => [f.mid, f.userId])).toEqual([['1', 'ada']]);
  });
});

describe('FeedWatch', () => {
  function watch(selfId: string | null = 'me', expected?: () => readonly string[]) {
    const w = wire();
    const routed: RoutedFeed[][] = [];
    const onPlaying = vi.fn();
    const onFailed = vi.fn();
    const feeds = new FeedWatch({
      spaceId: 's1',
      signal: w.signal,
      iceServers: [],
      selfId,
      expected,
      onFeeds: (f) => routed.push(f),
      onPlaying,
      onFailed,
    });
    return { ...w, feeds, routed, onPlaying, onFailed };
  }

  it('watches every feed in one connection, answers, and routes the tracks to their speakers', async () => {
    const { feeds, sent, reply, routed, onPlaying } = watch();
    feeds.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent).toEqual([{ type: 'feeds_watch', space_id: 's1', request_id: 'media:1' }]);
    const list = [
      { mid: '0', user_id: 'ada' },
      { mid: '1', user_id: 'me' },
    ];
    reply({ type: 'feeds_offer', sdp: offerWith('0', '1'), feeds: list });
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({
      type: 'feeds_answer',
      space_id: 's1',
      sdp: 'v=0 answer 2',
      request_id: 'media:2',
    });
    reply({ type: 'feeds_watching', feeds: list });
    await vi.waitFor(() => expect(routed).toHaveLength(1));
    expect(routed[0]!.map((f) => f.userId)).toEqual(['ada']);

    // Playing once connected and a speaker's audio arrives.
    const pc = FakePeer.made[0]!;
    pc.set('connected');
    expect(onPlaying).not.toHaveBeenCalled();
    const track = routed[0]![0]!.track as MediaStreamTrack & { muted: boolean };
    track.muted = false;
    track.dispatchEvent(new Event('unmute'));
    expect(onPlaying).toHaveBeenCalledTimes(1);
    expect(FakePeer.made).toHaveLength(1);
    feeds.close();
    expect(pc.close).toHaveBeenCalled();
  });

  it('answers the offers the server sends when the stage changes, on the same connection', async () => {
    const { feeds, sent, reply, routed } = watch();
    feeds.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    reply({ type: 'feeds_offer', sdp: offerWith('0'), feeds: [{ mid: '0', user_id: 'ada' }] });
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    reply({ type: 'feeds_watching', feeds: [{ mid: '0', user_id: 'ada' }] });
    await vi.waitFor(() => expect(routed).toHaveLength(1));

    // Bob starts publishing: a new offer, a new m-line; Ada left, and her mid now carries Carol.
    const next = [
      { mid: '0', user_id: 'carol' },
      { mid: '1', user_id: 'bob' },
    ];
    feeds.handleOffer({ sdp: offerWith('0', '1'), feeds: next });
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    expect(sent[2]).toMatchObject({ type: 'feeds_answer', sdp: 'v=0 answer 2' });
    reply({ type: 'feeds_watching', feeds: next });
    await vi.waitFor(() => expect(routed).toHaveLength(2));
    expect(routed[1]!.map((f) => [f.mid, f.userId])).toEqual([
      ['0', 'carol'],
      ['1', 'bob'],
    ]);
    expect(FakePeer.made).toHaveLength(1);
    feeds.close();
  });

  it('watches nothing while no feed is live, and answers the first offer when one is', async () => {
    const { feeds, sent, reply, routed, onPlaying } = watch();
    feeds.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    reply({ type: 'feeds_watching', feeds: [] });
    await vi.waitFor(() => expect(onPlaying).toHaveBeenCalled());
    expect(routed).toEqual([[]]);

    feeds.handleOffer({ sdp: offerWith('0'), feeds: [{ mid: '0', user_id: 'ada' }] });
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toMatchObject({ type: 'feeds_answer', sdp: 'v=0 answer 1' });
    reply({ type: 'feeds_watching', feeds: [{ mid: '0', user_id: 'ada' }] });
    await vi.waitFor(() => expect(routed).toHaveLength(2));
    expect(routed[1]!.map((f) => f.userId)).toEqual(['ada']);
    feeds.close();
  });

  it('plays only once every speaker expected has a feed: they come one by one, published on demand', async () => {
    let stage: readonly string[] = ['ada', 'bob', 'me'];
    const { feeds, sent, reply, routed, onPlaying } = watch('me', () => stage);
    feeds.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    // Nobody publishes yet: watching nothing, which is not playing (the mix carries everyone).
    reply({ type: 'feeds_watching', feeds: [] });
    await vi.waitFor(() => expect(routed).toHaveLength(1));
    const pc = FakePeer.made[0]!;

    // Ada's feed comes first: connected, audio flowing, but Bob's is missing.
    const ada = [{ mid: '0', user_id: 'ada' }];
    feeds.handleOffer({ sdp: offerWith('0'), feeds: ada });
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    reply({ type: 'feeds_watching', feeds: ada });
    await vi.waitFor(() => expect(routed).toHaveLength(2));
    pc.set('connected');
    const track = routed[1]![0]!.track as MediaStreamTrack & { muted: boolean };
    track.muted = false;
    track.dispatchEvent(new Event('unmute'));
    expect(onPlaying).not.toHaveBeenCalled();

    // Bob's comes: everyone is there.
    const both = [...ada, { mid: '1', user_id: 'bob' }];
    feeds.handleOffer({ sdp: offerWith('0', '1'), feeds: both });
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    reply({ type: 'feeds_watching', feeds: both });
    await vi.waitFor(() => expect(onPlaying).toHaveBeenCalledTimes(1));
    feeds.close();

    // A speaker without a feed who leaves the stage is not waited for any more.
    stage = ['ada', 'carol'];
    const other = watch('me', () => stage);
    other.feeds.start();
    await vi.waitFor(() => expect(other.sent).toHaveLength(1));
    other.reply({ type: 'feeds_offer', sdp: offerWith('0'), feeds: ada });
    await vi.waitFor(() => expect(other.sent).toHaveLength(2));
    other.reply({ type: 'feeds_watching', feeds: ada });
    await vi.waitFor(() => expect(other.routed).toHaveLength(1));
    FakePeer.made[1]!.set('connected');
    const adaTrack = other.routed[0]![0]!.track as MediaStreamTrack & { muted: boolean };
    adaTrack.muted = false;
    adaTrack.dispatchEvent(new Event('unmute'));
    expect(other.onPlaying).not.toHaveBeenCalled();
    stage = ['ada'];
    other.feeds.recheck();
    expect(other.onPlaying).toHaveBeenCalledTimes(1);
    other.feeds.close();
  });

  it('fails (the mix stays) when an expected feed does not come in time', async () => {
    vi.useFakeTimers();
    try {
      const { feeds, sent, reply, onPlaying, onFailed } = watch('me', () => ['ada', 'bob']);
      feeds.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(sent).toHaveLength(1);
      reply({ type: 'feeds_watching', feeds: [] });
      await vi.advanceTimersByTimeAsync(11_000);
      expect(onPlaying).not.toHaveBeenCalled();
      expect(onFailed).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(onFailed).toHaveBeenCalledTimes(1);
      expect(onPlaying).not.toHaveBeenCalled();
      expect(FakePeer.made[0]!.close).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts as playing at once when there is no feed to hear', async () => {
    const { feeds, sent, reply, onPlaying } = watch();
    feeds.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    reply({ type: 'feeds_offer', sdp: 'v=0\r\n', feeds: [] });
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    reply({ type: 'feeds_watching', feeds: [] });
    await vi.waitFor(() => expect(onPlaying).toHaveBeenCalled());
    feeds.close();
  });

  it('fails, closed, when the server refuses or the connection fails', async () => {
    const refused = watch();
    refused.feeds.start();
    await vi.waitFor(() => expect(refused.sent).toHaveLength(1));
    refused.signal.handle({
      type: 'error',
      code: 'unknown_message',
      message: 'Unknown message type "feeds_watch".',
      request_id: 'media:1',
    });
    await vi.waitFor(() => expect(refused.onFailed).toHaveBeenCalled());
    expect(refused.onFailed.mock.calls[0]![0]).toMatchObject({ code: 'unknown_message' });
    expect(FakePeer.made[0]!.close).toHaveBeenCalled();

    const lost = watch();
    lost.feeds.start();
    FakePeer.made[1]!.set('failed');
    expect(lost.onFailed).toHaveBeenCalledTimes(1);
    expect(FakePeer.made[1]!.close).toHaveBeenCalled();
  });
});

describe('FeedPublication', () => {
  it('publishes the microphone track alone, sendonly, and again when the server asks', async () => {
    const { sent, signal, reply } = wire();
    const track = fakeTrack('mic');
    const states: string[] = [];
    const feed = new FeedPublication({
      spaceId: 's1',
      signal,
      iceServers: [],
      track,
      onState: (s) => states.push(s),
    });
    feed.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      type: 'feed_publish',
      space_id: 's1',
      sdp: 'v=0 feed offer',
      request_id: 'media:1',
    });
    expect(FakePeer.made[0]!.added).toEqual([{ track, init: { direction: 'sendonly' } }]);
    reply({ type: 'feed_answer', sdp: 'v=0 answer' });
    FakePeer.made[0]!.set('connected');
    expect(states.at(-1)).toBe('on');

    feed.restart();
    expect(FakePeer.made[0]!.close).toHaveBeenCalled();
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toMatchObject({ type: 'feed_publish' });
    feed.close();
    expect(FakePeer.made[1]!.close).toHaveBeenCalled();
  });

  it('stops trying against a server that has no feeds', async () => {
    const { sent, signal } = wire();
    const states: string[] = [];
    const feed = new FeedPublication({
      spaceId: 's1',
      signal,
      iceServers: [],
      track: fakeTrack('mic'),
      onState: (s) => states.push(s),
    });
    feed.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    signal.handle({
      type: 'error',
      code: 'unknown_message',
      message: 'Unknown message type "feed_publish".',
      request_id: 'media:1',
    });
    await vi.waitFor(() => expect(states.at(-1)).toBe('unsupported'));
    feed.close();
  });
});

describe('StageFeed', () => {
  function stageFeed() {
    const w = wire();
    const made: { restart: ReturnType<typeof vi.fn>; close: ReturnType<typeof vi.fn> }[] = [];
    const feed = new StageFeed({
      spaceId: 's1',
      signal: w.signal,
      publish: () => {
        const publication = { restart: vi.fn(), close: vi.fn() };
        made.push(publication);
        return publication;
      },
    });
    return { ...w, feed, made };
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks whether the feed is wanted, publishes only while it is, and unpublishes after the linger', async () => {
    vi.useFakeTimers();
    const { feed, sent, reply, made } = stageFeed();
    feed.start();
    expect(sent).toEqual([{ type: 'feed_standby', space_id: 's1', request_id: 'media:1' }]);
    reply({ type: 'feeds_wanted', wanted: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(made).toHaveLength(0);
    expect(feed.publishing).toBe(false);

    feed.setWanted(true);
    expect(made).toHaveLength(1);
    expect(feed.publishing).toBe(true);
    feed.setWanted(true);
    expect(made).toHaveLength(1);

    // Not wanted: kept for the linger, and wanted again within it nothing changes.
    feed.setWanted(false);
    await vi.advanceTimersByTimeAsync(FEED_LINGER_MS - 1);
    feed.setWanted(true);
    feed.setWanted(false);
    await vi.advanceTimersByTimeAsync(FEED_LINGER_MS - 1);
    expect(made[0]!.close).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(made[0]!.close).toHaveBeenCalled();
    expect(sent.at(-1)).toEqual({ type: 'feed_unpublish', space_id: 's1' });
    expect(feed.publishing).toBe(false);

    // The media server restarts it only while published.
    feed.restart();
    feed.setWanted(true);
    expect(made).toHaveLength(2);
    feed.restart();
    expect(made[1]!.restart).toHaveBeenCalledTimes(1);
    feed.close();
    expect(made[1]!.close).toHaveBeenCalled();
    // Closed: the link's end tells the server (it still says it was publishing).
    expect(feed.publishing).toBe(true);
    feed.setWanted(true);
    expect(made).toHaveLength(2);
  });

  it('publishes always when the server does not know feed_standby', async () => {
    vi.useFakeTimers();
    const { feed, signal, made } = stageFeed();
    feed.start();
    signal.handle({
      type: 'error',
      code: 'unknown_message',
      message: 'Unknown message type "feed_standby".',
      request_id: 'media:1',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(made).toHaveLength(1);
    feed.setWanted(false);
    await vi.advanceTimersByTimeAsync(FEED_LINGER_MS * 2);
    expect(made[0]!.close).not.toHaveBeenCalled();
  });
});
