import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineInReplay } from '../../src/captions/replay-time.js';
import { MAX_QUERY_WORDS, queryWords } from '../../src/captions/transcripts.js';
import { renderVtt, vttEscape, vttTime } from '../../src/captions/vtt.js';
import { isTranscriptPurgeable } from '../../src/moderation/retention.js';

test('query words: letters and digits only, lowercased, unique, at most 8', () => {
  assert.deepEqual(queryWords('Sourdough "bread" OR NEAR(x y)*'), [
    'sourdough',
    'bread',
    'or',
    'near',
    'x',
    'y',
  ]);
  assert.deepEqual(queryWords('!!! -- ""'), []);
  assert.deepEqual(queryWords('Café crème'), ['café', 'crème']);
  assert.equal(queryWords('a b c d e f g h i j k').length, MAX_QUERY_WORDS);
  assert.deepEqual(queryWords('x x X'), ['x']);
});

test('WebVTT: times, escaping, voice tags', () => {
  assert.equal(vttTime(0), '00:00:00.000');
  assert.equal(vttTime(3_723_045), '01:02:03.045');
  assert.equal(vttEscape('a <b> & c\n--> d'), 'a &lt;b&gt; &amp; c --&gt; d');
  const text = renderVtt([{ start_ms: 1000, end_ms: 2500, speaker: 'Ada <L>', text: 'hi' }]);
  assert.equal(text, 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\n<v Ada &lt;L&gt;>hi</v>\n');
});

test('a line in replay time: through the pieces, cut to what was recorded', () => {
  // Live 10 000–20 000 plays at 0–10 000; live 30 000–35 000 plays at 10 000–15 000.
  const pieces = [
    { at: 10_000, durationMs: 10_000, offset: 0 },
    { at: 30_000, durationMs: 5_000, offset: 10_000 },
  ];
  assert.deepEqual(lineInReplay(12_000, 13_000, pieces, 15_000), { start_ms: 2000, end_ms: 3000 });
  // Starts before recording: begins where the recording does.
  assert.deepEqual(lineInReplay(8_000, 11_000, pieces, 15_000), { start_ms: 0, end_ms: 1000 });
  // Across the pause in recording: from its first recorded moment to its last.
  assert.deepEqual(lineInReplay(19_000, 31_000, pieces, 15_000), {
    start_ms: 9000,
    end_ms: 11_000,
  });
  // Never recorded.
  assert.equal(lineInReplay(22_000, 25_000, pieces, 15_000), null);
  // Never past the end of the audio.
  assert.deepEqual(lineInReplay(34_000, 40_000, pieces, 14_500), {
    start_ms: 14_000,
    end_ms: 14_500,
  });
});

test('transcripts follow the audio retention unless the replay is kept', () => {
  const facts = { endedAt: 0, upheldAt: [], pendingAppeals: 0 };
  const day = 24 * 3600_000;
  assert.equal(isTranscriptPurgeable(facts, 29 * day, false), false);
  assert.equal(isTranscriptPurgeable(facts, 30 * day, false), true);
  assert.equal(isTranscriptPurgeable(facts, 365 * day, true), false);
  assert.equal(isTranscriptPurgeable({ ...facts, pendingAppeals: 1 }, 365 * day, false), false);
  assert.equal(isTranscriptPurgeable({ ...facts, upheldAt: [10 * day] }, 60 * day, false), false);
  assert.equal(isTranscriptPurgeable({ ...facts, upheldAt: [10 * day] }, 100 * day, false), true);
});
