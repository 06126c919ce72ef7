import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webrtcFull } from '../streams/caps.js';
import { chooseTier } from './tiering.js';

const caps = { perSpace: 2, perNode: 3 };

test('listeners get WebRTC while the space and the node have seats, then HLS', () => {
  assert.deepEqual(chooseTier({ want: 'auto', spaceListeners: 0, nodeListeners: 0, caps }), {
    tier: 'webrtc',
    reason: 'free',
  });
  assert.deepEqual(chooseTier({ want: 'auto', spaceListeners: 2, nodeListeners: 2, caps }), {
    tier: 'hls',
    reason: 'space_full',
  });
  assert.deepEqual(chooseTier({ want: 'webrtc', spaceListeners: 1, nodeListeners: 3, caps }), {
    tier: 'hls',
    reason: 'node_full',
  });
});

test('HLS is always allowed, and a listener renegotiating keeps their seat', () => {
  assert.deepEqual(chooseTier({ want: 'hls', spaceListeners: 0, nodeListeners: 0, caps }), {
    tier: 'hls',
    reason: 'asked',
  });
  assert.equal(webrtcFull({ spaceListeners: 2, nodeListeners: 3, holdsSeat: true, caps }), null);
  assert.equal(
    webrtcFull({ spaceListeners: 0, nodeListeners: 0, caps: { perSpace: 0, perNode: 10 } }),
    'space_full',
    'a cap of 0 sends everyone to HLS',
  );
});
