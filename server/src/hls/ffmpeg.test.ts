import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mixSdp, packagerArgs } from './ffmpeg.js';

test('the SDP describes the forwarded Opus mix on an even port', () => {
  const sdp = mixSdp(7000);
  assert.match(sdp, /^m=audio 7000 RTP\/AVP 111$/m);
  assert.match(sdp, /^a=rtpmap:111 opus\/48000\/2$/m);
  assert.match(sdp, /^c=IN IP4 127\.0\.0\.1$/m);
  assert.throws(() => mixSdp(7001));
});

test('the packager reads without buffering, never gives up on silence, and tees live and archive', () => {
  const args = packagerArgs({ appendLive: false, appendArchive: true });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after('-listen_timeout'), '-1');
  assert.equal(after('-use_wallclock_as_timestamps'), '1');
  assert.equal(after('-af'), 'aresample=async=1');
  assert.equal(after('-c:a'), 'aac');
  assert.equal(after('-f'), 'tee');
  const [live, archive] = (args.at(-1) ?? '').split('|');
  assert.match(live ?? '', /hls_list_size=6/);
  assert.match(live ?? '', /delete_segments/);
  assert.doesNotMatch(live ?? '', /append_list/, 'no playlist yet: no append (no spurious seam)');
  assert.match(archive ?? '', /hls_list_size=0/);
  assert.match(archive ?? '', /hls_playlist_type=event/);
  assert.match(archive ?? '', /append_list/);
});
