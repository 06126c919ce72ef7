import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { scopeDir } from '../../src/streams/layout.js';
import { ManualClock } from '../../src/util/clock.js';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The HLS origin and the replay API without a media server: playlists and
 * segments are written here the way the packager writes them, so these run
 * anywhere (the media tests run the real packager).
 */
const clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0, 0));
let t: TestServer;
let admin: Awaited<ReturnType<TestServer['user']>>;
before(async () => {
  t = await startTestServer({ clock, env: { HOST_MIN_FOLLOWERS: '0' } });
  admin = await t.user(); // the first account of an instance is its admin
});
after(() => t.close());

const SEGMENT = Buffer.alloc(1880, 0x47);
type ErrorBody = { error: { code: string; message: string } };

/** An archive playlist as ffmpeg writes it, one 1 s segment per second from `from`. */
async function writeArchive(spaceId: string, from: number, seconds: number) {
  const dir = scopeDir(t.config.dataDir, spaceId, 'archive');
  await mkdir(dir, { recursive: true });
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:1',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
  ];
  for (let i = 0; i < seconds; i++) {
    const name = `a${String(i).padStart(6, '0')}.ts`;
    await writeFile(path.join(dir, name), SEGMENT);
    lines.push(
      '#EXTINF:1.000000,',
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(from + i * 1000).toISOString()}`,
      name,
    );
  }
  await writeFile(path.join(dir, 'index.m3u8'), `${lines.join('\n')}\n#EXT-X-ENDLIST\n`);
  return dir;
}

async function hostedSpace(title: string, recording: boolean) {
  const host = await t.user();
  const space = await liveSpace(host, { title, recording });
  return { host, space: space as { id: string } };
}

async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('signed URLs serve playlists and segments with their content types and cache headers, and no cookies', async () => {
  const { host, space } = await hostedSpace('Origin', false);
  const dir = scopeDir(t.config.dataDir, space.id, 'live');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXTINF:1.0,\nl000000.ts\n');
  await writeFile(path.join(dir, 'l000000.ts'), SEGMENT);
  const { path: playlist } = t.server.services.hls.signer.issuePlaylist(
    space.id,
    `u${host.id}`,
    clock.now(),
    60,
  );

  const list = await fetch(t.url + playlist);
  assert.equal(list.status, 200);
  assert.equal(list.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  assert.equal(list.headers.get('cache-control'), 'no-store', 'each fetch checks its viewer');
  assert.equal(list.headers.get('access-control-allow-origin'), '*');
  assert.equal(list.headers.get('set-cookie'), null, 'a cookie would keep CDNs from caching');
  // Segments point at the shared token: one cached copy for every listener.
  const uri = /^\.\.\/\d+\.[A-Za-z0-9_-]{43}\/l000000\.ts$/m.exec(await list.text())?.[0];
  assert.ok(uri, 'the segment is listed under the shared token');
  const shared = t.server.services.hls.signer.issue(
    space.id,
    'live',
    clock.now(),
    7200,
    'l000000.ts',
  );
  assert.equal(new URL(uri, t.url + playlist).pathname, shared.path);

  const segment = await fetch(new URL(uri, t.url + playlist));
  assert.equal(segment.status, 200);
  assert.equal(segment.headers.get('content-type'), 'video/mp2t');
  assert.match(segment.headers.get('cache-control') ?? '', /^public, max-age=\d+, immutable$/);
  const maxAge = Number(/max-age=(\d+)/.exec(segment.headers.get('cache-control') ?? '')?.[1]);
  assert.ok(
    maxAge >= 7200 && maxAge <= 7200 + 300,
    'cached as long as the URL is valid, no longer',
  );
  assert.deepEqual(Buffer.from(await segment.arrayBuffer()), SEGMENT);

  const head = await fetch(t.url + playlist, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const missing = await fetch(t.url + shared.path.replace('l000000.ts', 'l000099.ts'));
  assert.equal(missing.status, 404);
  const traversal = await fetch(`${t.url}${playlist.replace('index.m3u8', '..%2F..%2Fsalon.db')}`);
  assert.equal(traversal.status, 404);
});

/** A live playlist as ffmpeg writes it: `count` 0.512 s segments from sequence `first`. */
function livePlaylist(first: number, count: number): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1'];
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${first}`);
  for (let i = first; i < first + count; i++)
    lines.push('#EXTINF:0.512000,', `l${String(i).padStart(6, '0')}.ts`);
  return `${lines.join('\n')}\n`;
}

test('a live playlist allows blocking reloads: ?_HLS_msn=N is answered once segment N is listed', async () => {
  const { host, space } = await hostedSpace('Blocking reload', false);
  const dir = scopeDir(t.config.dataDir, space.id, 'live');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.m3u8'), livePlaylist(10, 3)); // segments 10-12
  const { path: playlist } = t.server.services.hls.signer.issuePlaylist(
    space.id,
    `u${host.id}`,
    clock.now(),
    60,
  );
  const plain = await (await fetch(t.url + playlist)).text();
  assert.match(plain, /^#EXT-X-TARGETDURATION:1\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES$/m);

  // Listed already: at once.
  const listed = await fetch(`${t.url}${playlist}?_HLS_msn=12`);
  assert.equal(listed.status, 200);
  assert.match(await listed.text(), /l000012\.ts$/m);

  // The next one: held until ffmpeg lists it.
  let answered = false;
  const next = fetch(`${t.url}${playlist}?_HLS_msn=13`).then(async (r) => {
    answered = true;
    return { status: r.status, text: await r.text() };
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(answered, false, 'no answer before segment 13 is listed');
  await writeFile(path.join(dir, 'index.m3u8'), livePlaylist(11, 3)); // segments 11-13
  const got = await next;
  assert.equal(got.status, 200);
  assert.match(got.text, /l000013\.ts$/m, 'the playlist that lists it');
  assert.doesNotMatch(got.text, /l000010\.ts/);

  // Far ahead of the stream (more than two segments): answered at once, as it is.
  const far = await fetch(`${t.url}${playlist}?_HLS_msn=40`);
  assert.equal(far.status, 200);
  assert.match(await far.text(), /l000013\.ts$/m);
  // Still checked first: a bad signature is refused without waiting.
  const bad = await fetch(`${t.url}${playlist.replace(/\.[^./]+\/index/, '.x/index')}?_HLS_msn=14`);
  assert.equal(bad.status, 403);
});

test("a listed segment keeps its URI when the shared token's bucket turns (hls.js stops on a changed one)", async () => {
  const { host, space } = await hostedSpace('Bucket turn', false);
  const dir = scopeDir(t.config.dataDir, space.id, 'live');
  await mkdir(dir, { recursive: true });
  // The shared token's expiry is now + 2 h rounded up to 5 minutes: it turns when now does.
  const turn = (Math.ceil(clock.now() / 300_000) + 1) * 300_000;
  const written = (first: number) =>
    [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:1',
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
      ...[0, 1, 2].flatMap((i) => [
        '#EXTINF:0.512000,',
        `#EXT-X-PROGRAM-DATE-TIME:${new Date(turn - 3000 + (first + i) * 512).toISOString()}`,
        `l${String(first + i).padStart(6, '0')}.ts`,
      ]),
      '',
    ].join('\n');
  await writeFile(path.join(dir, 'index.m3u8'), written(0));
  await writeFile(path.join(dir, 'l000002.ts'), SEGMENT);
  const uris = async () => {
    const { path: playlist } = t.server.services.hls.signer.issuePlaylist(
      space.id,
      `u${host.id}`,
      clock.now(),
      60,
    );
    const text = await (await fetch(t.url + playlist)).text();
    return { playlist, listed: text.split('\n').filter((l) => l.endsWith('.ts')) };
  };
  clock.set(turn - 1000);
  const before = await uris();
  clock.set(turn + 1500);
  await writeFile(path.join(dir, 'index.m3u8'), written(1));
  await new Promise((r) => setTimeout(r, 100)); // past the origin's playlist cache
  const after = await uris();
  assert.deepEqual(after.listed.slice(0, 2), before.listed.slice(1), 'the same URIs');
  const segment = await fetch(new URL(after.listed[1] ?? '', t.url + after.playlist));
  assert.equal(segment.status, 200, 'and they are valid');
});

test('a tampered or expired signature gets 403 with an error body', async () => {
  const { host, space } = await hostedSpace('Guarded', false);
  const dir = scopeDir(t.config.dataDir, space.id, 'live');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n');
  const signer = t.server.services.hls.signer;
  const { path: good, expiresAt } = signer.issuePlaylist(space.id, `u${host.id}`, clock.now(), 120);
  assert.equal((await fetch(t.url + good)).status, 200);
  // A live playlist needs a URL naming its viewer; the shared segment token is not one.
  const unbound = signer.issue(space.id, 'live', clock.now(), 120).path;
  assert.equal((await fetch(t.url + unbound)).status, 403);

  const [, , , , token] = good.split('/') as string[];
  const [expires, , signature] = (token ?? '').split('.') as [string, string, string];
  const tampered = [
    good.replace(`/${expires}.`, `/${Number(expires) + 86_400}.`),
    good.replace(
      signature,
      `${signature.slice(0, 10)}${signature[10] === 'x' ? 'y' : 'x'}${signature.slice(11)}`,
    ),
    good.replace('/live/', '/archive/'),
    good.replace(token ?? '', 'no-token'),
  ];
  for (const url of tampered) {
    const reply = await fetch(t.url + url);
    assert.equal(reply.status, 403, url);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    assert.equal(((await reply.json()) as ErrorBody).error.code, 'invalid_signature');
  }

  clock.set(expiresAt + 1);
  const expired = await fetch(t.url + good);
  assert.equal(expired.status, 403);
  const body = (await expired.json()) as ErrorBody;
  assert.equal(body.error.code, 'url_expired');
  assert.equal(typeof body.error.message, 'string');
});

test('a recorded space has a replay once it ends; the host deletes it and the moderation copy stays', async () => {
  const { host, space } = await hostedSpace('Recorded', true);
  const startedAt = clock.now();
  const archive = await writeArchive(space.id, startedAt, 8);
  const pending = await t.client().get(`/api/v1/spaces/${space.id}/replay`);
  assert.equal(pending.body.state, 'processing', JSON.stringify(pending.body));

  clock.advance(8_000);
  assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
  const anyone = t.client();
  const replay = await eventually(async () => {
    const reply = await anyone.get(`/api/v1/spaces/${space.id}/replay`);
    return reply.body.state === 'ready' ? reply.body : undefined;
  }, 'the replay');
  assert.equal(replay.duration_ms, 8000);
  assert.equal(replay.plays, 0);
  const list = await fetch(replay.url);
  assert.equal(list.status, 200);
  const text = await list.text();
  assert.match(text, /#EXT-X-PLAYLIST-TYPE:VOD/);
  assert.match(text, /#EXT-X-ENDLIST/);
  assert.equal((await fetch(new URL('a000003.ts', replay.url))).status, 200);

  assert.deepEqual((await anyone.post(`/api/v1/spaces/${space.id}/replay/plays`)).body, {
    plays: 1,
  });
  assert.deepEqual((await anyone.post(`/api/v1/spaces/${space.id}/replay/plays`)).body, {
    plays: 2,
  });

  const stranger = await t.user();
  const refused = await stranger.client.delete(`/api/v1/spaces/${space.id}/replay`);
  assert.equal(refused.status, 403);
  assert.equal((await host.client.delete(`/api/v1/spaces/${space.id}/replay`)).status, 204);
  assert.equal((await anyone.get(`/api/v1/spaces/${space.id}/replay`)).status, 404);
  assert.equal((await fetch(replay.url)).status, 404);
  assert.equal((await anyone.post(`/api/v1/spaces/${space.id}/replay/plays`)).status, 404);
  // Deleting the replay never deletes what moderators may need.
  const kept = await t.server.services.moderation.archive(space.id);
  assert.equal(kept.dir, archive);
  assert.ok(existsSync(path.join(archive, 'a000003.ts')));
});

test('an unrecorded space has no replay, but its audio is in the moderation archive for moderators only', async () => {
  const { host, space } = await hostedSpace('Off the record', false);
  const archive = await writeArchive(space.id, clock.now(), 3);
  clock.advance(3_000);
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await t.server.services.hls.recordings.settled(space.id);
  assert.equal((await t.client().get(`/api/v1/spaces/${space.id}/replay`)).status, 404);
  assert.equal((await host.client.get(`/api/v1/spaces/${space.id}/replay`)).status, 404);
  assert.equal((await t.server.services.moderation.archive(space.id)).dir, archive);
  // A replay-scope URL of the space finds nothing; the archive needs its own signature.
  const signer = t.server.services.hls.signer;
  const replayUrl = signer.issue(space.id, 'replay', clock.now(), 3600).path;
  assert.equal((await fetch(t.url + replayUrl)).status, 404);
  const forged = replayUrl.replace('/replay/', '/archive/');
  assert.equal((await fetch(t.url + forged)).status, 403);
  assert.equal(
    (await host.client.get(`/api/v1/moderation/archives/${space.id}/audio`)).status,
    403,
  );
  const audio = await admin.client.get(`/api/v1/moderation/archives/${space.id}/audio`);
  assert.equal(audio.status, 200);
  const list = await fetch(audio.body.url);
  assert.equal(list.status, 200);
  assert.match(await list.text(), /#EXT-X-ENDLIST/);
});

test('without a media server, asking for a tier says audio is unavailable', async () => {
  const { host, space } = await hostedSpace('Silent', false);
  const reply = await host.client.get(`/api/v1/spaces/${space.id}/listen`);
  assert.equal(reply.status, 503);
  assert.equal(reply.body.error.code, 'media_unavailable');
});

test('anything else under /hls/ is a 404 in our error shape, never the web app', async () => {
  for (const url of [`/hls/${'0'.repeat(300)}/live/x/index.m3u8`, '/hls/', '/hls/a/b']) {
    const reply = await fetch(t.url + url);
    assert.equal(reply.status, 404, url);
    assert.equal(((await reply.json()) as ErrorBody).error.code, 'file_not_found');
  }
});
