import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import { Id } from '../accounts/schemas.js';
import { AppError } from '../errors.js';
import { PageOf, pageQuery } from '../http/pagination.js';
import { viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import { SpaceParams } from '../spaces/schemas.js';
import { ShareCards } from './card.js';
import { byteRange } from './range.js';
import { renderFeed } from './rss.js';
import { EmbedDto, OembedDto, OembedQuery, ReplayListItemDto } from './schemas.js';

const device = (request: FastifyRequest) => {
  const value = request.cookies[DEVICE_COOKIE];
  return isDeviceId(value) ? value : null;
};
const FEED_MAX_AGE_S = 300;

/**
 * Replays as people find and keep them: the listings, the one-file audio,
 * the embed's JSON and the share card (under /api/v1), and, at the root,
 * oEmbed and each host's podcast feed. None of these sets a cookie
 * (`embed.ts` says which paths), so caches and other apps may hold them.
 */
export function replayApiRoutes(
  services: Pick<Services, 'accounts' | 'config' | 'previews' | 'replays' | 'social'>,
): FastifyPluginAsyncTypebox {
  const { replays, previews } = services;
  const cards = new ShareCards();
  const tags = ['replays'];
  return async (app) => {
    app.get(
      '/replays',
      {
        schema: {
          tags,
          summary: 'Recorded spaces anyone may play, newest first (the Spaces tab "Recorded")',
          querystring: pageQuery(),
          response: { 200: PageOf(ReplayListItemDto) },
        },
      },
      async (request) =>
        replays.list(viewerUserId(request), {
          cursor: request.query.cursor,
          limit: request.query.limit ?? 20,
        }),
    );

    app.get(
      '/users/:id/replays',
      {
        schema: {
          tags,
          summary: "A host's recorded spaces, newest first (their profile)",
          params: Type.Object({ id: Id }, { additionalProperties: false }),
          querystring: pageQuery(),
          response: { 200: PageOf(ReplayListItemDto) },
        },
      },
      async (request) => {
        await services.social.requireUser(request.params.id);
        return replays.list(viewerUserId(request), {
          hostId: request.params.id,
          cursor: request.query.cursor,
          limit: request.query.limit ?? 20,
        });
      },
    );

    app.get(
      '/spaces/:id/replay.m4a',
      {
        logLevel: 'warn',
        schema: {
          tags,
          summary:
            'The whole replay as one audio file (AAC in MP4), with byte ranges; for podcast apps and downloads',
          params: SpaceParams,
        },
      },
      async (request, reply) => {
        const audio = await replays.audioFor(request.viewer, request.params.id, device(request));
        const etag = `"${audio.tag}-${audio.size}"`;
        reply
          .header('content-type', 'audio/mp4')
          .header('accept-ranges', 'bytes')
          .header('etag', etag)
          .header('last-modified', new Date(audio.mtimeMs).toUTCString())
          // Ticketed replays are heard by holders only: never in a shared cache.
          .header('cache-control', 'private, max-age=3600')
          .header('content-disposition', `inline; filename="${request.params.id}.m4a"`);
        if (request.headers['if-none-match'] === etag) return reply.status(304).send();
        const range = byteRange(request.headers.range, audio.size, {
          header: headerText(request.headers['if-range']),
          etag,
        });
        if (range.kind === 'unsatisfiable') {
          // 416 has no AppError kind: the one place Salon answers it.
          return reply
            .status(416)
            .header('content-type', 'application/json; charset=utf-8')
            .removeHeader('content-disposition')
            .header('content-range', `bytes */${audio.size}`)
            .send(
              JSON.stringify({
                error: {
                  code: 'range_not_satisfiable',
                  message: `The file has ${audio.size} bytes; the range asked for is outside it.`,
                },
              }),
            );
        }
        const { start, end } =
          range.kind === 'part' ? range : { start: 0, end: Math.max(0, audio.size - 1) };
        const length = audio.size === 0 ? 0 : end - start + 1;
        reply.header('content-length', String(length));
        if (range.kind === 'part') {
          reply.status(206).header('content-range', `bytes ${start}-${end}/${audio.size}`);
        }
        if (length === 0) return reply.send();
        // HEAD too: Node writes no body for it, and an empty payload would make Fastify say 0 bytes.
        return reply.send(createReadStream(audio.file, { start, end }));
      },
    );

    // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
    app.get(
      '/embed/spaces/:id',
      {
        schema: {
          tags,
          summary: 'What the embeddable player shows: the space, people here, the replay length',
          params: SpaceParams,
          response: { 200: EmbedDto },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return replays.embed(request.viewer, request.params.id, device(request));
      },
    );

    app.get(
      '/spaces/:id/card.png',
      {
        logLevel: 'warn',
        schema: {
          tags,
          summary: 'The share card of a space (1200×630 PNG): title, host, state',
          params: SpaceParams,
        },
      },
      async (request, reply) => {
        const card = await previews.card(request.params.id);
        if (!card) throw AppError.notFound('space');
        const png = await cards.png(card);
        return reply
          .header('content-type', 'image/png')
          .header('cache-control', 'public, max-age=300')
          .send(png);
      },
    );
  };
}

/** Spec-shaped answers at the root: `/oembed` and `/u/:handle/replays.rss`. */
export function replayRootRoutes(
  services: Pick<Services, 'accounts' | 'config' | 'previews' | 'replays' | 'social'>,
): FastifyPluginAsyncTypebox {
  const { replays, previews, accounts, config } = services;
  return async (app) => {
    app.get(
      '/oembed',
      {
        schema: {
          tags: ['replays'],
          summary: 'oEmbed 1.0 for a space, replay or clip URL: a rich answer with the player',
          querystring: OembedQuery,
          response: { 200: OembedDto, 501: ErrorDto },
        },
      },
      async (request, reply) => {
        const { url, format, maxwidth, maxheight } = request.query;
        reply.header('access-control-allow-origin', '*');
        if (format !== undefined && format !== 'json') {
          // oEmbed says 501 for a format the provider does not serve.
          return reply.status(501).send({
            error: { code: 'format_not_implemented', message: 'Only format=json is served.' },
          });
        }
        const answer = await previews.oembed(url, maxwidth, maxheight);
        if (!answer) throw AppError.notFound('embeddable_page');
        return reply.header('cache-control', 'public, max-age=300').send(answer);
      },
    );

    app.get(
      '/u/:handle/replays.rss',
      {
        schema: {
          tags: ['replays'],
          summary: "A host's public, unticketed replays as a podcast (RSS 2.0 with iTunes tags)",
          params: Type.Object(
            { handle: Type.String({ minLength: 1, maxLength: 30 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const host = await accounts.getByHandle(request.params.handle);
        if (host.suspended_at !== null) throw AppError.notFound('user');
        const base = config.publicUrl.replace(/\/$/, '');
        const profile = `${base}/u/${encodeURIComponent(host.handle)}`;
        const episodes = await replays.feed(host.id);
        const xml = renderFeed({
          title: `${host.display_name} on Salon`,
          description:
            host.bio || `Recorded spaces hosted by ${host.display_name} (@${host.handle}).`,
          link: profile,
          self: `${profile}/replays.rss`,
          author: host.display_name,
          image: host.avatar_key
            ? `${base}/media/avatars/${host.avatar_key}`
            : `${base}/icons/icon-512.png`,
          language: episodes[0]?.state.language || 'en',
          items: episodes.map((episode) => ({
            title: episode.state.title,
            description:
              episode.state.description || `A recorded space hosted by ${host.display_name}.`,
            link: `${base}/spaces/${episode.state.id}/replay`,
            guid: `salon:space:${episode.state.id}`,
            publishedAt: episode.endedAt,
            durationMs: episode.durationMs,
            enclosure: {
              url: `${base}/api/v1/spaces/${episode.state.id}/replay.m4a`,
              length: episode.audio.size,
              type: 'audio/mp4',
            },
          })),
        });
        const etag = `W/"${createEtag(xml)}"`;
        reply
          .header('content-type', 'application/rss+xml; charset=utf-8')
          .header('cache-control', `public, max-age=${FEED_MAX_AGE_S}`)
          .header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.status(304).send();
        return reply.send(xml);
      },
    );
  };
}

const ErrorDto = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function createEtag(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}
