import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import { IdParams } from '../accounts/schemas.js';
import { clipForPost, clipsOfPosts } from '../clips/posts.js';
import { toPage } from '../db/cursor.js';
import type { PostsTable } from '../db/schema.js';
import { rateLimits } from '../http/limits.js';
import { pageQuery } from '../http/pagination.js';
import { Ok } from '../http/responses.js';
import { requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import { presentPost } from './presenter.js';
import { CreatePostBody, PostDto, PostPage } from './schemas.js';

/** Posts: publish, read, delete, a person's posts and the timeline. */
export function postRoutes(
  services: Pick<Services, 'social' | 'clips' | 'storage' | 'config'>,
): FastifyPluginAsyncTypebox {
  const { social } = services;
  const limits = rateLimits(services.config);
  return async (app) => {
    const posts = ['posts'];
    app.post(
      '/posts',
      {
        ...limits.write,
        schema: {
          tags: posts,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
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
        const post = await social.posts.create(user.id, request.body.text, null, clipId);
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
        const post = await social.posts.get(request.params.id, viewerUserId(request));
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
        await social.posts.delete(requireUser(request), request.params.id);
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
        const rows = await social.posts.byAuthor(
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
        const rows = await social.posts.timeline(
          requireUser(request).id,
          request.query.cursor,
          limit,
        );
        return presentPosts(services, rows, limit);
      },
    );
  };
}

async function presentPosts(
  services: Pick<Services, 'social' | 'storage' | 'config'>,
  rows: PostsTable[],
  limit: number,
) {
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
