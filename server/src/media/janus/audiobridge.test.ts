import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioBridgeBody } from './audiobridge.js';

// Each request name is checked against the literal the plugin compares with
// (strcasecmp in janus_audiobridge.c), not against our own constants.

test('muteRoom sends mute_room and unmuteRoom sends unmute_room', () => {
  assert.deepEqual(audioBridgeBody.muteRoom(7), { request: 'mute_room', room: 7 });
  assert.deepEqual(audioBridgeBody.unmuteRoom(7), { request: 'unmute_room', room: 7 });
});

test('mute and unmute name the room and the participant', () => {
  assert.deepEqual(audioBridgeBody.mute(7, 3), { request: 'mute', room: 7, id: 3 });
  assert.deepEqual(audioBridgeBody.unmute(7, 3), { request: 'unmute', room: 7, id: 3 });
});

test('kick sends kick with the participant id', () => {
  assert.deepEqual(audioBridgeBody.kick(7, 3), { request: 'kick', room: 7, id: 3 });
});

test('create asks for a 48 kHz room with talking events, a short prebuffer and nothing permanent', () => {
  const body = audioBridgeBody.create({ room: 7, description: 'stage' });
  assert.equal(body.request, 'create');
  assert.equal(body.room, 7);
  assert.equal(body.sampling_rate, 48_000);
  assert.equal(body.audiolevel_ext, true);
  assert.equal(body.audiolevel_event, true);
  assert.equal(body.default_prebuffering, 2);
  assert.equal(body.permanent, false);
  assert.ok(!('secret' in body), 'no secret: a participant holding it would escape mute_room');
  assert.ok(body.audio_active_packets < 100, 'talking verdicts faster than the 2 s default');
});

test('create lets the caller tune the prebuffer and the talking detector', () => {
  const body = audioBridgeBody.create({
    prebuffering: 1,
    audioActivePackets: 10,
    audioLevelAverage: 50,
  });
  assert.equal(body.default_prebuffering, 1);
  assert.equal(body.audio_active_packets, 10);
  assert.equal(body.audio_level_average, 50);
  assert.ok(!('room' in body), 'Janus picks the id when none is given');
});

test('join carries the participant id, display name and muted flag', () => {
  assert.deepEqual(audioBridgeBody.join(7, { id: 3, display: 'Ada', muted: true }), {
    request: 'join',
    room: 7,
    id: 3,
    display: 'Ada',
    muted: true,
  });
  assert.equal(audioBridgeBody.join(7, { id: 3 }).muted, false);
});

test('configure and leave use their plugin names', () => {
  assert.deepEqual(audioBridgeBody.configure({ muted: false }), {
    request: 'configure',
    muted: false,
  });
  assert.deepEqual(audioBridgeBody.leave(), { request: 'leave' });
});

test('rtp_forward forwards the mix as Opus with payload type 111, always on', () => {
  assert.deepEqual(audioBridgeBody.rtpForward(7, { host: '127.0.0.1', port: 5002 }), {
    request: 'rtp_forward',
    room: 7,
    host: '127.0.0.1',
    host_family: 'ipv4',
    port: 5002,
    codec: 'opus',
    ptype: 111,
    always_on: true,
  });
});

test('rtp_forward of a relay is SRTP, suite 80, with the relay key', () => {
  const body = audioBridgeBody.rtpForward(7, { host: '10.0.0.2', port: 5004, srtpCrypto: 'a2V5' });
  assert.deepEqual([body.srtp_suite, body.srtp_crypto], [80, 'a2V5']);
});

test('stop_rtp_forward names the forwarder by stream_id', () => {
  assert.deepEqual(audioBridgeBody.stopRtpForward(7, 99), {
    request: 'stop_rtp_forward',
    room: 7,
    stream_id: 99,
  });
});

test('listing requests use the plugin spellings, listforwarders without an underscore', () => {
  assert.deepEqual(audioBridgeBody.list(), { request: 'list' });
  assert.deepEqual(audioBridgeBody.listParticipants(7), { request: 'listparticipants', room: 7 });
  assert.deepEqual(audioBridgeBody.listForwarders(7), { request: 'listforwarders', room: 7 });
  assert.deepEqual(audioBridgeBody.exists(7), { request: 'exists', room: 7 });
});

test('destroy removes the room without touching the config file', () => {
  assert.deepEqual(audioBridgeBody.destroy(7), { request: 'destroy', room: 7, permanent: false });
});
