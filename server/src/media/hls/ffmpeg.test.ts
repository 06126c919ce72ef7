import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mixSdp, packagerArgs } from './ffmpeg.js';

test('the SDP describes the forwarded Opus mix on an even port', () => {
  const sdp = mixSdp(7000, '127.0.0.1');
  assert.match(sdp, /^m=audio 7000 RTP\/AVP 111$/m);
  assert.match(sdp, /^a=rtpmap:111 opus\/48000\/2$/m);
  assert.match(sdp, /^c=IN IP4 127\.0\.0\.1$/m);
  assert.throws(() => mixSdp(7001, '127.0.0.1'));
});

test('the SDP connection address is in the bind address family (ffmpeg resolves -localaddr in it)', () => {
  assert.match(mixSdp(7000, '10.1.2.3'), /^c=IN IP4 10\.1\.2\.3$/m);
  assert.match(mixSdp(7000, 'fd00::5'), /^c=IN IP6 fd00::5$/m);
  assert.match(mixSdp(7000, 'salon.internal'), /^c=IN IP4 127\.0\.0\.1$/m, 'a name: IPv4');
});

test('ffmpeg binds its RTP and RTCP sockets on the forward address only, not every interface', () => {
  for (const host of ['127.0.0.1', '10.1.2.3']) {
    const args = packagerArgs({ bindHost: host, appendLive: false, appendArchive: false });
    const at = args.indexOf('-localaddr');
    assert.ok(at >= 0, 'the SDP demuxer is given a local address');
    assert.equal(args[at + 1], host);
    assert.ok(at < args.indexOf('-i'), 'as an input option');
  }
});

test('the packager reads without buffering, never gives up on silence, and tees live and archive', () => {
  const args = packagerArgs({ bindHost: '127.0.0.1', appendLive: false, appendArchive: true });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after('-listen_timeout'), '-1');
  assert.equal(after('-use_wallclock_as_timestamps'), '1');
  assert.equal(after('-af'), 'aresample=async=1');
  assert.equal(after('-c:a'), 'aac');
  assert.equal(after('-f'), 'tee');
  const [live, archive] = (args.at(-1) ?? '').split('|');
  assert.match(live ?? '', /hls_list_size=12/);
  assert.match(live ?? '', /hls_time=0\.512:/, 'live: 24 AAC frames a segment');
  assert.match(archive ?? '', /hls_time=1:/, 'archive: 1 s segments, for clips and replays');
  assert.match(live ?? '', /delete_segments/);
  assert.doesNotMatch(live ?? '', /append_list/, 'no playlist yet: no append (no spurious seam)');
  assert.match(archive ?? '', /hls_list_size=0/);
  assert.match(archive ?? '', /hls_playlist_type=event/);
  assert.match(archive ?? '', /append_list/);
});
