import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import Parser from 'rss-parser';
import { ManualClock } from '../../src/util/clock.js';
import type { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { eventually } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { fakeWebBuild, ffprobeDuration, writeArchive } from './support.js';

type Element = DefaultTreeAdapterMap['element'];
type Node = DefaultTreeAdapterMap['node'];

/** Every element of a parsed document, depth first. */
function elements(node: Node, out: Element[] = []): Element[] {
  if ('tagName' in node) out.push(node);
  if ('childNodes' in node) for (const child of node.childNodes) elements(child, out);
  if ('content' in node && node.content) elements(node.content as Node, out);
  return out;
}
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;

/** The head's meta tags as property/name → content, from a real HTML parser. */
function metaOf(html: string) {
  const all = elements(parse(html));
  const head = all.find((e) => e.tagName === 'head');
  assert.ok(head, 'a head');
  const inHead = elements(head);
  const meta = new Map<string, string>();
  for (const el of inHead.filter((e) => e.tagName === 'meta')) {
    const key = attr(el, 'property') ?? attr(el, 'name');
    if (key) meta.set(key, attr(el, 'content') ?? '');
  }
  const links = inHead.filter((e) => e.tagName === 'link');
  const title = inHead.find((e) => e.tagName === 'title');
  const titleText = title?.childNodes.map((n) => ('value' in n ? n.value : '')).join('') ?? '';
  return { meta, links, title: titleText, scripts: all.filter((e) => e.tagName === 'script') };
}

/** What oEmbed 1.0 requires of a `rich` answer, with the types it gives them. */
function assertOembedRich(body: Record<string, unknown>) {
  assert.equal(body['type'], 'rich');
  assert.equal(body['version'], '1.0');
  for (const key of ['html', 'title', 'author_name', 'author_url', 'provider_name', 'provider_url'])
    assert.equal(typeof body[key], 'string', key);
  for (const key of ['width', 'height']) assert.ok(Number.isInteger(body[key]), key);
  if ('thumbnail_url' in body) {
    assert.equal(typeof body['thumbnail_url'], 'string');
    assert.ok(
      Number.isInteger(body['thumbnail_width']) && Number.isInteger(body['thumbnail_height']),
    );
  }
  if ('cache_age' in body) assert.ok(Number.isInteger(body['cache_age']));
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(backend, () => {
    let t: TestServer;
    let web: string;
    const clock = new ManualClock(Date.now());
    before(async () => {
      web = fakeWebBuild();
      t = await startTestServer({ backend, clock, webDir: web, env: { HOST_MIN_FOLLOWERS: '0' } });
      await t.user(); // the admin
    });
    after(async () => {
      await t.close();
      rmSync(web, { recursive: true, force: true });
    });

    /** A recorded space that ended with `seconds` of audio. */
    async function replayOf(
      host: { client: Client },
      title: string,
      seconds: number,
      description = '',
    ) {
      const space = await liveSpace(host, { title, description, recording: true });
      const startedAt = Date.parse(space.started_at);
      await writeArchive(t.config.dataDir, space.id, startedAt, seconds);
      clock.set(Math.max(clock.now(), startedAt + seconds * 1000));
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
      await t.server.services.hls.recordings.settled(space.id);
      await t.server.services.replays.stats.settled();
      clock.advance(1000);
      return space.id as string;
    }

    test('the embed page may be framed by any page, asks for no microphone and sets no cookie; every other page only by Salon', async () => {
      const host = await t.user();
      const space = await liveSpace(host, { title: 'Framed' });
      const embed = await fetch(`${t.url}/embed/spaces/${space.id}`);
      assert.equal(embed.status, 200);
      assert.match(await embed.text(), /Salon player/);
      const csp = embed.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors \*(;|$)/);
      assert.equal(embed.headers.get('x-frame-options'), null);
      assert.match(embed.headers.get('permissions-policy') ?? '', /(^|, )microphone=\(\)/);
      assert.deepEqual(embed.headers.getSetCookie(), []);

      const page = await fetch(`${t.url}/spaces/${space.id}`);
      assert.equal(page.status, 200);
      assert.match(
        page.headers.get('content-security-policy') ?? '',
        /frame-ancestors 'self'(;|$)/,
      );
      assert.equal(page.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.match(page.headers.get('permissions-policy') ?? '', /microphone=\(self\)/);
      assert.equal(page.headers.getSetCookie().length, 1, 'the app gives a browser its id');

      // The embed's own calls (its Referer names the page): a guest token, its JSON, /listen.
      const referer = `${t.url}/embed/spaces/${space.id}`;
      const guest = await fetch(`${t.url}/api/v1/auth/guest`, {
        method: 'POST',
        headers: { referer, origin: t.url },
      });
      assert.equal(guest.status, 201);
      assert.deepEqual(guest.headers.getSetCookie(), []);
      const { token } = (await guest.json()) as { token: string };
      const json = await fetch(`${t.url}/api/v1/embed/spaces/${space.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(json.status, 200);
      assert.deepEqual(json.headers.getSetCookie(), []);
      const body = (await json.json()) as Record<string, any>;
      assert.equal(body['space'].id, space.id);
      assert.equal(body['space'].state, 'live');
      assert.equal(body['replay'], null);
      assert.ok(Number.isInteger(body['listener_count']));
      const listen = await fetch(`${t.url}/api/v1/spaces/${space.id}/listen`, {
        headers: { referer, authorization: `Bearer ${token}` },
      });
      assert.deepEqual(listen.headers.getSetCookie(), [], `listen: ${listen.status}`);
      const unknown = await fetch(`${t.url}/api/v1/embed/spaces/aaaaaaaaaaaaaaaaaaaa`);
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.headers.getSetCookie(), []);
    });

    test('space and replay pages carry Open Graph and Twitter tags, escaped, with a share card that is a PNG and the replay as og:audio; oEmbed is discoverable', async () => {
      const host = await t.user(undefined, 'Zoë "the host" <b>');
      const title = 'Jazz & "blues" <script>alert(1)</script> tonight';
      const id = await replayOf(host, title, 5, 'About </title><script>x</script> things');
      for (const pagePath of [`/spaces/${id}`, `/spaces/${id}/replay`]) {
        const html = await (await fetch(t.url + pagePath)).text();
        const { meta, links, title: pageTitle, scripts } = metaOf(html);
        assert.equal(scripts.length, 0, `${pagePath}: nothing injected runs`);
        assert.equal(pageTitle, title);
        assert.equal(meta.get('og:title'), title);
        assert.equal(meta.get('twitter:title'), title);
        assert.equal(meta.get('og:type'), 'music.song');
        assert.equal(meta.get('og:site_name'), 'Salon');
        assert.equal(meta.get('twitter:card'), 'summary_large_image');
        assert.match(meta.get('og:description') ?? '', /Hosted by Zoë "the host" <b> \(@/);
        assert.match(meta.get('og:description') ?? '', /Replay · 1 min/);
        assert.equal(meta.get('og:url'), t.url + pagePath);
        assert.equal(meta.get('og:audio'), `${t.url}/api/v1/spaces/${id}/replay.m4a`);
        assert.equal(meta.get('og:audio:type'), 'audio/mp4');
        assert.equal([...html.matchAll(/<meta name="description"/g)].length, 1, 'one description');
        const image = meta.get('og:image')!;
        const png = await fetch(image);
        assert.equal(png.status, 200);
        assert.equal(png.headers.get('content-type'), 'image/png');
        const bytes = Buffer.from(await png.arrayBuffer());
        assert.deepEqual(
          [...bytes.subarray(0, 8)],
          [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        );
        assert.equal(bytes.readUInt32BE(16), 1200, 'width');
        assert.equal(bytes.readUInt32BE(20), 630, 'height');
        assert.equal(meta.get('og:image:width'), '1200');
        const discovery = links.find((l) => attr(l, 'type') === 'application/json+oembed');
        assert.ok(discovery, 'the oEmbed discovery link');
        const oembed = await fetch(attr(discovery, 'href')!);
        assert.equal(oembed.status, 200);
        const answer = (await oembed.json()) as Record<string, unknown>;
        assertOembedRich(answer);
        assert.equal(answer['title'], title);
      }
      // A page with nothing of its own keeps the app's head.
      const plain = metaOf(await (await fetch(`${t.url}/settings`)).text());
      assert.equal(plain.title, 'Salon');
      assert.equal(plain.meta.has('og:title'), false);
      // An unknown space's page is the app's (it says "not found" itself).
      const unknown = metaOf(await (await fetch(`${t.url}/spaces/aaaaaaaaaaaaaaaaaaaa`)).text());
      assert.equal(unknown.meta.has('og:title'), false);
    });

    test("a ticketed space's preview says its price and the tickets left, then Sold out, and offers no audio", async () => {
      const host = await t.user();
      const space = await liveSpace(host, { title: 'Paid talk' });
      const db = t.server.services.storage.db;
      await db
        .insertInto('ticket_offers')
        .values({
          space_id: space.id,
          host_id: host.id,
          price_minor: 500,
          currency: 'usd',
          count: 10,
          sold: 3,
          held: 0,
          created_at: clock.now(),
          updated_at: clock.now(),
        } as never)
        .execute();
      const preview = async () =>
        metaOf(await (await fetch(`${t.url}/spaces/${space.id}`)).text()).meta;
      let meta = await preview();
      assert.match(meta.get('og:description') ?? '', /Live now · Ticket \$5\.00 · 7 left/);
      assert.match(meta.get('og:image:alt') ?? '', /Ticket \$5\.00 · 7 left/);
      assert.equal(meta.get('og:audio'), undefined, 'no audio in the preview of a ticketed space');
      await db
        .updateTable('ticket_offers')
        .set({ sold: 10 } as never)
        .where('space_id', '=', space.id)
        .execute();
      meta = await preview();
      assert.match(meta.get('og:description') ?? '', /Live now · Sold out/);
      await host.client.post(`/api/v1/spaces/${space.id}/end`);
    });

    test('a clip page unfurls as the clip (its title, its audio) and its URL has an oEmbed answer', async () => {
      const host = await t.user();
      const id = await replayOf(host, 'Clipped space', 12);
      const fan = await t.user();
      const made = await fan.client.post(`/api/v1/spaces/${id}/clips`, {
        from_ms: 2000,
        to_ms: 8000,
        title: 'The <best> part',
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const clipId = made.body.id as string;
      await eventually(
        async () => (await t.client().get(`/api/v1/clips/${clipId}`)).body.state === 'ready',
        'the clip cut',
        30_000,
      );
      const { meta, links } = metaOf(await (await fetch(`${t.url}/clips/${clipId}`)).text());
      assert.equal(meta.get('og:title'), 'The <best> part');
      assert.equal(meta.get('og:audio'), `${t.url}/api/v1/clips/${clipId}/audio`);
      assert.match(meta.get('og:description') ?? '', /clip of "Clipped space"/);
      assert.equal(meta.get('og:image'), `${t.url}/api/v1/spaces/${id}/card.png`);
      const discovery = links.find((l) => attr(l, 'type') === 'application/json+oembed');
      const answer = (await (await fetch(attr(discovery!, 'href')!)).json()) as Record<
        string,
        unknown
      >;
      assertOembedRich(answer);
      assert.equal(answer['title'], 'The <best> part');
      assert.match(answer['html'] as string, new RegExp(`/embed/spaces/${id}"`));
      const unknown = await fetch(
        `${t.url}/oembed?url=${encodeURIComponent(`${t.url}/clips/aaaaaaaaaaaaaaaaaaaa`)}`,
      );
      assert.equal(unknown.status, 404);
    });

    test('oEmbed: rich JSON with the player iframe within maxwidth/maxheight; 404 for URLs that are not ours; 501 for xml', async () => {
      const host = await t.user();
      const space = await liveSpace(host, { title: 'Live <now>' });
      const ask = (query: string) => fetch(`${t.url}/oembed?${query}`);
      const pageUrl = `${t.url}/spaces/${space.id}`;
      const reply = await ask(`url=${encodeURIComponent(pageUrl)}&format=json`);
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(reply.headers.getSetCookie(), []);
      const body = (await reply.json()) as Record<string, unknown>;
      assertOembedRich(body);
      assert.equal(body['provider_name'], 'Salon');
      assert.equal(body['author_url'], `${t.url}/u/${host.handle}`);
      assert.equal(body['width'], 480);
      const iframe = elements(parse(body['html'] as string)).find((e) => e.tagName === 'iframe');
      assert.ok(iframe, 'an iframe');
      assert.equal(attr(iframe, 'src'), `${t.url}/embed/spaces/${space.id}`);
      assert.equal(attr(iframe, 'title'), 'Live <now>');
      assert.doesNotMatch(attr(iframe, 'allow') ?? '', /microphone/);

      const small = (await (
        await ask(`url=${encodeURIComponent(pageUrl)}&maxwidth=320&maxheight=150`)
      ).json()) as Record<string, unknown>;
      assertOembedRich(small);
      assert.equal(small['width'], 320);
      assert.equal(small['height'], 150);
      assert.equal('thumbnail_url' in small, false, 'a 1200 px thumbnail does not fit in 320');

      assert.equal((await ask(`url=${encodeURIComponent(pageUrl)}&format=xml`)).status, 501);
      for (const url of [
        'https://elsewhere.example/spaces/aaaaaaaaaaaaaaaaaaaa',
        `${t.url}/spaces/aaaaaaaaaaaaaaaaaaaa`,
        `${t.url}/settings`,
        'not a url',
        'javascript:alert(1)',
      ]) {
        const refused = await ask(`url=${encodeURIComponent(url)}`);
        assert.equal(refused.status, 404, url);
        assert.equal(
          ((await refused.json()) as { error: { code: string } }).error.code,
          'embeddable_page_not_found',
        );
      }
      assert.equal((await ask('format=json')).status, 400, 'url is required');
    });

    test('the podcast feed parses with a real feed parser, lists only public unticketed replays, and its enclosure plays as long as the replay, in byte ranges', async () => {
      const host = await t.user(undefined, 'Pod & "cast"');
      const first = await replayOf(
        host,
        'Episode <1> & more',
        6,
        'Control\u0001 characters are dropped',
      );
      const second = await replayOf(host, 'Episode 2', 4);
      const ticketed = await replayOf(host, 'For holders', 3);
      const db = t.server.services.storage.db;
      await db
        .insertInto('ticket_offers')
        .values({
          space_id: ticketed,
          host_id: host.id,
          price_minor: 500,
          currency: 'usd',
          count: 10,
          sold: 0,
          held: 0,
          created_at: clock.now(),
          updated_at: clock.now(),
        } as never)
        .execute();
      const unrecorded = await liveSpace(host, { title: 'Unrecorded' });
      await host.client.post(`/api/v1/spaces/${unrecorded.id}/end`);

      const feedUrl = `${t.url}/u/${host.handle}/replays.rss`;
      const reply = await fetch(feedUrl);
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^application\/rss\+xml/);
      assert.deepEqual(reply.headers.getSetCookie(), []);
      const etag = reply.headers.get('etag');
      assert.ok(etag);
      const xml = await reply.text();
      const feed = await new Parser({ customFields: { item: ['itunes:duration'] } }).parseString(
        xml,
      );
      assert.equal(feed.title, 'Pod & "cast" on Salon');
      assert.equal(feed.itunes?.author, 'Pod & "cast"');
      assert.ok(feed.itunes?.image, 'itunes:image');
      assert.equal(feed.itunes?.explicit, 'false');
      assert.deepEqual(
        feed.items.map((i) => i.title),
        ['Episode 2', 'Episode <1> & more'],
        'newest first; not the ticketed one, not the unrecorded one',
      );
      assert.equal(feed.items[1]!.content, 'Control characters are dropped');
      for (const [item, id] of [
        [feed.items[0]!, second],
        [feed.items[1]!, first],
      ] as const) {
        assert.equal(item.guid, `salon:space:${id}`);
        assert.ok(item.pubDate && !Number.isNaN(Date.parse(item.pubDate)));
        assert.equal(item.enclosure?.type, 'audio/mp4');
        assert.equal(item.enclosure?.url, `${t.url}/api/v1/spaces/${id}/replay.m4a`);
        const replay = (await t.client().get(`/api/v1/spaces/${id}/replay`)).body;
        assert.match(item['itunes:duration'], /^00:00:0\d$/);
        assert.equal(
          Number(item['itunes:duration'].slice(-2)),
          Math.round(replay.duration_ms / 1000),
        );
        // The enclosure: the length it says, and it plays as long as the replay.
        const audio = await fetch(item.enclosure!.url);
        assert.equal(audio.status, 200);
        assert.equal(audio.headers.get('accept-ranges'), 'bytes');
        const bytes = Buffer.from(await audio.arrayBuffer());
        assert.equal(bytes.length, Number(item.enclosure!.length));
        assert.equal(Number(audio.headers.get('content-length')), bytes.length);
        const file = path.join(tmpdir(), `salon-enclosure-${id}.m4a`);
        writeFileSync(file, bytes);
        const seconds = await ffprobeDuration(file);
        rmSync(file);
        assert.ok(
          Math.abs(seconds - replay.duration_ms / 1000) < 0.1,
          `${seconds} s vs ${replay.duration_ms} ms`,
        );
        // HEAD, as podcast apps ask for the size first.
        const head = await fetch(item.enclosure!.url, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(Number(head.headers.get('content-length')), bytes.length);
        assert.equal(head.headers.get('content-type'), 'audio/mp4');
        // Ranges, as podcast apps seek.
        const part = await fetch(item.enclosure!.url, { headers: { range: 'bytes=100-199' } });
        assert.equal(part.status, 206);
        assert.equal(part.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
        assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200));
        const tail = await fetch(item.enclosure!.url, { headers: { range: 'bytes=-10' } });
        assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 10));
        const outside = await fetch(item.enclosure!.url, {
          headers: { range: `bytes=${bytes.length}-` },
        });
        assert.equal(outside.status, 416);
        assert.equal(outside.headers.get('content-range'), `bytes */${bytes.length}`);
      }
      // Cached: the same feed is a 304 by its ETag.
      assert.equal((await fetch(feedUrl, { headers: { 'if-none-match': etag } })).status, 304);
      // The ticketed replay's audio is for holders: not for anyone, but for its host.
      const refused = await t.client().get(`/api/v1/spaces/${ticketed}/replay.m4a`);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'ticket_required');
      assert.equal((await host.client.get(`/api/v1/spaces/${ticketed}/replay.m4a`)).status, 200);
      assert.equal((await fetch(`${t.url}/u/nobody_here/replays.rss`)).status, 404);
    });

    test('the rendered file follows its replay: made once, gone with a deleted replay', async () => {
      const host = await t.user();
      const id = await replayOf(host, 'Once', 3);
      const audio = t.server.services.replays;
      const a = await audio.audioFor({ kind: 'anonymous' }, id, null);
      const b = await audio.audioFor({ kind: 'anonymous' }, id, null);
      assert.equal(a.file, b.file);
      assert.equal(a.mtimeMs, b.mtimeMs, 'rendered once');
      assert.equal((await host.client.delete(`/api/v1/spaces/${id}/replay`)).status, 204);
      const { existsSync } = await import('node:fs');
      assert.equal(existsSync(a.file), false, 'deleted with the replay');
      const gone = await t.client().get(`/api/v1/spaces/${id}/replay.m4a`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, 'replay_not_found');
    });
  });
}
