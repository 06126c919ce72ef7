import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage, SpaceSnapshot } from '@salon/protocol';
import { MESSAGE_RULES } from '../../src/realtime/authority.js';
import type { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import { giveTicket, refundTicket, sellTickets } from './support/access.js';

/**
 * The access matrix of a ticketed space, on each engine, without media
 * (MEDIA=off): every row of people against every way in that does not need
 * audio to flow. A message the sender may send is answered
 * `media_unavailable` (after the authority check), one they may not is
 * refused with its reason; HLS files pass the guard (a 404: no audio is
 * written here) or are refused. test/media/tickets-access.test.ts does the
 * same with real Janus and ffmpeg, and hears the tone.
 */

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
/** Each client message type with valid fields (what the field check needs). */
const FIELDS: Record<string, Record<string, unknown>> = {
  react: { emoji: '❤️' },
  media_publish: { sdp: SDP },
  media_listen_answer: { sdp: SDP },
  feed_publish: { sdp: SDP },
  feeds_answer: { sdp: SDP },
};
/** The message types that touch audio: hearing it, reacting in its audience, or speaking. */
const HEARING = Object.entries(MESSAGE_RULES)
  .filter(([, rule]) => rule === 'listen' || rule === 'react')
  .map(([type]) => type);
const SPEAKING = Object.entries(MESSAGE_RULES)
  .filter(([, rule]) => rule === 'publish')
  .map(([type]) => type);

interface Person {
  name: string;
  http: Client;
  rt: RealtimeClient;
  /** `u<id>` or `g<id>`, as HLS URLs name viewers. */
  key: string;
  id: string;
}

let requests = 0;
/** The answer to one message: `ok` (a snapshot, an ack) or the error's code. */
async function answer(rt: RealtimeClient, message: Record<string, unknown>): Promise<string> {
  const requestId = `r${++requests}`;
  const reply = rt.waitFor((m) => 'request_id' in m && m.request_id === requestId, 5000);
  rt.ws.send(JSON.stringify({ ...message, request_id: requestId }));
  const m = await reply;
  return m.type === 'error' ? m.code : 'ok';
}

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`who hears a ticketed space, on ${backend}`, () => {
    let t: TestServer;
    let spaceId: string;
    let hostId: string;
    const people = new Map<string, Person>();
    const person = (name: string) => people.get(name)!;

    const connect = async (name: string, http: Client, id: string, guestToken?: string) => {
      const rt = await RealtimeClient.connect(t.url, http, guestToken);
      const p = { name, http, rt, id, key: `${guestToken ? 'g' : 'u'}${id}` };
      people.set(name, p);
      return p;
    };

    before(async () => {
      t = await startTestServer({ backend, env: { HOST_MIN_FOLLOWERS: '0' } });
      const admin = await t.user('tadmin'); // the first account is the instance's admin
      const moderator = await t.user('tmoderator');
      const role = await admin.client.put(`/api/v1/admin/users/${moderator.id}/role`, {
        role: 'moderator',
      });
      assert.equal(role.status, 200, JSON.stringify(role.body));
      const host = await t.user('thost');
      hostId = host.id;
      spaceId = (await liveSpace(host, { title: 'Ticketed' })).id;
      await sellTickets(t.server, spaceId, host.id);
      const url = `/api/v1/spaces/${spaceId}`;
      for (const [name, u] of [
        ['admin', admin],
        ['moderator', moderator],
        ['host', host],
      ] as const)
        await connect(name, u.client, u.id);
      for (const name of ['cohost', 'speaker', 'holder', 'nonholder', 'refunded', 'banned']) {
        const u = await t.user(`t${name}`.slice(0, 15));
        await connect(name, u.client, u.id);
      }
      const guestHttp = t.client();
      const guest = (await guestHttp.post('/api/v1/auth/guest')).body;
      guestHttp.bearer = guest.token;
      await connect('guest', guestHttp, guest.guest_id, guest.token);

      const co = person('cohost');
      await co.http.post(`${url}/requests`);
      await host.client.post(`${url}/requests/${co.id}/approve`);
      assert.equal((await host.client.post(`${url}/cohosts`, { user_id: co.id })).status, 200);
      const sp = person('speaker');
      await host.client.post(`${url}/invitations`, { user_id: sp.id, role: 'speaker' });
      assert.equal((await sp.http.post(`${url}/invitation/accept`)).status, 200);
      for (const name of ['holder', 'refunded', 'banned'])
        await giveTicket(t.server, spaceId, host.id, person(name).id);
    });
    after(async () => {
      for (const p of people.values()) await p.rt.close();
      await t?.close();
    });

    /** What one person gets on every tier that needs no audio to flow. */
    async function outcomes(p: Person) {
      const out: Record<string, string> = {};
      const space = await p.http.get(`/api/v1/spaces/${spaceId}`);
      out['access'] = space.body.access;
      const sub = await p.rt.subscribe(spaceId);
      out['subscribe'] =
        sub.type === 'snapshot'
          ? `snapshot:${sub.snapshot.access}`
          : (sub as { code: string }).code;
      for (const type of [...HEARING, ...SPEAKING])
        out[type] = await answer(p.rt, { type, space_id: spaceId, ...FIELDS[type] });
      const listen = await p.http.get(`/api/v1/spaces/${spaceId}/listen`);
      out['/listen'] = listen.body.error?.code ?? String(listen.status);
      const reaction = await p.http.post(`/api/v1/spaces/${spaceId}/reactions`, { emoji: '❤️' });
      out['POST /reactions'] = reaction.body?.error?.code ?? String(reaction.status);
      // A link for this person as /listen would sign it (the guard is what is checked here).
      const now = t.server.services.clock.now();
      const signer = t.server.services.hls.signer;
      for (const file of ['index.m3u8', 'l000001.ts']) {
        const own = signer.issueFor(spaceId, 'live', p.key, now, 60, file).path;
        const reply = await p.http.get(own);
        out[`hls ${file}`] = reply.body.error?.code ?? String(reply.status);
      }
      return out;
    }

    const HEARS = {
      '/listen': 'media_unavailable',
      'POST /reactions': '200',
      'hls index.m3u8': 'file_not_found',
      'hls l000001.ts': 'file_not_found',
      ...Object.fromEntries(
        HEARING.map((type) => [type, type === 'react' ? 'ok' : 'media_unavailable']),
      ),
    };
    const NEEDS_TICKET = {
      access: 'needs_ticket',
      subscribe: 'snapshot:needs_ticket',
      '/listen': 'ticket_required',
      'POST /reactions': 'ticket_required',
      'hls index.m3u8': 'ticket_required',
      'hls l000001.ts': 'ticket_required',
      ...Object.fromEntries(HEARING.map((type) => [type, 'ticket_required'])),
    };

    test('the stage, staff and holders hear it; the others are refused with ticket_required on every tier', async () => {
      const rows: Array<[string, Record<string, string>]> = [
        ['host', { access: 'host', subscribe: 'snapshot:host', ...HEARS }],
        ['cohost', { access: 'stage', subscribe: 'snapshot:stage', ...HEARS }],
        ['speaker', { access: 'stage', subscribe: 'snapshot:stage', ...HEARS }],
        ['admin', { access: 'stage', subscribe: 'snapshot:stage', ...HEARS }],
        ['moderator', { access: 'stage', subscribe: 'snapshot:stage', ...HEARS }],
        ['holder', { access: 'holder', subscribe: 'snapshot:holder', ...HEARS }],
        ['nonholder', NEEDS_TICKET],
        ['guest', NEEDS_TICKET],
      ];
      for (const [name, expected] of rows) {
        const got = await outcomes(person(name));
        for (const [tier, value] of Object.entries(expected))
          assert.equal(got[tier], value, `${name}: ${tier}`);
        // Speaking is the stage's: everyone else is refused by the space policy first.
        const onStage = ['host', 'cohost', 'speaker'].includes(name);
        for (const type of SPEAKING)
          assert.equal(
            got[type] === 'media_unavailable',
            onStage,
            `${name}: ${type} answered ${got[type]}`,
          );
      }
    });

    test('a shared (not viewer-bound) HLS link is refused in a ticketed space, even to the host', async () => {
      const signer = t.server.services.hls.signer;
      for (const scope of ['live', 'replay'] as const) {
        const shared = signer.issue(
          spaceId,
          scope,
          t.server.services.clock.now(),
          3600,
          'a000001.ts',
        );
        const reply = await person('host').http.get(shared.path);
        assert.equal(reply.status, 403);
        assert.equal(reply.body.error.code, 'ticket_required', scope);
      }
    });

    test('without a ticket one is not in the audience: not counted, not listed', async () => {
      const viewer = person('nonholder');
      const holder = person('holder');
      const host = person('host');
      const before = (await viewer.rt.subscribe(spaceId)) as Extract<
        ServerMessage,
        { type: 'snapshot' }
      >;
      assert.equal(before.snapshot.access, 'needs_ticket');
      // The holder comes after the viewer: once the host's list shows them, it would show the viewer.
      await holder.rt.subscribe(spaceId);
      await eventually(
        () => !!host.rt.views.get(spaceId)?.listeners.data.some((l) => l.user_id === holder.id),
        'the holder listed at the host',
      );
      const listed = host.rt.views.get(spaceId)!.listeners.data.map((l) => l.user_id);
      assert.ok(!listed.includes(viewer.id), 'the viewer without a ticket is not listed');
      const http = (await viewer.http.get(`/api/v1/spaces/${spaceId}/snapshot`))
        .body as SpaceSnapshot;
      assert.equal(http.access, 'needs_ticket');
      assert.ok(!http.listeners.data.some((l) => l.user_id === viewer.id));
    });

    test('a refund takes the right away on the open connection: a fresh snapshot, then refusals', async () => {
      const p = person('refunded');
      const sub = (await p.rt.subscribe(spaceId)) as Extract<ServerMessage, { type: 'snapshot' }>;
      assert.equal(sub.snapshot.access, 'holder');
      assert.equal(
        await answer(p.rt, { type: 'media_listen', space_id: spaceId }),
        'media_unavailable',
      );
      const fresh = p.rt.waitFor(
        (m) =>
          m.type === 'snapshot' && m.space_id === spaceId && m.snapshot.access === 'needs_ticket',
      );
      await refundTicket(t.server, spaceId, p.id);
      await fresh;
      const got = await outcomes(p);
      for (const [tier, value] of Object.entries(NEEDS_TICKET))
        assert.equal(got[tier], value, `refunded: ${tier}`);
    });

    test('a removed (banned) holder is refused everywhere, ticket or not', async () => {
      const p = person('banned');
      assert.equal(((await p.rt.subscribe(spaceId)) as { type: string }).type, 'snapshot');
      const removed = p.rt.waitFor(
        (m) => m.type === 'removed_from_space' && m.space_id === spaceId,
      );
      const reply = await person('host').http.post(`/api/v1/spaces/${spaceId}/removals`, {
        kind: 'user',
        id: p.id,
      });
      assert.ok(reply.status < 300, JSON.stringify(reply.body));
      await removed;
      const got = await outcomes(p);
      for (const tier of ['subscribe', '/listen', 'hls index.m3u8', 'hls l000001.ts', ...HEARING])
        assert.equal(got[tier], 'removed_from_space', `banned: ${tier}`);
    });

    test('the stage hears without a ticket only while on it: leaving it takes the right, an invitation gives it', async () => {
      const sp = person('speaker');
      const url = `/api/v1/spaces/${spaceId}`;
      const sub = (await sp.rt.subscribe(spaceId)) as Extract<ServerMessage, { type: 'snapshot' }>;
      assert.equal(sub.snapshot.access, 'stage');
      const off = sp.rt.waitFor(
        (m) =>
          m.type === 'snapshot' && m.space_id === spaceId && m.snapshot.access === 'needs_ticket',
      );
      assert.equal((await sp.http.post(`${url}/stage/leave`)).status, 200);
      await off;
      assert.equal(
        await answer(sp.rt, { type: 'media_listen', space_id: spaceId }),
        'ticket_required',
      );
      const on = sp.rt.waitFor(
        (m) => m.type === 'snapshot' && m.space_id === spaceId && m.snapshot.access === 'stage',
      );
      await person('host').http.post(`${url}/invitations`, { user_id: sp.id, role: 'speaker' });
      assert.equal((await sp.http.post(`${url}/invitation/accept`)).status, 200);
      await on;
      assert.equal(
        await answer(sp.rt, { type: 'media_listen', space_id: spaceId }),
        'media_unavailable',
      );
    });

    test('a ticket granted while subscribed makes the person present at once, with access holder', async () => {
      const u = await t.user(`late${backend.slice(0, 3)}`);
      const p = await connect('late', u.client, u.id);
      const sub = (await p.rt.subscribe(spaceId)) as Extract<ServerMessage, { type: 'snapshot' }>;
      assert.equal(sub.snapshot.access, 'needs_ticket');
      assert.equal(
        await answer(p.rt, { type: 'media_listen', space_id: spaceId }),
        'ticket_required',
      );
      const fresh = p.rt.waitFor(
        (m) => m.type === 'snapshot' && m.space_id === spaceId && m.snapshot.access === 'holder',
      );
      await giveTicket(t.server, spaceId, hostId, p.id);
      await fresh;
      assert.equal(
        await answer(p.rt, { type: 'media_listen', space_id: spaceId }),
        'media_unavailable',
      );
      await eventually(
        () =>
          !!person('host')
            .rt.views.get(spaceId)
            ?.listeners.data.some((l) => l.user_id === p.id),
        'the new holder listed at the host',
      );
    });
  });
}
