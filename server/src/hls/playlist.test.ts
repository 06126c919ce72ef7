import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parsePlaylist,
  pointSegments,
  renderVod,
  selectRecorded,
  totalDuration,
} from './playlist.js';

// As ffmpeg 5.1 writes it after a restart with append_list.
const ARCHIVE = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXTINF:1.002667,
#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:54:19.000+0000
a000000.ts
#EXTINF:1.002667,
#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:54:20.003+0000
a000001.ts
#EXT-X-DISCONTINUITY
#EXTINF:1.002667,
#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:54:22.000+0000
a000002.ts
#EXTINF:0.277333,
#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:54:23.003+0000
a000003.ts
#EXT-X-ENDLIST
`;
const T0 = Date.parse('2026-11-21T15:54:19.000Z');

test('an ffmpeg playlist parses into segments with durations, dates and discontinuities', () => {
  const p = parsePlaylist(ARCHIVE);
  assert.equal(p.type, 'EVENT');
  assert.equal(p.ended, true);
  assert.equal(p.segments.length, 4);
  assert.deepEqual(p.segments[0], {
    uri: 'a000000.ts',
    duration: 1.002667,
    startsAt: T0,
    discontinuity: false,
  });
  assert.equal(p.segments[2]?.discontinuity, true);
  assert.ok(Math.abs(totalDuration(p.segments) - 3.285334) < 1e-6);
});

test('a VOD rendering keeps every segment, the seams, and ends with ENDLIST', () => {
  const vod = renderVod(parsePlaylist(ARCHIVE).segments);
  assert.match(vod, /#EXT-X-PLAYLIST-TYPE:VOD/);
  assert.match(vod, /#EXT-X-ENDLIST\n$/);
  assert.equal(vod.match(/#EXT-X-DISCONTINUITY/g)?.length, 1);
  assert.deepEqual(parsePlaylist(vod).segments, parsePlaylist(ARCHIVE).segments);
});

test('the replay keeps the segments whose middle is inside a recorded span', () => {
  const { segments } = parsePlaylist(ARCHIVE);
  // Recording on from the start for the whole space: everything.
  assert.equal(selectRecorded(segments, [{ start: T0 - 300, end: null }], T0 + 10_000).length, 4);
  // Turned on 1.2 s in: the first two segments (middles at 0.5 s and 1.5 s) — only the second.
  const late = selectRecorded(segments, [{ start: T0 + 1200, end: null }], T0 + 10_000);
  assert.deepEqual(
    late.map((s) => s.uri),
    ['a000001.ts', 'a000002.ts', 'a000003.ts'],
  );
  assert.equal(late[0]?.discontinuity, false, 'a replay does not start with a seam');
  // On, off, on again: the gap becomes a discontinuity.
  const gapped = selectRecorded(
    segments,
    [
      { start: T0, end: T0 + 1000 },
      { start: T0 + 3000, end: null },
    ],
    T0 + 10_000,
  );
  assert.deepEqual(
    gapped.map((s) => [s.uri, s.discontinuity]),
    [
      ['a000000.ts', false],
      ['a000002.ts', true],
      ['a000003.ts', false],
    ],
  );
  assert.deepEqual(selectRecorded(segments, [], T0 + 10_000), []);
});

test('pointSegments prefixes segment URIs and leaves tags, blank lines and absolute URIs', () => {
  const text = '#EXTM3U\n#EXTINF:1.0,\nl000001.ts\n\n#EXTINF:1.0,\n/abs/l2.ts\nhttps://cdn/l3.ts\n';
  assert.equal(
    pointSegments(text, '../T/'),
    '#EXTM3U\n#EXTINF:1.0,\n../T/l000001.ts\n\n#EXTINF:1.0,\n/abs/l2.ts\nhttps://cdn/l3.ts\n',
  );
});
