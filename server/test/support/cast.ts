import { Client } from './client.js';
import {
  scheduledSpace as createScheduled,
  liveSpace as createSpace,
  onStage,
} from './factories.js';
import type { TestServer } from './server.js';

/**
 * The roles of the authorization matrix, as people on one server: each has
 * their own client (cookies, device cookie). `host`, `cohost` and `speaker`
 * take their places per space (`onStage`); `removed` is removed from each
 * space; `blocked` was blocked by the host from their profile before any
 * space; `suspended` was suspended by the admin; `admin` is the instance's
 * first account; `guest` holds a guest token. The targets (`s2`, `asker`,
 * `invitee`, `bystander`) are acted upon, never acting.
 */
export const ROLES = [
  'host',
  'cohost',
  'speaker',
  'listener',
  'stranger',
  'guest',
  'removed',
  'blocked',
  'suspended',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export interface Person {
  client: Client;
  /** The user id, or the guest id for the guest. */
  id: string;
  /** For a guest: the token (a bearer over HTTP, `?token=` on the WebSocket). */
  token?: string;
}

export interface Cast {
  people: Record<Role, Person>;
  s2: Person;
  asker: Person;
  invitee: Person;
  bystander: Person;
  /** A post of the host's, to pin. */
  postId: string;
  /** Another, pinned in every space `liveSpace` opens. */
  pinnedId: string;
}

async function must(reply: Promise<{ status: number; body: any }>, what: string) {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Everyone, once per server. The server must allow anyone to host (HOST_MIN_FOLLOWERS=0). */
export async function castOf(t: TestServer): Promise<Cast> {
  const admin = await t.user('mxadmin'); // the first account of an instance is its admin
  const user = async (handle: string): Promise<Person> => {
    const u = await t.user(handle);
    return { client: u.client, id: u.id };
  };
  const host = await user('mxhost');
  const people = {
    admin: { client: admin.client, id: admin.id },
    host,
    cohost: await user('mxcohost'),
    speaker: await user('mxspeaker'),
    listener: await user('mxlistener'),
    stranger: await user('mxstranger'),
    removed: await user('mxremoved'),
    blocked: await user('mxblocked'),
    suspended: await user('mxsuspended'),
  } as Record<Role, Person>;
  const guestClient = t.client();
  const guest = await must(guestClient.post('/api/v1/auth/guest'), 'guest token');
  guestClient.bearer = guest.token;
  people.guest = { client: guestClient, id: guest.guest_id, token: guest.token };
  await must(host.client.post(`/api/v1/users/${people.blocked.id}/block`), 'block');
  await must(
    admin.client.post(`/api/v1/moderation/users/${people.suspended.id}/suspension`, {
      note: 'matrix',
    }),
    'suspend',
  );
  const post = await must(host.client.post('/api/v1/posts', { text: 'Pin me' }), 'post');
  const pinned = await must(host.client.post('/api/v1/posts', { text: 'Pinned' }), 'post');
  return {
    people,
    s2: await user('mxs2'),
    asker: await user('mxasker'),
    invitee: await user('mxinvitee'),
    bystander: await user('mxbystander'),
    postId: post.id,
    pinnedId: pinned.id,
  };
}

/**
 * A live space of the host's with everyone in place: `cohost` co-hosting,
 * `speaker` and `s2` speaking, `asker` asking to speak, `removed` removed,
 * `pinnedId` pinned. Closed by `end`.
 */
export async function liveSpace(cast: Cast, title = 'Matrix'): Promise<string> {
  const { host, cohost, speaker, removed } = cast.people;
  const space = await createSpace(host, { title });
  const url = space.path;
  await onStage(host, space, cohost, 'cohost');
  await onStage(host, space, speaker);
  await onStage(host, space, cast.s2);
  await must(cast.asker.client.post(`${url}/requests`), 'request');
  await must(host.client.post(`${url}/removals`, { kind: 'user', id: removed.id }), 'removal');
  await must(host.client.post(`${url}/pins`, { post_id: cast.pinnedId }), 'pin');
  return space.id;
}

/** A scheduled space of the host's: only the host is on its stage; `removed` is removed. */
export async function scheduledSpace(cast: Cast): Promise<string> {
  const { host, removed } = cast.people;
  const space = await createScheduled(host, Date.now() + 3600_000, { title: 'Later' });
  await must(
    host.client.post(`/api/v1/spaces/${space.id}/removals`, { kind: 'user', id: removed.id }),
    'removal',
  );
  return space.id;
}

/** Ends or cancels a space of the host's, whatever state a cell left it in. */
export async function close(cast: Cast, spaceId: string): Promise<void> {
  const space = (await cast.people.host.client.get(`/api/v1/spaces/${spaceId}`)).body;
  // After a handover the space is the co-host's to end.
  const host =
    Object.values(cast.people).find((p) => 'id' in p && p.id === space.host_id) ?? cast.people.host;
  const state = space.state;
  if (state === 'live') await must(host.client.post(`/api/v1/spaces/${spaceId}/end`), 'end');
  if (state === 'scheduled')
    await must(host.client.post(`/api/v1/spaces/${spaceId}/cancel`), 'cancel');
}

export { Client };
