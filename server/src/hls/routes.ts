import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ArchiveAudioDto, ListenTierDto, ReplayPlaysDto } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import { AppError } from '../errors.js';
import { rateLimits } from '../http/limits.js';
import { requireModerator } from '../http/viewer.js';
import { ReplayDetailsDto } from '../replays/schemas.js';
import type { Services } from '../services.js';
import { SpaceParams } from '../spaces/schemas.js';
import { isMediaFile, isScope, isSpaceId, type Scope } from '../streams/layout.js';
import { allowBlockingReload, pointSegments } from './playlist.js';
import { LivePlaylistWaits } from './playlist-wait.js';
import { HlsUrlSigner } from './signing.js';

const YEAR_S = 365 * 24 * 3600;
const iso = (ms: number) => new Date(ms).toISOString();
const device = (request: FastifyRequest) => {
  const value = request.cookies[DEVICE_COOKIE];
  return isDeviceId(value) ? value : null;
};

// The replay and the page beside the player (replays/): speakers, pins at the end, the audience.
const Replay = ReplayDetailsDto;

/**
 * Playlists and segments at `/hls/<space>/<scope>/<token>/<file>`: plain
 * files with cache headers a CDN or nginx can follow. Segments are immutable
 * (cached until the URL expires); live playlists are fresh for a second.
 * Nothing here reads cookies or sessions: the token in the path is the access.
 * Live playlists are not cached (`no-store`): each fetch checks its viewer.
 * A ticketed space's live and replay files are all fetched under a viewer's
 * token and checked one by one (`viewerFile`): a shared token is refused there.
 */
export function hlsOriginRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { hls, clock } = services;
  return async (app) => {
    const waits = new LivePlaylistWaits(async (key) => {
      const [space = '', file = ''] = key.split('/');
      const found = await hls.origin.read(space, 'live', file);
      return found ? found.body.toString('utf8') : null;
    });
    app.addHook('onClose', async () => waits.close());
    app.get(
      '/hls/:space/:scope/:token/:file',
      {
        logLevel: 'warn',
        schema: {
          // Files, not JSON: documented in README and reached through /listen and /replay.
          hide: true,
          tags: ['audio'],
          summary: 'HLS playlists and segments, by signed URL (from /listen, /replay)',
          params: Type.Object({
            space: Type.String({ maxLength: 64 }),
            scope: Type.String({ maxLength: 16 }),
            token: Type.String({ maxLength: 128 }),
            file: Type.String({ maxLength: 80 }),
          }),
        },
      },
      async (request, reply) => {
        const { space, scope, token, file } = request.params;
        reply.header('access-control-allow-origin', '*');
        if (!isSpaceId(space) || !isScope(scope) || !isMediaFile(file)) {
          reply.header('cache-control', 'no-store');
          throw AppError.notFound('file');
        }
        const now = clock.now();
        if (scope === 'live' && file.endsWith('.m3u8')) {
          const msn = (request.query as Record<string, unknown> | undefined)?.['_HLS_msn'];
          const wanted = typeof msn === 'string' && /^\d{1,10}$/.test(msn) ? Number(msn) : null;
          return livePlaylist(reply, space, token, file, now, wanted);
        }
        if (scope !== 'archive' && (await hls.ticketed(space))) {
          return viewerFile(reply, space, scope, token, file, now);
        }
        const verdict = hls.signer.verify(space, scope, token, now);
        if (verdict !== 'ok') {
          reply.header('cache-control', 'no-store');
          throw verdict === 'expired'
            ? AppError.forbidden('url_expired', 'This audio link has expired; ask for a new one.')
            : AppError.forbidden('invalid_signature', 'This audio link is not valid.');
        }
        const found = await hls.origin.read(space, scope, file);
        if (!found) {
          // A playlist not written yet (the first second of a space) must not be cached long.
          reply.header('cache-control', 'public, max-age=1');
          throw AppError.notFound('file');
        }
        const remaining = Math.max(
          0,
          Math.floor((Number(token.split('.')[0]) * 1000 - now) / 1000),
        );
        const maxAge = found.live ? 1 : Math.min(found.mutable ? 60 : YEAR_S, remaining);
        return reply
          .header('content-type', found.contentType)
          .header(
            'cache-control',
            found.mutable ? `public, max-age=${maxAge}` : `public, max-age=${maxAge}, immutable`,
          )
          .send(found.body);
      },
    );
    /**
     * A live playlist: its URL names the viewer, who is checked at every
     * fetch (removed, suspended), and its segments are pointed at the shared
     * token, so that they stay one cached copy for everyone.
     */
    const livePlaylist = async (
      reply: FastifyReply,
      space: string,
      token: string,
      file: string,
      now: number,
      /** `_HLS_msn`: answer once this segment is listed (LL-HLS blocking reload). */
      msn: number | null,
    ) => {
      reply.header('cache-control', 'no-store');
      const checked = hls.signer.verifyPlaylist(space, token, now);
      if (checked.verdict !== 'ok') {
        throw checked.verdict === 'expired'
          ? AppError.forbidden('url_expired', 'This audio link has expired; ask for a new one.')
          : AppError.forbidden('invalid_signature', 'This audio link is not valid.');
      }
      await hls.playlists.check(space, checked.viewer);
      if (msn !== null) await waits.until(`${space}/${file}`, msn);
      const found = await hls.origin.read(space, 'live', file);
      if (!found) throw AppError.notFound('file');
      // A ticketed space's segments stay under this viewer's token, checked at each fetch.
      const body = found.body.toString('utf8');
      return reply
        .header('content-type', found.contentType)
        .send(
          allowBlockingReload(
            (await hls.ticketed(space))
              ? body
              : pointSegments(body, (at) => `../${hls.segmentToken(space, at)}/`),
          ),
        );
    };

    /**
     * A file of a ticketed space's live or replay audio: only under a
     * viewer's token, whose viewer must still hear the space (a ticket, the
     * stage, staff; not removed, not suspended). Kept out of shared caches,
     * so a refund or a removal stops it at the next fetch.
     */
    const viewerFile = async (
      reply: FastifyReply,
      space: string,
      scope: Exclude<Scope, 'archive'>,
      token: string,
      file: string,
      now: number,
    ) => {
      reply.header('cache-control', 'no-store');
      if (!HlsUrlSigner.namesViewer(token))
        throw AppError.forbidden(
          'ticket_required',
          'This is a ticketed space: its audio is fetched with your own link, from /listen or /replay.',
        );
      const checked = hls.signer.verifyFor(space, scope, token, now);
      if (checked.verdict !== 'ok') {
        throw checked.verdict === 'expired'
          ? AppError.forbidden('url_expired', 'This audio link has expired; ask for a new one.')
          : AppError.forbidden('invalid_signature', 'This audio link is not valid.');
      }
      await hls.playlists.check(space, checked.viewer);
      const found = await hls.origin.read(space, scope, file);
      if (!found) throw AppError.notFound('file');
      const remaining = Math.max(0, Math.floor((Number(token.split('.')[0]) * 1000 - now) / 1000));
      if (!found.mutable) reply.header('cache-control', `private, max-age=${remaining}`);
      return reply.header('content-type', found.contentType).send(found.body);
    };

    // Anything else under /hls/ (overlong parts the router will not match) is not the web app.
    app.get('/hls/*', { logLevel: 'warn', schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      throw AppError.notFound('file');
    });
  };
}

export function hlsApiRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { hls } = services;
  const write = rateLimits(services.config).write;
  const tags = ['audio'];
  return async (app) => {
    app.get(
      '/spaces/:id/listen',
      {
        schema: {
          tags,
          summary: 'Which tier to listen on: WebRTC while seats last, else HLS (always allowed)',
          params: SpaceParams,
          querystring: Type.Object(
            {
              tier: Type.Optional(
                Type.Union([Type.Literal('auto'), Type.Literal('webrtc'), Type.Literal('hls')]),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: ListenTierDto },
        },
      },
      async (request) => {
        const verdict = await hls.listen(
          request.viewer,
          request.params.id,
          request.query.tier ?? 'auto',
          device(request),
        );
        return {
          tier: verdict.tier,
          reason: verdict.reason,
          hls_url: verdict.hls.url,
          hls_expires_at: iso(verdict.hls.expiresAt),
        };
      },
    );

    app.get(
      '/spaces/:id/replay',
      {
        schema: {
          tags,
          summary: 'The replay of a recorded space (404 when it was not recorded or was deleted)',
          params: SpaceParams,
          response: { 200: Replay },
        },
      },
      async (request) => {
        const replay = await hls.replay(request.viewer, request.params.id, device(request));
        const ready = replay.state === 'ready';
        const extras = await services.replays.extras(
          request.params.id,
          ready ? replay.durationMs : null,
        );
        if (!ready)
          return {
            state: replay.state,
            url: null,
            expires_at: null,
            duration_ms: null,
            plays: 0,
            ...extras,
            timeline: null,
          };
        return {
          state: replay.state,
          url: replay.url,
          expires_at: iso(replay.expiresAt),
          duration_ms: replay.durationMs,
          plays: replay.plays,
          ...extras,
        };
      },
    );

    app.delete(
      '/spaces/:id/replay',
      {
        ...write,
        schema: {
          tags,
          summary: 'Delete the replay (host); the moderation copy is kept until its retention ends',
          params: SpaceParams,
        },
      },
      async (request, reply) => {
        await hls.recordings.deleteReplay(request.viewer, request.params.id);
        hls.origin.forget(request.params.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/spaces/:id/replay/plays',
      {
        ...write,
        schema: {
          tags,
          summary: 'Count one play of the replay (a player calls it once per play)',
          params: SpaceParams,
          response: { 200: ReplayPlaysDto },
        },
      },
      async (request) => {
        await hls.mayView(request.viewer, request.params.id, device(request));
        return { plays: await hls.recordings.countPlay(request.params.id) };
      },
    );

    app.get(
      '/moderation/archives/:space_id/audio',
      {
        schema: {
          tags: ['moderation'],
          summary: 'A short-lived URL to the audio kept for review of a space (moderators)',
          params: Type.Object(
            { space_id: SpaceParams.properties.id },
            { additionalProperties: false },
          ),
          response: { 200: ArchiveAudioDto },
        },
      },
      async (request) => {
        requireModerator(request);
        const signed = await hls.archive(request.params.space_id);
        return { url: signed.url, expires_at: iso(signed.expiresAt) };
      },
    );
  };
}
