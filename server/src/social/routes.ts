import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import { presentUser } from '../accounts/presenter.js';
import { Handle, IdParams } from '../accounts/schemas.js';
import { clipForPost, clipsOfPosts } from '../clips/posts.js';
import { encodeCursor, toPage } from '../db/cursor.js';
import type { PostsTable } from '../db/schema.js';
import { rateLimits } from '../http/limits.js';
import { pageQuery } from '../http/pagination.js';
import { requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import { presentMessage, presentNotification, presentPost } from './presenter.js';
import {
  ConversationPage,
  CreatePostBody,
  MarkReadBody,
  MessageDto,
  MessagePage,
  NotificationPage,
  PersonPage,
  PostDto,
  PostPage,
  ProfileDto,
  SendMessageBody,
  UserPage,
} from './schemas.js';

const Ok = Type.Object({ ok: Type.Boolean() });

export function socialRoutes(services: Services): FastifyPluginAsyncTypebox {
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

    const posts = ['posts'];
    app.post(
      '/posts',
      {
        ...limits.write,
        schema: {
          tags: posts,
          summary: 'Publish a post (≤ 280 characters)',
          body: CreatePostBody,
          response: { 201: PostDto },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const device = request.cookies[DEVICE_COOKIE];
        const clipId = request.body.clip_id
          ? await clipForPost(
              services,
              request.viewer,
              request.body.clip_id,
              isDeviceId(device) ? device : null,
            )
          : null;
        const post = await social.createPost(user.id, request.body.text, null, clipId);
        const clips = await clipsOfPosts(services, [post]);
        return reply
          .status(201)
          .send(presentPost(post, user, clipId ? (clips.get(clipId) ?? null) : null));
      },
    );
    app.get(
      '/posts/:id',
      { schema: { tags: posts, summary: 'A post', params: IdParams, response: { 200: PostDto } } },
      async (request) => {
        const post = await social.getPost(request.params.id, viewerUserId(request));
        const clips = await clipsOfPosts(services, [post]);
        return presentPost(
          post,
          await social.requireUser(post.author_id),
          post.clip_id ? (clips.get(post.clip_id) ?? null) : null,
        );
      },
    );
    app.delete(
      '/posts/:id',
      {
        ...limits.write,
        schema: {
          tags: posts,
          summary: 'Delete your post',
          params: IdParams,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await social.deletePost(requireUser(request), request.params.id);
        return { ok: true };
      },
    );
    app.get(
      '/users/:id/posts',
      {
        schema: {
          tags: posts,
          summary: "A user's posts, newest first",
          params: IdParams,
          querystring: pageQuery(),
          response: { 200: PostPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.userPosts(
          request.params.id,
          viewerUserId(request),
          request.query.cursor,
          limit,
        );
        return presentPosts(services, rows, limit);
      },
    );
    app.get(
      '/timeline',
      {
        schema: {
          tags: posts,
          summary: 'Posts of the people you follow, and yours',
          querystring: pageQuery(),
          response: { 200: PostPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.timeline(requireUser(request).id, request.query.cursor, limit);
        return presentPosts(services, rows, limit);
      },
    );

    const dms = ['direct messages'];
    app.get(
      '/dms',
      {
        schema: {
          tags: dms,
          summary: 'Your conversations, most recent first',
          querystring: pageQuery(),
          response: { 200: ConversationPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.conversations(
          requireUser(request).id,
          request.query.cursor,
          limit,
        );
        const peers = await social.usersByIds(rows.map((r) => r.peerId));
        const page = rows.slice(0, limit).flatMap((r) => {
          const peer = peers.get(r.peerId);
          return peer
            ? [
                {
                  peer: presentUser(peer),
                  last_message: presentMessage(r.message),
                  unread_count: r.unread,
                },
              ]
            : [];
        });
        const last = rows[limit - 1];
        return {
          data: page,
          next_cursor: rows.length > limit && last ? encodeCursor([last.message.id]) : null,
        };
      },
    );
    app.get(
      '/dms/unread_count',
      {
        schema: {
          tags: dms,
          summary: 'How many direct messages to you are unread, over every conversation',
          response: { 200: Type.Object({ count: Type.Integer() }) },
        },
      },
      async (request) => ({ count: await social.unreadMessageCount(requireUser(request).id) }),
    );
    app.get(
      '/dms/:id',
      {
        schema: {
          tags: dms,
          summary: 'Messages with a user, newest first',
          params: IdParams,
          querystring: pageQuery(),
          response: { 200: MessagePage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.conversation(
          requireUser(request).id,
          request.params.id,
          request.query.cursor,
          limit,
        );
        return toPage(rows, limit, presentMessage, (m) => [m.id]);
      },
    );
    app.post(
      '/dms/:id',
      {
        ...limits.write,
        schema: {
          tags: dms,
          summary: 'Send a direct message',
          params: IdParams,
          body: SendMessageBody,
          response: { 201: MessageDto },
        },
      },
      async (request, reply) => {
        const message = await social.sendMessage(
          requireUser(request).id,
          request.params.id,
          request.body.text,
        );
        return reply.status(201).send(presentMessage(message));
      },
    );
    app.post(
      '/dms/:id/read',
      {
        schema: {
          tags: dms,
          summary: 'Mark a conversation read',
          params: IdParams,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await social.markConversationRead(requireUser(request).id, request.params.id);
        return { ok: true };
      },
    );

    const notes = ['notifications'];
    app.get(
      '/notifications',
      {
        schema: {
          tags: notes,
          summary: 'Your notifications, newest first',
          querystring: pageQuery({ unread_only: Type.Optional(Type.Boolean()) }),
          response: { 200: NotificationPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.notifications(
          requireUser(request).id,
          request.query.unread_only === true,
          request.query.cursor,
          limit,
        );
        const actors = await social.usersByIds(
          rows.flatMap((n) => (n.actor_id ? [n.actor_id] : [])),
        );
        return toPage(
          rows,
          limit,
          (n) => presentNotification(n, n.actor_id ? actors.get(n.actor_id) : undefined),
          (n) => [n.id],
        );
      },
    );
    app.get(
      '/notifications/unread_count',
      {
        schema: {
          tags: notes,
          summary: 'How many notifications are unread',
          response: { 200: Type.Object({ count: Type.Integer() }) },
        },
      },
      async (request) => ({ count: await social.unreadNotificationCount(requireUser(request).id) }),
    );
    app.post(
      '/notifications/read',
      {
        schema: {
          tags: notes,
          summary: 'Mark notifications read: some by id, or all',
          body: MarkReadBody,
          response: { 200: Type.Object({ updated: Type.Integer() }) },
        },
      },
      async (request) => {
        const body = request.body;
        const ids = 'all' in body ? 'all' : body.ids;
        return { updated: await social.markNotificationsRead(requireUser(request).id, ids) };
      },
    );
  };
}

async function presentPosts(services: Services, rows: PostsTable[], limit: number) {
  const authors = await services.social.usersByIds(rows.map((p) => p.author_id));
  const clips = await clipsOfPosts(services, rows);
  return toPage(
    rows.filter((p) => authors.has(p.author_id)),
    limit,
    (p) =>
      presentPost(p, authors.get(p.author_id)!, p.clip_id ? (clips.get(p.clip_id) ?? null) : null),
    (p) => [p.id],
  );
}
