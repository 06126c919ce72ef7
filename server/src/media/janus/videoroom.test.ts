import assert from 'node:assert/strict';
import { test } from 'node:test';
import { announcedPublishers, subscriptionStreams, videoRoomBody } from './videoroom.js';

// Each request is checked against the literals janus_videoroom.c (1.1.x)
// compares with and the fields it reads, not against our own constants.

test('create asks for an Opus room with a publisher cap, a secret and nothing permanent', () => {
  assert.deepEqual(
    videoRoomBody.create({ room: 9, description: 'feeds', publishers: 11, secret: 's3' }),
    {
      request: 'create',
      room: 9,
      description: 'feeds',
      secret: 's3',
      permanent: false,
      is_private: false,
      publishers: 11,
      audiocodec: 'opus',
      opus_fec: true,
      audiolevel_event: false,
      notify_joining: false,
      require_pvtid: false,
    },
  );
  const bare = videoRoomBody.create({ publishers: 3 });
  assert.ok(!('room' in bare), 'Janus picks the id when none is given');
  assert.ok(!('secret' in bare));
});

test('destroy, exists, list and listparticipants use their plugin spellings', () => {
  assert.deepEqual(videoRoomBody.destroy(9, 's3'), {
    request: 'destroy',
    room: 9,
    secret: 's3',
    permanent: false,
  });
  assert.deepEqual(videoRoomBody.exists(9), { request: 'exists', room: 9 });
  assert.deepEqual(videoRoomBody.list(), { request: 'list' });
  assert.deepEqual(videoRoomBody.listParticipants(9), { request: 'listparticipants', room: 9 });
});

test('a publisher joins with ptype publisher, then publishes Opus with its offer', () => {
  assert.deepEqual(videoRoomBody.joinPublisher(9, { id: 4, display: 'u1' }), {
    request: 'join',
    ptype: 'publisher',
    room: 9,
    id: 4,
    display: 'u1',
  });
  assert.deepEqual(videoRoomBody.publish(), { request: 'publish', audiocodec: 'opus' });
  assert.deepEqual(videoRoomBody.configure(), { request: 'configure' });
  assert.deepEqual(videoRoomBody.unpublish(), { request: 'unpublish' });
  assert.deepEqual(videoRoomBody.leave(), { request: 'leave' });
});

test('a subscriber joins with a multistream list and without automatic renegotiation', () => {
  assert.deepEqual(videoRoomBody.joinSubscriber(9, [{ feed: 4, mid: '0' }, { feed: 5 }]), {
    request: 'join',
    ptype: 'subscriber',
    room: 9,
    streams: [{ feed: 4, mid: '0' }, { feed: 5 }],
    autoupdate: false,
    use_msid: false,
  });
});

test('update subscribes by feed and unsubscribes by subscription mid, never with an empty list', () => {
  assert.deepEqual(
    videoRoomBody.update({ subscribe: [{ feed: 6, mid: '0' }], unsubscribe: [{ subMid: '1' }] }),
    { request: 'update', subscribe: [{ feed: 6, mid: '0' }], unsubscribe: [{ sub_mid: '1' }] },
  );
  assert.deepEqual(videoRoomBody.update({ subscribe: [], unsubscribe: [{ subMid: '0' }] }), {
    request: 'update',
    unsubscribe: [{ sub_mid: '0' }],
  });
  assert.deepEqual(videoRoomBody.start(), { request: 'start' });
});

test('moderate mutes one mid of a publisher, and kick names the publisher', () => {
  assert.deepEqual(videoRoomBody.moderate(9, 4, '0', true, 's3'), {
    request: 'moderate',
    room: 9,
    secret: 's3',
    id: 4,
    mid: '0',
    mute: true,
  });
  assert.equal(videoRoomBody.moderate(9, 4, '0', false).mute, false);
  assert.deepEqual(videoRoomBody.kick(9, 4, 's3'), {
    request: 'kick',
    room: 9,
    secret: 's3',
    id: 4,
  });
});

test('a subscription summary maps each mid to its feed, and inactive m-lines to none', () => {
  const streams = subscriptionStreams({
    videoroom: 'updated',
    streams: [
      { type: 'audio', active: true, mindex: 0, mid: '0', feed_id: 4, feed_mid: '0' },
      { type: 'audio', active: false, mindex: 1, mid: '1' },
    ],
  });
  assert.deepEqual(streams, [
    { mid: '0', type: 'audio', active: true, feedId: 4, feedMid: '0' },
    { mid: '1', type: 'audio', active: false },
  ]);
});

test('announced publishers carry their id, display and audio mid; entries without an id are skipped', () => {
  const announced = announcedPublishers({
    videoroom: 'event',
    room: 7,
    publishers: [
      {
        id: 41,
        display: 'u1',
        streams: [
          { type: 'video', mindex: 0, mid: 'v' },
          { type: 'audio', mindex: 1, mid: 'a' },
        ],
      },
      { id: 42, streams: [] },
      { display: 'no id' },
    ],
  });
  assert.deepEqual(announced, [{ id: 41, display: 'u1', mid: 'a' }, { id: 42 }]);
  assert.deepEqual(announcedPublishers({ videoroom: 'joined', room: 7, id: 3 }), []);
});
