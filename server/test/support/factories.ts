import type { Client } from './client.js';

/**
 * The people and spaces tests set up again and again, made one way: each
 * factory checks the server's answer and throws with its body, so a test
 * fails where its setup did, not three steps later on an `undefined`.
 */

/** Someone signed in on their own client. */
export interface Person {
  client: Client;
  id: string;
  handle: string;
}

/** A space as the API created it (its `url` is the page's), with `path`, its API path. */
export type Space = { id: string; path: string; started_at: string } & Record<string, any>;

/** Whatever makes accounts, as `TestServer` does. */
export interface Accounts {
  user(handle?: string, displayName?: string): Promise<Person>;
}

async function must<T = any>(reply: Promise<{ status: number; body: T }>, what: string) {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * A new account. With `hostingGrantedBy` (an admin: the first account of an
 * instance), it may host whatever HOST_MIN_FOLLOWERS says.
 */
export async function user(
  on: Accounts,
  options: { handle?: string; name?: string; hostingGrantedBy?: Person } = {},
): Promise<Person> {
  const person = await on.user(options.handle, options.name);
  if (options.hostingGrantedBy) {
    await must(
      options.hostingGrantedBy.client.put(`/api/v1/admin/users/${person.id}/hosting`, {
        can_host: true,
      }),
      `grant hosting to ${person.handle}`,
    );
  }
  return person;
}

/** A space of `host`'s, live from now; `fields` go into the creation request as they are. */
export async function liveSpace(
  host: Pick<Person, 'client'>,
  fields: Record<string, unknown> = {},
): Promise<Space> {
  const body = await must(
    host.client.post('/api/v1/spaces', { title: 'A space', ...fields }),
    'create a space',
  );
  return { ...body, path: `/api/v1/spaces/${body.id}` };
}

/** A space of `host`'s that starts at `startAt` (ms since the epoch, or an ISO time). */
export function scheduledSpace(
  host: Pick<Person, 'client'>,
  startAt: number | string,
  fields: Record<string, unknown> = {},
): Promise<Space> {
  return liveSpace(host, { scheduled_start: new Date(startAt).toISOString(), ...fields });
}

/** `who` on the stage of `space`, invited there by `host` as `role`, and accepting. */
export async function onStage(
  host: Pick<Person, 'client'>,
  space: Pick<Space, 'path'>,
  who: Pick<Person, 'client' | 'id'>,
  role: 'speaker' | 'cohost' = 'speaker',
): Promise<void> {
  await must(
    host.client.post(`${space.path}/invitations`, { user_id: who.id, role }),
    `invite ${who.id} as ${role}`,
  );
  await must(who.client.post(`${space.path}/invitation/accept`), `${who.id} accepts`);
}
