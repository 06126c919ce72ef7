import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowBlockingReload, lastSequence } from './playlist.js';
import { LivePlaylistWaits } from './playlist-wait.js';

const playlist = (first: number, count: number) =>
  [
    '#EXTM3U',
    '#EXT-X-TARGETDURATION:1',
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    ...Array.from({ length: count }, (_, i) => `#EXTINF:0.512000,\nl${first + i}.ts`),
    '',
  ].join('\n');

test('the newest segment number, and the tag that allows blocking reloads (once)', () => {
  assert.equal(lastSequence(playlist(10, 3)), 12);
  assert.equal(lastSequence('#EXTM3U\n'), -1);
  const allowed = allowBlockingReload(playlist(10, 3));
  assert.match(allowed, /^#EXT-X-TARGETDURATION:1\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n/m);
  assert.equal(allowBlockingReload(allowed), allowed);
});

test('waiters of one playlist share a poll, are let go once their segment is listed, or after the longest wait', async () => {
  let text: string | null = playlist(10, 3);
  let reads = 0;
  const waits = new LivePlaylistWaits(
    async () => {
      reads += 1;
      return text;
    },
    { pollMs: 10, maxWaitMs: 400 },
  );
  await waits.until('s/index.m3u8', 12); // listed: at once
  await waits.until('s/index.m3u8', 20); // far ahead: at once
  assert.equal(waits.waiting, 0);

  const order: string[] = [];
  const a = waits.until('s/index.m3u8', 13).then(() => order.push('13'));
  const b = waits.until('s/index.m3u8', 14).then(() => order.push('14'));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(waits.waiting, 2);
  assert.deepEqual(order, []);
  const before = reads;
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(reads - before <= 8, `one poll for both waiters (${reads - before} reads in 50 ms)`);
  text = playlist(11, 3); // lists 13
  await a;
  assert.deepEqual(order, ['13']);
  await b; // 14 never comes: let go after maxWaitMs
  assert.deepEqual(order, ['13', '14']);
  assert.equal(waits.waiting, 0);
  waits.close();
});
