import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import type { Services } from '../services.js';
import { SpaceParams } from '../spaces/schemas.js';
import { CaptionsStatusDto, SearchPage, SearchQuery, TranscriptDto, VttQuery } from './schemas.js';
import { TranscriptSearch } from './search.js';
import { TranscriptViews } from './transcript.js';

const tags = ['captions'];

const device = (request: FastifyRequest) => {
  const value = request.cookies[DEVICE_COOKIE];
  return isDeviceId(value) ? value : null;
};

/** Captions over HTTP: the engine's status, transcripts (JSON, WebVTT) and their search. */
export function captionsRoutes(
  services: Pick<Services, 'captions' | 'config' | 'hls' | 'social' | 'spaces' | 'storage'>,
): FastifyPluginAsyncTypebox {
  const deps = {
    storage: services.storage,
    spaces: services.spaces,
    social: services.social,
    recordings: services.hls.recordings,
    store: services.captions.store,
    dataDir: services.config.dataDir,
  };
  const views = new TranscriptViews(deps);
  const search = new TranscriptSearch(deps);
  return async (app) => {
    app.get(
      '/captions/status',
      {
        schema: {
          tags,
          summary: "This node's captions engine (null: none configured) and its languages",
          response: { 200: CaptionsStatusDto },
        },
      },
      async () => services.captions.status(),
    );

    app.get(
      '/spaces/:id/transcript',
      {
        schema: {
          tags,
          summary:
            "The space's transcript (final caption lines with speakers, live and replay times), for the replay's side panel",
          params: SpaceParams,
          response: { 200: TranscriptDto },
        },
      },
      async (request) => views.json(request.viewer, request.params.id, device(request)),
    );

    app.get(
      '/spaces/:id/transcript.vtt',
      {
        schema: {
          tags,
          summary:
            "The replay's captions as WebVTT (voice tags name the speakers, times in replay time); ?download=true for a file",
          params: SpaceParams,
          querystring: VttQuery,
        },
      },
      async (request, reply) => {
        const text = await views.vtt(request.viewer, request.params.id, device(request));
        reply
          .header('content-type', 'text/vtt; charset=utf-8')
          // Ticketed replays' words are for holders only: never in a shared cache.
          .header('cache-control', 'private, max-age=60');
        if (request.query.download)
          reply.header(
            'content-disposition',
            `attachment; filename="transcript-${request.params.id}.vtt"`,
          );
        return reply.send(text);
      },
    );

    app.get(
      '/transcripts/search',
      {
        schema: {
          tags,
          summary:
            'Spaces found by what was said, best first, with a snippet and the moment to open (what you may see only)',
          querystring: SearchQuery,
          response: { 200: SearchPage },
        },
      },
      async (request) => search.search(request.viewer, request.query.q, request.query.cursor),
    );
  };
}
