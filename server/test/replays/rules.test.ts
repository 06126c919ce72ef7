import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Segment } from '../../src/hls/playlist.js';
import { cardSvg, wrap } from '../../src/replays/card.js';
import { isCookieless, isEmbedPage } from '../../src/replays/embed.js';
import { escapeHtml, injectHead } from '../../src/replays/meta.js';
import { oembedRich, parseEmbeddedUrl, playerSize } from '../../src/replays/oembed.js';
import { byteRange } from '../../src/replays/range.js';
import { escapeXml, itunesDuration, renderFeed } from '../../src/replays/rss.js';
import {
  continuesSpan,
  MERGE_GAP_MS,
  mergeSpans,
  replayPieces,
  speakerTimeline,
  toReplayTime,
} from '../../src/replays/timeline.js';

const T0 = Date.UTC(2026, 0, 1);
const seg = (i: number, startsAt: number | null = T0 + i * 1000, duration = 1): Segment => ({
  uri: `a${String(i).padStart(6, '0')}.ts`,
  duration,
  startsAt,
  discontinuity: false,
});

describe('the speaker timeline', () => {
  test('a pause shorter than MERGE_GAP_MS continues the turn; a longer one starts another', () => {
    assert.equal(continuesSpan(T0, T0 + MERGE_GAP_MS - 1), true);
    assert.equal(continuesSpan(T0, T0 + MERGE_GAP_MS), false);
    assert.equal(continuesSpan(null, T0), false);
    assert.deepEqual(
      mergeSpans(
        [
          { start: T0 + 5000, end: T0 + 6000 },
          { start: T0, end: T0 + 1000 },
          { start: T0 + 2000, end: T0 + 3000 },
          { start: T0 + 7000, end: T0 + 7000 },
        ],
        T0 + 9000,
      ),
      [
        { start: T0, end: T0 + 3000 },
        { start: T0 + 5000, end: T0 + 6000 },
      ],
      'sorted, merged, empty spans dropped',
    );
  });

  test('live time maps through the replay segments: identity while recorded, a skipped stretch closes up, talk while off is not there', () => {
    // Recorded 0–4 s and 7–9 s of the live: segments 0..3 and 7..8.
    const pieces = replayPieces(
      [0, 1, 2, 3, 7, 8].map((i) => seg(i)),
      [],
      T0 + 9000,
    );
    assert.deepEqual(
      pieces.map((p) => p.offset),
      [0, 1000, 2000, 3000, 4000, 5000],
    );
    assert.deepEqual(toReplayTime([{ start: T0 + 500, end: T0 + 2500 }], pieces, T0 + 9000), [
      { start_ms: 500, end_ms: 2500 },
    ]);
    // 3.5–7.5 s of talk: 3.5–4 recorded, 4–7 not, 7–7.5 recorded: joined in replay time.
    assert.deepEqual(toReplayTime([{ start: T0 + 3500, end: T0 + 7500 }], pieces, T0 + 9000), [
      { start_ms: 3500, end_ms: 4500 },
    ]);
    // Only while off: nothing.
    assert.deepEqual(toReplayTime([{ start: T0 + 4200, end: T0 + 6800 }], pieces, T0 + 9000), []);
    // Still talking at the end: cut at the end of the audio.
    assert.deepEqual(toReplayTime([{ start: T0 + 8000, end: null }], pieces, T0 + 9000), [
      { start_ms: 5000, end_ms: 6000 },
    ]);
  });

  test('a playlist without dates maps through the recording spans instead', () => {
    const pieces = replayPieces(
      [seg(0, null), seg(1, null)],
      [
        { start: T0 + 5000, end: T0 + 6000 },
        { start: T0, end: T0 + 1000 },
      ],
      T0 + 9000,
    );
    assert.deepEqual(
      pieces.map((p) => [p.at - T0, p.offset]),
      [
        [0, 0],
        [5000, 1000],
      ],
    );
    assert.deepEqual(toReplayTime([{ start: T0 + 5200, end: T0 + 5800 }], pieces, T0 + 9000), [
      { start_ms: 1200, end_ms: 1800 },
    ]);
  });

  test('speakers are ordered by when they first speak; those with nothing in the replay are left out', () => {
    const pieces = replayPieces(
      [0, 1, 2, 3].map((i) => seg(i)),
      [],
      T0 + 4000,
    );
    const lines = speakerTimeline(
      new Map([
        ['b', [{ start: T0 + 500, end: T0 + 1500 }]],
        ['a', [{ start: T0 + 2000, end: T0 + 3000 }]],
        ['c', [{ start: T0 + 9000, end: T0 + 9500 }]],
      ]),
      pieces,
      T0 + 4000,
      (id) => ({ id }),
    );
    assert.deepEqual(
      lines.map((l) => l.id),
      ['b', 'a'],
    );
  });
});

describe('byte ranges', () => {
  test('single ranges, suffixes, open ends; unsatisfiable past the end; anything else is the whole file', () => {
    assert.deepEqual(byteRange('bytes=0-99', 1000), { kind: 'part', start: 0, end: 99 });
    assert.deepEqual(byteRange('bytes=900-', 1000), { kind: 'part', start: 900, end: 999 });
    assert.deepEqual(byteRange('bytes=-100', 1000), { kind: 'part', start: 900, end: 999 });
    assert.deepEqual(byteRange('bytes=-5000', 1000), { kind: 'part', start: 0, end: 999 });
    assert.deepEqual(byteRange('bytes=500-5000', 1000), { kind: 'part', start: 500, end: 999 });
    assert.deepEqual(byteRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(byteRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
    for (const header of [undefined, '', 'bytes=', 'bytes=5-1', 'bytes=0-1,5-9', 'items=0-1'])
      assert.deepEqual(byteRange(header, 1000), { kind: 'whole' }, String(header));
    const etag = '"abc"';
    assert.deepEqual(byteRange('bytes=0-1', 1000, { header: '"old"', etag }), { kind: 'whole' });
    assert.deepEqual(byteRange('bytes=0-1', 1000, { header: etag, etag }), {
      kind: 'part',
      start: 0,
      end: 1,
    });
  });
});

describe('link previews', () => {
  test('tags are escaped once; the page keeps one description and gets the title', () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    const html = injectHead(
      '<html><head><meta name="description" content="app" /><title>Salon</title></head><body></body></html>',
      {
        siteName: 'Salon',
        title: '</title><script>x</script>',
        description: 'd',
        url: 'http://s/spaces/x',
        type: 'website',
        image: { url: 'http://s/c.png', width: 1200, height: 630, alt: 'a' },
      },
    );
    assert.equal(html.match(/<meta name="description"/g)?.length, 1);
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;x&lt;\/script&gt;<\/title>/);
    assert.doesNotMatch(html, /<script>/);
  });

  test('oEmbed takes only our own space, replay, clip and embed URLs', () => {
    const base = 'https://salon.example';
    const id = 'abcdefghij0123456789';
    assert.deepEqual(parseEmbeddedUrl(`${base}/spaces/${id}`, base), { kind: 'space', id });
    assert.deepEqual(parseEmbeddedUrl(`http://salon.example/spaces/${id}/replay?t=1#x`, base), {
      kind: 'replay',
      id,
    });
    assert.deepEqual(parseEmbeddedUrl(`${base}/clips/${id}`, base), { kind: 'clip', id });
    assert.deepEqual(parseEmbeddedUrl(`${base}/embed/spaces/${id}`, base), { kind: 'space', id });
    for (const url of [
      `https://other.example/spaces/${id}`,
      `https://salon.example.evil/spaces/${id}`,
      `${base}/spaces/${id}/x`,
      `${base}/spaces/SHORT`,
      `ftp://salon.example/spaces/${id}`,
      'nonsense',
    ])
      assert.equal(parseEmbeddedUrl(url, base), null, url);
  });

  test('the player fits maxwidth and maxheight, and a thumbnail that does not fit is left out', () => {
    assert.deepEqual(playerSize(), { width: 480, height: 200 });
    assert.deepEqual(playerSize(300, 100), { width: 300, height: 120 });
    const input = {
      title: 'T "q"',
      authorName: 'A',
      authorUrl: 'u',
      providerUrl: 'p',
      embedUrl: 'https://s/embed/spaces/x',
      thumbnail: { url: 't', width: 1200, height: 630 },
    };
    assert.equal('thumbnail_url' in oembedRich(input), true);
    assert.equal('thumbnail_url' in oembedRich({ ...input, maxwidth: 600 }), false);
    assert.match(oembedRich(input).html, /title="T &quot;q&quot;"/);
  });

  test('the embed page alone may be framed, and it and what other apps fetch set no cookie', () => {
    const id = 'abcdefghij0123456789';
    assert.equal(isEmbedPage(`/embed/spaces/${id}`), true);
    assert.equal(isEmbedPage(`/embed/spaces/${id}?autoplay=1`), true);
    assert.equal(isEmbedPage(`/spaces/${id}`), false);
    assert.equal(isEmbedPage(`/embed/spaces/${id}/more`), false);
    for (const url of [
      `/embed/spaces/${id}`,
      `/api/v1/embed/spaces/${id}`,
      '/oembed?url=x',
      '/u/ada/replays.rss',
      `/api/v1/spaces/${id}/replay.m4a`,
      `/api/v1/spaces/${id}/card.png`,
      '/assets/hls.light-B5YW9Yff.js',
    ])
      assert.equal(isCookieless(url, undefined, 'salon.example'), true, url);
    assert.equal(isCookieless(`/spaces/${id}`, undefined, 'salon.example'), false);
    assert.equal(isCookieless('/api/v1/auth/guest', undefined, 's'), false);
    assert.equal(isCookieless('/api/v1/auth/guest', `http://s/embed/spaces/${id}`, 's'), true);
    assert.equal(isCookieless('/api/v1/auth/guest', `http://evil/embed/spaces/${id}`, 's'), false);
    assert.equal(isCookieless('/api/v1/auth/guest', 'not a url', 's'), false);
  });

  test('the share card wraps long titles in three lines and escapes them for XML', () => {
    assert.deepEqual(wrap('one two three', 7, 3), ['one two', 'three']);
    const lines = wrap('word '.repeat(40), 12, 3);
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /…$/);
    const svg = cardSvg({
      title: '<&>',
      hostName: '"x"',
      hostHandle: 'h',
      status: 'Live now',
      live: true,
    });
    assert.match(svg, /&lt;&amp;&gt;/);
    assert.match(svg, /&quot;x&quot;/);
  });
});

describe('the podcast feed', () => {
  test('XML escaping drops what XML 1.0 cannot carry; durations are HH:MM:SS', () => {
    assert.equal(escapeXml(`a\u0001b<&>"'\ud800`), 'ab&lt;&amp;&gt;&quot;&apos;');
    assert.equal(itunesDuration(0), '00:00:00');
    assert.equal(itunesDuration(3_723_499), '01:02:03');
    assert.equal(itunesDuration(59_500), '00:01:00');
    const xml = renderFeed({
      title: 'T',
      description: 'D',
      link: 'https://s/u/a',
      self: 'https://s/u/a/replays.rss',
      author: 'A & B',
      image: 'https://s/i.png',
      language: 'en',
      items: [],
    });
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(xml, /<itunes:author>A &amp; B<\/itunes:author>/);
    assert.doesNotMatch(xml, /<item>/);
  });
});
