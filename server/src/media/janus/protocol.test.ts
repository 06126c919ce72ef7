import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AudioBridgeReply,
  AudioBridgeRequest,
  JANUS_SUBPROTOCOL,
  JanusNotice,
  JanusPlugin,
  JanusReply,
  JanusVerb,
  StreamingRequest,
  StreamingStatus,
  VideoRoomParticipantType,
  VideoRoomReply,
  VideoRoomRequest,
} from './protocol.js';

// Expected values are the literals in Janus 1.1.x sources (janus.c, ice.c and
// the plugins), written out here so a typo in protocol.ts cannot hide.

test('the API socket asks for the janus-protocol subprotocol', () => {
  assert.equal(JANUS_SUBPROTOCOL, 'janus-protocol');
});

test('core verbs are spelled as the Janus core expects', () => {
  assert.deepEqual(
    { ...JanusVerb },
    {
      info: 'info',
      create: 'create',
      destroy: 'destroy',
      keepalive: 'keepalive',
      attach: 'attach',
      detach: 'detach',
      message: 'message',
      trickle: 'trickle',
      hangup: 'hangup',
    },
  );
});

test('replies and notices are the names Janus sends', () => {
  assert.equal(JanusReply.serverInfo, 'server_info');
  assert.equal(JanusReply.ack, 'ack');
  assert.equal(JanusReply.event, 'event');
  assert.equal(JanusNotice.webrtcup, 'webrtcup');
  assert.equal(JanusNotice.media, 'media');
  assert.equal(JanusNotice.slowlink, 'slowlink');
  assert.equal(JanusNotice.hangup, 'hangup');
  assert.equal(JanusNotice.detached, 'detached');
  assert.equal(JanusNotice.timeout, 'timeout');
});

test('plugin package names match the loaded plugins', () => {
  assert.equal(JanusPlugin.audioBridge, 'janus.plugin.audiobridge');
  assert.equal(JanusPlugin.streaming, 'janus.plugin.streaming');
  assert.equal(JanusPlugin.videoRoom, 'janus.plugin.videoroom');
});

test('mute_room and unmute_room are not swapped', () => {
  assert.equal(AudioBridgeRequest.muteRoom, 'mute_room');
  assert.equal(AudioBridgeRequest.unmuteRoom, 'unmute_room');
  assert.equal(AudioBridgeRequest.mute, 'mute');
  assert.equal(AudioBridgeRequest.unmute, 'unmute');
});

test('AudioBridge forwarding and listing requests are spelled as the plugin expects', () => {
  assert.equal(AudioBridgeRequest.rtpForward, 'rtp_forward');
  assert.equal(AudioBridgeRequest.stopRtpForward, 'stop_rtp_forward');
  assert.equal(AudioBridgeRequest.listForwarders, 'listforwarders');
  assert.equal(AudioBridgeRequest.listParticipants, 'listparticipants');
  assert.equal(AudioBridgeRequest.kick, 'kick');
});

test('talking events are talking and stopped-talking', () => {
  assert.equal(AudioBridgeReply.talking, 'talking');
  assert.equal(AudioBridgeReply.stoppedTalking, 'stopped-talking');
  assert.equal(AudioBridgeReply.joined, 'joined');
});

test('Streaming requests and statuses are spelled as the plugin expects', () => {
  assert.deepEqual(
    { ...StreamingRequest },
    {
      list: 'list',
      info: 'info',
      create: 'create',
      destroy: 'destroy',
      watch: 'watch',
      start: 'start',
      stop: 'stop',
    },
  );
  assert.equal(StreamingStatus.preparing, 'preparing');
  assert.equal(StreamingStatus.starting, 'starting');
});

// The literal tables here are the oracle (the plugin's C sources), so they repeat protocol.ts on purpose.
test('VideoRoom requests, participant types and replies are spelled as the plugin expects', () => {
  assert.deepEqual(
    { ...VideoRoomRequest },
    {
      create: 'create',
      destroy: 'destroy',
      exists: 'exists',
      list: 'list',
      listParticipants: 'listparticipants',
      join: 'join',
      publish: 'publish',
      configure: 'configure',
      unpublish: 'unpublish',
      leave: 'leave',
      start: 'start',
      update: 'update',
      moderate: 'moderate',
      kick: 'kick',
    },
  );
  assert.equal(VideoRoomParticipantType.publisher, 'publisher');
  assert.equal(VideoRoomParticipantType.subscriber, 'subscriber');
  assert.equal(VideoRoomReply.attached, 'attached');
  assert.equal(VideoRoomReply.updated, 'updated');
  assert.equal(VideoRoomReply.updating, 'updating');
  assert.equal(VideoRoomReply.joined, 'joined');
  assert.equal(VideoRoomReply.stoppedTalking, 'stopped-talking');
});
