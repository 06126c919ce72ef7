import assert from 'node:assert/strict';
import { test } from 'node:test';
import { singleAudioMid } from './publications.js';
import { feedWatcherCost } from './watchers.js';

const session = 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n';
const audio = (mid: string) =>
  `m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:${mid}\r\na=sendonly\r\na=rtpmap:111 opus/48000/2\r\n`;

test('a feed offer with one audio m-line gives its mid', () => {
  assert.equal(singleAudioMid(session + audio('0')), '0');
  assert.equal(singleAudioMid((session + audio('audio')).replaceAll('\r\n', '\n')), 'audio');
});

test('a feed offer with video, data, two tracks, no mid or no media is refused as invalid_sdp', () => {
  const refused = { code: 'invalid_sdp' };
  assert.throws(
    () => singleAudioMid(`${session}${audio('0')}m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n`),
    refused,
  );
  assert.throws(
    () =>
      singleAudioMid(`${session}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n`),
    refused,
  );
  assert.throws(() => singleAudioMid(session + audio('0') + audio('1')), refused);
  assert.throws(() => singleAudioMid(session + audio('0').replace('a=mid:0\r\n', '')), refused);
  assert.throws(() => singleAudioMid(session), refused);
});

test('a feeds watcher costs the node by the feeds it receives, as measured, and at least one seat', () => {
  assert.equal(feedWatcherCost(0), 1, 'waiting for the first feed: a seat all the same');
  assert.equal(feedWatcherCost(1), 1);
  assert.equal(feedWatcherCost(2), 1);
  assert.equal(feedWatcherCost(3), 2, 'bench/media: about twice a mix listener with 3 speakers');
  assert.equal(feedWatcherCost(11), 5, 'and about five times with a full stage');
});
