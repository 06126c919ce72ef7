import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { type TestContext, test } from 'node:test';
import pino from 'pino';
import { sentences, speak } from '../../../bench/captions/speech.js';
import { PocketsphinxEngine } from '../../src/captions/engines/pocketsphinx.js';
import { CaptionsPipeline, captionedSpeakers } from '../../src/captions/pipeline/index.js';
import type { CaptionLine } from '../../src/captions/pipeline/types.js';
import { FeedRooms } from '../../src/media/feeds/rooms.js';
import type { FeedHost } from '../../src/media/feeds/space.js';
import { JanusSession } from '../../src/media/janus/session.js';
import { Metrics } from '../../src/observability/metrics.js';
import type { SpaceState } from '../../src/spaces/model.js';
import { setCaptions, setOwnCaptions } from '../../src/spaces/model.lifecycle.js';
import { leaveStage } from '../../src/spaces/model.moderation.js';
import { HOST, liveSpace, run, user, withSpeakers } from '../support/space-model.js';
import { cleanups } from './support/cleanup.js';
import { Publisher } from './support/publisher.js';
import { startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

// The node's captions following the space: captions on make the stage's
// feeds wanted; a live feed on this node is transcribed; past
// CAPTIONS_MAX_STREAMS a speaker is unavailable (and counted); captions
// off, opting out and the end tear the forwarders and decoders down.
// The feeds are the real FeedRooms on a real Janus; the space states come
// from the real model's commands. The FeedHost is the part of the media
// plane FeedRooms needs (its session and lifecycle), over the same Janus.

const TIMEOUT = { timeout: 240_000 };
const logger = pino({ level: 'silent' });

async function setup(t: TestContext, maxStreams: number) {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const connection = await janus.connect();
  defer(() => connection.close());
  const session = await JanusSession.create(connection);
  const host = Object.assign(new EventEmitter(), {
    open: async () => undefined,
    session: async () => session,
    claimSeat: () => undefined,
    countSeats: () => undefined,
  }) as unknown as FeedHost;
  const feeds = new FeedRooms({ host, logger, maxPublishers: 11 });
  defer(() => feeds.shutdown());
  const listeners: Array<(state: SpaceState) => void> = [];
  const states = new Map<string, SpaceState>();
  const lines: CaptionLine[] = [];
  const speakerStates: string[] = [];
  const metrics = new Metrics({ processMetrics: false });
  const captions = new CaptionsPipeline({
    feeds,
    spaces: {
      onCommitted: (l) => listeners.push(l),
      get: async (id) => states.get(id)!,
    },
    engine: new PocketsphinxEngine({ logger }),
    sink: {
      publish: (l) => lines.push(l),
      speakerState: (_s, u, st) => speakerStates.push(`${u}:${st}`),
    },
    logger,
    maxStreams,
    metrics,
  });
  defer(() => captions.close());
  const commit = (state: SpaceState) => {
    states.set(state.id, state);
    for (const l of listeners) l(state);
  };
  const peers: Publisher[] = [];
  defer(() => Promise.allSettled(peers.map((p) => p.close())));
  const publish = async (spaceId: string, userId: string) => {
    const peer = await Publisher.through(
      (sdp) => feeds.publish(spaceId, userId, peers.length + 1, sdp, false),
      { m: 'sendonly' },
    );
    peers.push(peer);
    return peer;
  };
  return { feeds, captions, commit, publish, lines, speakerStates, metrics };
}

function captioned(state: SpaceState): SpaceState {
  return run(setCaptions, state, HOST, { enabled: true }).state;
}

test('whose captions a space wants: live, captions on, on stage, not opted out', () => {
  const space = withSpeakers(liveSpace(), ['bob', 'carol']);
  assert.deepEqual(captionedSpeakers(space), []);
  const on = captioned(space);
  assert.deepEqual(captionedSpeakers(on).sort(), ['bob', 'carol', 'host']);
  const optedOut = run(setOwnCaptions, on, user('bob'), { enabled: false }).state;
  assert.deepEqual(captionedSpeakers(optedOut).sort(), ['carol', 'host']);
  assert.deepEqual(captionedSpeakers({ ...on, state: 'ended' }), []);
});

test(
  'captions on: the feed is wanted, a live feed here is transcribed with its speaker; off: torn down',
  TIMEOUT,
  async (t) => {
    const { feeds, captions, commit, publish, lines } = await setup(t, 4);
    const space = withSpeakers(liveSpace(), ['bob']);
    await feeds.open(space.id);
    commit(space);
    assert.equal(feeds.wantedBy(space.id, 'host'), false, 'nobody watches, captions off');
    const on = captioned(space);
    commit(on);
    assert.equal(feeds.wantedBy(space.id, 'host'), true, 'captions make the feed wanted');
    assert.equal(feeds.wantedBy(space.id, 'bob'), true);
    const peer = await publish(space.id, 'host');
    await waitFor('host transcribed', () => captions.describe(space.id).includes('host'));
    await peer.say(speak(sentences()[4] ?? '', 48_000));
    await waitFor('a final', () => lines.some((l) => l.kind === 'final'), { timeoutMs: 30_000 });
    assert.ok(lines.every((l) => l.speakerId === 'host' && l.spaceId === space.id));
    const pid = captions.speaker(space.id, 'host')?.decoderPid;
    assert.ok(pid);

    commit(run(setCaptions, on, HOST, { enabled: false }).state);
    await waitFor('torn down', () => captions.describe(space.id).length === 0);
    await waitFor('decoder gone', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(feeds.wantedBy(space.id, 'host'), false);
  },
);

test(
  'past CAPTIONS_MAX_STREAMS a speaker is unavailable and counted; opting out and the end stop the rest',
  TIMEOUT,
  async (t) => {
    const { feeds, captions, commit, publish, speakerStates, metrics } = await setup(t, 1);
    const space = captioned(withSpeakers(liveSpace(), ['bob']));
    await feeds.open(space.id);
    commit(space);
    await publish(space.id, 'host');
    await waitFor('host transcribed', () => captions.describe(space.id).includes('host'));
    await publish(space.id, 'bob');
    await waitFor('bob unavailable', () => speakerStates.includes('bob:unavailable'));
    assert.deepEqual(captions.describe(space.id), ['host']);
    const refused = (
      await metrics.registry.getSingleMetricAsString('salon_captions_streams_refused_total')
    )
      .split('\n')
      .find((l) => l.startsWith('salon_captions_streams_refused_total'));
    assert.equal(refused, 'salon_captions_streams_refused_total 1');

    // The host opts out: their slot is free, and bob gets it.
    const optedOut = run(setOwnCaptions, space, HOST, { enabled: false }).state;
    commit(optedOut);
    await waitFor('bob transcribed', () => captions.describe(space.id).join() === 'bob');
    assert.equal(feeds.wantedBy(space.id, 'host'), false);

    commit({ ...optedOut, state: 'ended' });
    await waitFor('nobody transcribed', () => captions.describe(space.id).length === 0);
  },
);

test(
  'leaving the stage stops that speaker only; a language the engine lacks makes speakers unavailable',
  TIMEOUT,
  async (t) => {
    const { feeds, captions, commit, publish, speakerStates } = await setup(t, 4);
    const space = captioned(withSpeakers(liveSpace(), ['bob']));
    await feeds.open(space.id);
    commit(space);
    await publish(space.id, 'host');
    await publish(space.id, 'bob');
    await waitFor('both transcribed', () => captions.describe(space.id).join() === 'bob,host');
    const left = run(leaveStage, space, user('bob'), {}).state;
    commit(left);
    await waitFor('bob stopped', () => captions.describe(space.id).join() === 'host');
    assert.equal(feeds.wantedBy(space.id, 'bob'), false);

    // The same stage in a French space: pocketsphinx has no French model, so nobody is transcribed.
    const french = captioned(withSpeakers(liveSpace(), ['bob']));
    const frenchSpace = { ...french, id: 'space2', language: 'fr' };
    await feeds.open(frenchSpace.id);
    commit(frenchSpace);
    await publish(frenchSpace.id, 'host');
    await waitFor('host unavailable', () => speakerStates.includes('host:unavailable'));
    assert.deepEqual(captions.describe(frenchSpace.id), []);
  },
);
