import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { giveTicket, sellTickets } from '../tickets/support/access.js';
import { captionedSpace, expectError, OPEN_HOSTING, say } from './support.js';

/**
 * "What was said", on both engines (SQLite FTS5, PostgreSQL tsvector + GIN):
 * lines published through CaptionsService as the pipeline does, found by a
 * spoken word, ranked, with a snippet and the moment to open, and only what
 * the viewer may see.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`transcript search on ${backend}`, () => {
    let t: TestServer;
    let admin: Awaited<ReturnType<TestServer['user']>>;
    before(async () => {
      t = await startTestServer({ backend, env: OPEN_HOSTING });
      admin = await t.user(); // the first account is the admin
    });
    after(() => t.close());

    test('finds spaces by a spoken word, ranked, with a snippet, the speaker and the moment', async () => {
      const host = await t.user();
      const other = await t.user();
      const many = await captionedSpace(host, { title: 'Bread all day' });
      const once = await captionedSpace(other, { title: 'Mostly cheese' });
      const start = Date.parse(many.started_at);
      assert.equal(
        await say(t.server, many.id, host.id, 'Today we bake sourdough bread', start + 2000),
        'stored',
      );
      assert.equal(
        await say(
          t.server,
          many.id,
          host.id,
          'Sourdough needs a starter, sourdough needs time',
          start + 5000,
        ),
        'stored',
      );
      assert.equal(
        await say(
          t.server,
          once.id,
          other.id,
          'I once tried sourdough, then cheese',
          Date.parse(once.started_at) + 1000,
        ),
        'stored',
      );
      await say(
        t.server,
        once.id,
        other.id,
        'Cheddar is the best cheese',
        Date.parse(once.started_at) + 4000,
      );

      const viewer = await t.user();
      const found = await viewer.client.get('/api/v1/transcripts/search?q=sourdough');
      assert.equal(found.status, 200, JSON.stringify(found.body));
      const ids = found.body.data.map((r: { space: { id: string } }) => r.space.id);
      assert.deepEqual(ids, [many.id, once.id], 'more said, higher ranked');
      const best = found.body.data[0];
      assert.match(best.snippet, /\[sourdough\]/i);
      assert.equal(best.speaker.id, host.id);
      // Live, no replay: the moment counts from the start.
      assert.ok(best.at_ms === 5000 || best.at_ms === 2000, String(best.at_ms));
      assert.equal(found.body.next_cursor, null);

      // Every word must match; punctuation and FTS syntax are only words.
      const both = await viewer.client.get(
        `/api/v1/transcripts/search?q=${encodeURIComponent('cheese, "sourdough*')}`,
      );
      assert.equal(both.status, 200, JSON.stringify(both.body));
      assert.deepEqual(
        both.body.data.map((r: { space: { id: string } }) => r.space.id),
        [once.id],
      );
      const none = await viewer.client.get('/api/v1/transcripts/search?q=croissant');
      assert.deepEqual(none.body.data, []);
      // A partial is never stored.
      await say(
        t.server,
        many.id,
        host.id,
        'baguette maybe',
        start + 9000,
        start + 9500,
        'partial',
      );
      assert.deepEqual(
        (await viewer.client.get('/api/v1/transcripts/search?q=baguette')).body.data,
        [],
      );
    });

    test('visibility: unrecorded ended (moderators only), blocked by the host, suspended hosts, the ticket rule', async () => {
      const host = await t.user();
      const viewer = await t.user();
      const ended = await captionedSpace(host, { title: 'Gone unrecorded' });
      await say(
        t.server,
        ended.id,
        host.id,
        'the word is zephyr',
        Date.parse(ended.started_at) + 1000,
      );
      const q = '/api/v1/transcripts/search?q=zephyr';
      assert.equal((await viewer.client.get(q)).body.data.length, 1, 'live: anyone');
      assert.equal((await host.client.post(`/api/v1/spaces/${ended.id}/end`)).status, 200);
      assert.equal((await viewer.client.get(q)).body.data.length, 0, 'ended, no replay: hidden');
      assert.equal((await t.client().get(q)).body.data.length, 0, 'hidden from the anonymous too');
      const staff = await admin.client.get(q);
      assert.deepEqual(
        staff.body.data.map((r: { space: { id: string } }) => r.space.id),
        [ended.id],
        'moderators see it',
      );

      // Blocked by the host.
      const blocker = await t.user();
      const live = await captionedSpace(blocker, { title: 'Block me' });
      await say(t.server, live.id, blocker.id, 'quokka facts', Date.parse(live.started_at) + 1000);
      assert.equal(
        (await viewer.client.get('/api/v1/transcripts/search?q=quokka')).body.data.length,
        1,
      );
      assert.equal((await blocker.client.post(`/api/v1/users/${viewer.id}/block`)).status, 200);
      assert.equal(
        (await viewer.client.get('/api/v1/transcripts/search?q=quokka')).body.data.length,
        0,
      );

      // A suspended host's space (suspension ends it; its words are not shown).
      const suspended = await t.user();
      const theirs = await captionedSpace(suspended, { title: 'Soon suspended', recording: true });
      await say(
        t.server,
        theirs.id,
        suspended.id,
        'narwhal tusks',
        Date.parse(theirs.started_at) + 1000,
      );
      assert.equal(
        (await viewer.client.get('/api/v1/transcripts/search?q=narwhal')).body.data.length,
        1,
      );
      const suspend = await admin.client.post(
        `/api/v1/moderation/users/${suspended.id}/suspension`,
        { note: 'test' },
      );
      assert.equal(suspend.status, 200, JSON.stringify(suspend.body));
      assert.equal(
        (await viewer.client.get('/api/v1/transcripts/search?q=narwhal')).body.data.length,
        0,
      );
      assert.equal(
        (await admin.client.get('/api/v1/transcripts/search?q=narwhal')).body.data.length,
        1,
      );

      // A ticketed space: its words only for those who may hear it.
      const seller = await t.user();
      const paid = await captionedSpace(seller, { title: 'Paid words' });
      await sellTickets(t.server, paid.id, seller.id);
      await say(
        t.server,
        paid.id,
        seller.id,
        'axolotl secrets',
        Date.parse(paid.started_at) + 1000,
      );
      const holder = await t.user();
      assert.equal(
        (await viewer.client.get('/api/v1/transcripts/search?q=axolotl')).body.data.length,
        0,
      );
      assert.equal(
        (await holder.client.get('/api/v1/transcripts/search?q=axolotl')).body.data.length,
        0,
      );
      await giveTicket(t.server, paid.id, seller.id, holder.id);
      assert.equal(
        (await holder.client.get('/api/v1/transcripts/search?q=axolotl')).body.data.length,
        1,
      );
      assert.equal(
        (await t.client().get('/api/v1/transcripts/search?q=axolotl')).body.data.length,
        0,
        'guests never',
      );
      assert.equal(
        (await viewer.client.get(`/api/v1/spaces/${paid.id}/transcript`)).body.error?.code,
        'ticket_required',
      );
    });

    test('pages: the cursor goes on where the page stopped', async () => {
      const host = await t.user();
      const ids: string[] = [];
      for (let i = 0; i < 23; i++) {
        const space = await captionedSpace(host, { title: `Page ${i}` });
        ids.push(space.id);
        await say(
          t.server,
          space.id,
          host.id,
          `pangolin number ${i}`,
          Date.parse(space.started_at) + 1000,
        );
        // One live space per host: end it (recorded: false, so only the admin sees these).
        assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
      }
      const first = await admin.client.get('/api/v1/transcripts/search?q=pangolin');
      assert.equal(first.body.data.length, 20);
      assert.ok(first.body.next_cursor);
      const second = await admin.client.get(
        `/api/v1/transcripts/search?q=pangolin&cursor=${first.body.next_cursor}`,
      );
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal(second.body.data.length, 3);
      assert.equal(second.body.next_cursor, null);
      const seen = [...first.body.data, ...second.body.data].map(
        (r: { space: { id: string } }) => r.space.id,
      );
      assert.deepEqual([...seen].sort(), [...ids].sort(), 'every space once');
    });

    test('bad inputs are 400s, never 500s', async () => {
      const viewer = await t.user();
      expectError(await viewer.client.get('/api/v1/transcripts/search?q='), 400, 'invalid_request');
      expectError(await viewer.client.get('/api/v1/transcripts/search'), 400, 'invalid_request');
      expectError(
        await viewer.client.get('/api/v1/transcripts/search?q=%21%22%2A%28%29'),
        400,
        'search_query_empty',
      );
      expectError(
        await viewer.client.get('/api/v1/transcripts/search?q=word&cursor=zzz'),
        400,
        'invalid_cursor',
      );
      expectError(
        await viewer.client.get(`/api/v1/transcripts/search?q=${'a'.repeat(201)}`),
        400,
        'invalid_request',
      );
      for (const q of [
        'NEAR(a b)',
        'text:secret',
        '"',
        "'; drop table transcript_lines; --",
        'a* OR b',
        '\u0000x',
        '💯',
      ]) {
        const reply = await viewer.client.get(
          `/api/v1/transcripts/search?q=${encodeURIComponent(q)}`,
        );
        assert.ok(
          reply.status === 200 || reply.status === 400,
          `${q}: ${reply.status} ${JSON.stringify(reply.body)}`,
        );
      }
      expectError(
        await viewer.client.get('/api/v1/spaces/nope/transcript'),
        400,
        'invalid_request',
      );
      expectError(
        await viewer.client.get('/api/v1/spaces/00000000000000000000/transcript'),
        404,
        'space_not_found',
      );
      expectError(
        await viewer.client.get('/api/v1/spaces/00000000000000000000/transcript.vtt'),
        404,
        'space_not_found',
      );
    });
  });
}
