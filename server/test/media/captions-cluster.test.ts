import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { onStage, type Space } from '../support/factories.js';
import { eventually } from '../support/realtime.js';
import { Publisher } from './support/publisher.js';
import { type SalonCluster, startSalonCluster } from './support/salon-cluster.js';

/**
 * Captions on several nodes: the host turns captions on through node A, the
 * speaker's feed is published through node B. Only B, which holds the feed,
 * transcribes it (once in the cluster), and it starts without waiting for
 * the space's media to open again; turned off through A, B stops.
 */
const A = 0;
const B = 1;

let c: SalonCluster;
before(async () => {
  c = await startSalonCluster({ salonNodes: 2, janusNodes: 1 });
});
after(() => c?.close());

test('captions turned on through node A reach the speaker whose feed is on node B, transcribed there only', {
  timeout: 180_000,
}, async () => {
  const host = await c.person(A);
  const speaker = await c.person(B);
  const created = (await host.client.post('/api/v1/spaces', { title: 'Captions across nodes' }))
    .body;
  assert.ok(created.id, JSON.stringify(created));
  const space: Space = { ...created, path: `/api/v1/spaces/${created.id}` };
  await onStage(host, space, speaker);
  const rt = await c.socket(speaker, B);
  await rt.subscribe(space.id);
  const voice = await Publisher.feed(rt, space.id, 440);
  try {
    const pipelineOf = (node: number) => {
      const pipeline = c.cluster.nodes[node]?.services.media?.captions;
      assert.ok(pipeline, `node ${node} runs a captions pipeline`);
      return pipeline;
    };
    assert.deepEqual(pipelineOf(B).describe(space.id), [], 'captions off: nobody transcribed');

    const on = await host.client.put(`${space.path}/captions`, { enabled: true });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    await eventually(
      () => pipelineOf(B).describe(space.id).includes(speaker.id),
      'node B to transcribe the speaker whose feed it holds',
      60_000,
    );
    assert.deepEqual(
      pipelineOf(A).describe(space.id),
      [],
      'node A holds no feed: it transcribes nobody',
    );

    const off = await host.client.put(`${space.path}/captions`, { enabled: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    await eventually(
      () => pipelineOf(B).describe(space.id).length === 0,
      'node B to stop transcribing once captions are off',
      60_000,
    );
  } finally {
    await voice.close();
  }
});
