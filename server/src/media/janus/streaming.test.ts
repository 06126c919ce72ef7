import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamingBody } from './streaming.js';

// Literals as janus_streaming.c (1.1.x) reads them.

test('create makes an rtp mountpoint with one Opus stream under mid a', () => {
  assert.deepEqual(streamingBody.createRtp({ id: 5, description: 'stage', port: 5002 }), {
    request: 'create',
    type: 'rtp',
    id: 5,
    description: 'stage',
    permanent: false,
    is_private: false,
    media: [{ type: 'audio', mid: 'a', codec: 'opus', pt: 111, port: 5002, iface: '127.0.0.1' }],
  });
});

test('create leaves the port to Janus and binds loopback unless told otherwise', () => {
  const [media] = streamingBody.createRtp().media;
  assert.equal(media?.port, 0);
  assert.equal(media?.iface, '127.0.0.1');
  assert.equal(media?.pt, 111);
});

test('a relay mountpoint takes SRTP (suite 80) and may bind every address', () => {
  const body = streamingBody.createRtp({ id: 6, iface: null, srtpCrypto: 'a2V5' });
  assert.equal(body.media[0] && 'iface' in body.media[0], false);
  assert.deepEqual([body.srtpsuite, body.srtpcrypto], [80, 'a2V5']);
  assert.equal('srtpsuite' in streamingBody.createRtp(), false, 'plain RTP unless asked');
});

test('watch, start and stop use their plugin names', () => {
  assert.deepEqual(streamingBody.watch(5), { request: 'watch', id: 5 });
  assert.deepEqual(streamingBody.start(), { request: 'start' });
  assert.deepEqual(streamingBody.stop(), { request: 'stop' });
});

test('info, list and destroy address mountpoints by id', () => {
  assert.deepEqual(streamingBody.info(5), { request: 'info', id: 5 });
  assert.deepEqual(streamingBody.list(), { request: 'list' });
  assert.deepEqual(streamingBody.destroy(5), { request: 'destroy', id: 5, permanent: false });
});
