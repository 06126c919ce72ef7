import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { SpaceSnapshot } from '@salon/protocol';
import type { Client } from '../support/client.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * A whole live space with real WebSocket clients: 20 listeners (signed-in and
 * guests), requests to speak, the stage cap, mutes, a removal, aggregated
 * reactions, and every client converging on the server's state.
 */
let t: TestServer;
before(async () => {
  t = await startTestServer({ env: { MAX_STAGE: '4' } });
});
after(() => t.close());

interface Person {
  http: Client;
  rt: RealtimeClient;
  id: string;
  kind: 'user' | 'guest';
}

async function listener(kind: 'user' | 'guest', spaceId: string): Promise<Person> {
  let http: Client;
  let id: string;
  let token: string | undefined;
  if (kind === 'user') {
    const u = await t.user();
    http = u.client;
    id = u.id;
  } else {
    http = t.client();
    const g = await http.post('/api/v1/auth/guest');
    id = g.body.guest_id;
    token = g.body.token;
    http.bearer = token!;
  }
  const rt = await RealtimeClient.connect(t.url, http, token);
  const answer = await rt.subscribe(spaceId);
  assert.equal(answer.type, 'snapshot', JSON.stringify(answer));
  return { http, rt, id, kind };
}

/** The state as a newly joining client would get it, stripped of presence order. */
async function serverSnapshot(spaceId: string): Promise<SpaceSnapshot> {
  const probe = t.client();
  const s = (await probe.get(`/api/v1/spaces/${spaceId}/snapshot`)).body as SpaceSnapshot;
  return s;
}

function comparable(s: SpaceSnapshot) {
  return {
    ...s,
    listeners: {
      ...s.listeners,
      data: [...s.listeners.data]
        .sort((a, b) => a.user_id.localeCompare(b.user_id))
        .map((l) => l.user_id),
    },
  };
}

test('a live space with 20 listeners, requests, the stage cap, mutes, a removal and reactions converges everywhere', async () => {
  const host = await t.user('host', 'The Host');
  const created = await host.client.post('/api/v1/spaces', {
    title: 'Town hall',
    description: 'Ask anything',
    topics: ['Civic', 'news'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.state, 'live');
  assert.deepEqual(created.body.topics, ['civic', 'news']);
  const spaceId: string = created.body.id;
  const hostRt = await RealtimeClient.connect(t.url, host.client);
  assert.equal((await hostRt.subscribe(spaceId)).type, 'snapshot');

  const people: Person[] = [];
  for (let i = 0; i < 20; i++) people.push(await listener(i % 3 === 2 ? 'guest' : 'user', spaceId));
  const users = people.filter((p) => p.kind === 'user');
  const guests = people.filter((p) => p.kind === 'guest');
  assert.equal(guests.length, 6);

  await eventually(
    () => hostRt.views.get(spaceId)?.counts.now_total === 21,
    'the host to count 21 people',
  );
  const counts = hostRt.views.get(spaceId)!.counts;
  assert.deepEqual(counts, { now_total: 21, now_listed: 15, now_anonymous: 6, total_unique: 21 });

  // Three ask to speak; the host approves two and declines one.
  const [a, b, c, d, e] = users as [Person, Person, Person, Person, Person];
  for (const p of [a, b, c])
    assert.equal((await p.http.post(`/api/v1/spaces/${spaceId}/requests`)).status, 200);
  await eventually(
    () => hostRt.views.get(spaceId)?.requests.length === 3,
    'three requests at the host',
  );
  assert.equal(guests[0]!.http.post === undefined, false);
  const guestAsk = await guests[0]!.http.post(`/api/v1/spaces/${spaceId}/requests`);
  assert.equal(guestAsk.body.error.code, 'guest_not_allowed');

  assert.equal(
    (await host.client.post(`/api/v1/spaces/${spaceId}/requests/${a.id}/approve`)).status,
    200,
  );
  assert.equal(
    (await host.client.post(`/api/v1/spaces/${spaceId}/requests/${b.id}/approve`)).status,
    200,
  );
  assert.equal(
    (await host.client.post(`/api/v1/spaces/${spaceId}/requests/${c.id}/decline`)).status,
    200,
  );
  let view = await serverSnapshot(spaceId);
  assert.deepEqual(
    view.stage.map((m) => [m.user_id, m.role, m.muted]),
    [
      [host.id, 'host', true],
      [a.id, 'speaker', true],
      [b.id, 'speaker', true],
    ],
  );

  // The stage (cap 4, host included) fills; the next approval is refused with a clear code.
  for (const p of [d, e]) await p.http.post(`/api/v1/spaces/${spaceId}/requests`);
  assert.equal(
    (await host.client.post(`/api/v1/spaces/${spaceId}/requests/${d.id}/approve`)).status,
    200,
  );
  const full = await host.client.post(`/api/v1/spaces/${spaceId}/requests/${e.id}/approve`);
  assert.equal(full.status, 409);
  assert.equal(full.body.error.code, 'stage_full');

  // Speakers unmute themselves; nobody else can. The host mutes one, then all.
  for (const p of [a, b, d])
    assert.equal((await p.http.post(`/api/v1/spaces/${spaceId}/stage/${p.id}/unmute`)).status, 200);
  const hostUnmutes = await host.client.post(`/api/v1/spaces/${spaceId}/stage/${a.id}/unmute`);
  assert.equal(hostUnmutes.body.error.code, 'cannot_unmute_others');
  assert.equal(
    (await host.client.post(`/api/v1/spaces/${spaceId}/stage/${a.id}/mute`)).status,
    200,
  );
  view = await serverSnapshot(spaceId);
  assert.deepEqual(
    view.stage.filter((m) => m.role === 'speaker').map((m) => m.muted),
    [true, false, false],
  );
  assert.equal((await host.client.post(`/api/v1/spaces/${spaceId}/mute_all`)).status, 200);
  view = await serverSnapshot(spaceId);
  assert.ok(view.stage.filter((m) => m.role === 'speaker').every((m) => m.muted));

  // A listener is removed: told so, cannot come back, not even as a guest in a new tab.
  const removed = users[6]!;
  const told = removed.rt.waitFor((m) => m.type === 'removed_from_space');
  assert.equal(
    (await host.client.post(`/api/v1/spaces/${spaceId}/removals`, { kind: 'user', id: removed.id }))
      .status,
    200,
  );
  await told;
  const again = await removed.rt.subscribe(spaceId);
  assert.equal(again.type === 'error' && again.code, 'removed_from_space');
  const asGuest = await removed.http
    .post('/api/v1/auth/logout')
    .then(() => removed.http.post('/api/v1/auth/guest'));
  const newTab = await RealtimeClient.connect(t.url, removed.http, asGuest.body.token);
  const refused = await newTab.subscribe(spaceId);
  assert.equal(refused.type === 'error' && refused.code, 'removed_from_space');
  await newTab.close();

  // Reactions from the 19 remaining listeners arrive as aggregated counts.
  const remaining = people.filter((p) => p !== removed);
  for (const p of remaining)
    p.rt.send({ type: 'react', space_id: spaceId, emoji: p.kind === 'guest' ? '😂' : '❤️' });
  const totals = async (rt: RealtimeClient) => {
    let hearts = 0;
    let laughs = 0;
    let messages = 0;
    for (const m of rt.messages) {
      if (m.type !== 'reactions') continue;
      messages += 1;
      hearts += m.counts['❤️'] ?? 0;
      laughs += m.counts['😂'] ?? 0;
    }
    return { hearts, laughs, messages };
  };
  await eventually(
    async () => (await totals(hostRt)).hearts === 13 && (await totals(hostRt)).laughs === 6,
    'all reactions at the host',
  );
  const seen = await totals(hostRt);
  assert.ok(seen.messages <= 3, `19 reactions arrived in ${seen.messages} aggregated messages`);

  // Everyone converges on the server's state.
  await eventually(async () => {
    const truth = comparable(await serverSnapshot(spaceId));
    return [hostRt, ...remaining.map((p) => p.rt)].every((rt) => {
      const v = rt.views.get(spaceId);
      return v !== undefined && isDeepStrictEqual(comparable(v), truth);
    });
  }, 'every client to converge on the server snapshot').catch(async (error) => {
    const truth = comparable(await serverSnapshot(spaceId));
    for (const rt of [hostRt, ...remaining.map((p) => p.rt)]) {
      const v = rt.views.get(spaceId);
      if (!v) throw new Error('a client has no view');
      const mine = comparable(v);
      for (const key of Object.keys(truth) as Array<keyof typeof truth>) {
        assert.deepEqual(mine[key], truth[key], `client view differs in ${key}`);
      }
    }
    throw error;
  });
  const truth = await serverSnapshot(spaceId);
  assert.equal(truth.counts.now_total, 20);
  assert.equal(truth.counts.total_unique, 21);
  for (const p of [...remaining, { rt: hostRt }]) await p.rt.close();
  await removed.rt.close();
});
