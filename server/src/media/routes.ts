import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IceServersDto } from '@salon/protocol/schemas';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { iceServersFor } from './ice.js';

export function mediaRoutes(services: Services): FastifyPluginAsyncTypebox {
  const settings = services.config.media;
  return async (app) => {
    app.get(
      '/media/ice-servers',
      {
        schema: {
          tags: ['audio'],
          summary:
            'STUN/TURN servers for the browser’s PeerConnections (signed-in users and guests)',
          response: { 200: IceServersDto },
        },
      },
      async (request, reply) => {
        const viewer = request.viewer;
        // TURN relays traffic: only people who can take part get credentials.
        const who =
          viewer.kind === 'user'
            ? `u-${viewer.user.id}`
            : viewer.kind === 'guest'
              ? `g-${viewer.guestId}`
              : null;
        if (!who) throw AppError.unauthenticated('Sign in or continue as a guest to listen.');
        reply.header('cache-control', 'private, no-store');
        return iceServersFor(settings, who, services.clock.now());
      },
    );
  };
}
