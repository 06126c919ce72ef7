import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { presentUser } from '../accounts/presenter.js';
import { Handle, IdParams } from '../accounts/schemas.js';
import { toPage } from '../db/cursor.js';
import { rateLimits } from '../http/limits.js';
import { pageQuery } from '../http/pagination.js';
import { Ok } from '../http/responses.js';
import { requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import { messageRoutes } from './routes.messages.js';
import { postRoutes } from './routes.posts.js';
import { PersonPage, ProfileDto, UserPage } from './schemas.js';

export function socialRoutes(
  services: Pick<Services, 'accounts' | 'clips' | 'config' | 'social' | 'spaces' | 'storage'>,
): FastifyPluginAsyncTypebox {
  const { social } = services;
  const limits = rateLimits(services.config);

  async function profile(userId: string, viewerId: string | null) {
    const user = await social.requireUser(userId);
    const counts = await social.counts(user.id);
    return {
      ...presentUser(user),
      followers_count: counts.followers,
      following_count: counts.following,
      posts_count: counts.posts,
      can_host:
        user.can_host === 1 ||
        user.role === 'admin' ||
        counts.followers >= services.config.hostMinFollowers,
      relationship:
        viewerId && viewerId !== user.id ? await social.relationship(viewerId, user.id) : null,
    };
  }

  /** A page of people with the viewer's relationship to each, so lists can offer Follow. */
  async function people<U extends { id: string }>(
    viewerId: string | null,
    page: { data: U[]; next_cursor: string | null },
  ) {
    const relationships = viewerId
      ? await social.relationships(
          viewerId,
          page.data.map((u) => u.id),
        )
      : new Map();
    return {
      ...page,
      data: page.data.map((u) => ({ ...u, relationship: relationships.get(u.id) ?? null })),
    };
  }

  return async (app) => {
    const users = ['users'];
    // Registered before /users/:id reads better; Fastify prefers the static segment anyway.
    app.get(
      '/users/search',
      {
        schema: {
          tags: users,
          summary: 'Find people by handle or display name',
          description:
            '`q` matches a part of the handle (a leading @ is ignored) or of the display name, ignoring case. Ordered by handle. People who blocked you, or whom you blocked, are not listed.',
          querystring: pageQuery({ q: Type.String({ minLength: 1, maxLength: 100 }) }),
          response: { 200: PersonPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const viewerId = viewerUserId(request);
        const rows = await social.searchUsers(
          viewerId,
          request.query.q,
          request.query.cursor,
          limit,
        );
        return people(
          viewerId,
          toPage(rows, limit, presentUser, (r) => [r.handle_lower]),
        );
      },
    );
    app.get(
      '/users/:id',
      {
        schema: {
          tags: users,
          summary: 'A profile with counts and your relationship',
          params: IdParams,
          response: { 200: ProfileDto },
        },
      },
      (request) => profile(request.params.id, viewerUserId(request)),
    );
    app.get(
      '/users/by-handle/:handle',
      {
        schema: {
          tags: users,
          summary: 'A profile by handle',
          params: Type.Object({ handle: Handle }, { additionalProperties: false }),
          response: { 200: ProfileDto },
        },
      },
      async (request) => {
        const user = await services.accounts.getByHandle(request.params.handle);
        return profile(user.id, viewerUserId(request));
      },
    );

    app.post(
      '/users/:id/follow',
      {
        ...limits.write,
        schema: { tags: users, summary: 'Follow a user', params: IdParams, response: { 200: Ok } },
      },
      async (request) => {
        await social.follow(requireUser(request).id, request.params.id);
        return { ok: true };
      },
    );
    app.delete(
      '/users/:id/follow',
      {
        ...limits.write,
        schema: {
          tags: users,
          summary: 'Unfollow a user',
          params: IdParams,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await social.unfollow(requireUser(request).id, request.params.id);
        return { ok: true };
      },
    );
    for (const direction of ['followers', 'following'] as const) {
      app.get(
        `/users/:id/${direction}`,
        {
          schema: {
            tags: users,
            summary: `A user's ${direction}, newest first`,
            params: IdParams,
            querystring: pageQuery(),
            response: { 200: PersonPage },
          },
        },
        async (request) => {
          const limit = request.query.limit ?? 20;
          const rows = await social.followList(
            request.params.id,
            direction,
            request.query.cursor,
            limit,
          );
          return people(
            viewerUserId(request),
            toPage(rows, limit, presentUser, (r) => [r.followed_at, r.id]),
          );
        },
      );
    }

    app.post(
      '/users/:id/block',
      {
        ...limits.write,
        schema: {
          tags: users,
          summary: 'Block a user (removes follows both ways)',
          params: IdParams,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await social.block(requireUser(request).id, request.params.id);
        // Blocked while listening to your live space: out of it, as with the in-space block.
        await services.spaces.removeFromHostedLive(request.viewer, request.params.id);
        return { ok: true };
      },
    );
    app.delete(
      '/users/:id/block',
      {
        ...limits.write,
        schema: { tags: users, summary: 'Unblock a user', params: IdParams, response: { 200: Ok } },
      },
      async (request) => {
        await social.unblock(requireUser(request).id, request.params.id);
        return { ok: true };
      },
    );
    app.get(
      '/me/blocks',
      {
        schema: {
          tags: users,
          summary: 'Accounts you block',
          querystring: pageQuery(),
          response: { 200: UserPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.blockList(requireUser(request).id, request.query.cursor, limit);
        return toPage(rows, limit, presentUser, (r) => [r.blocked_at, r.id]);
      },
    );

    // Posts, then direct messages and notifications, after the people they belong to.
    await app.register(postRoutes(services));
    await app.register(messageRoutes(services));
  };
}
