import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.js';

const tags = ['operations'];

const Readiness = Type.Object({
  status: Type.String(),
  database: Type.String(),
  /** ok | degraded | down | off */
  media: Type.String(),
  /** ok | unreachable: whether realtime messages reach the other nodes (Redis) */
  bus: Type.String(),
  /** ok | degraded (a live space's packager cannot start; retried) | off */
  hls: Type.String(),
});

export function operationsRoutes(
  services: Pick<Services, 'bus' | 'media' | 'metrics' | 'storage'>,
  isShuttingDown: () => boolean,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags,
          summary: 'The process is up',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags,
          summary:
            'Ready for traffic: the database answers, the bus to other nodes (Redis) is up, a media server answers (when media is on), and the server is not stopping; `hls` is degraded while a packager cannot start',
          response: {
            200: Readiness,
            503: Readiness,
          },
        },
      },
      async (_request, reply) => {
        const database = (await services.storage.ping()) ? 'ok' : 'unreachable';
        // `degraded`: some Janus nodes are away, the others carry the spaces.
        const media = services.media ? services.media.plane.health() : 'off';
        // Without the bus, other nodes' events do not reach this node's clients.
        const bus = services.bus.health();
        const hls = !services.media ? 'off' : services.media.hls.failing > 0 ? 'degraded' : 'ok';
        const ready = database === 'ok' && media !== 'down' && bus === 'ok' && !isShuttingDown();
        return reply.status(ready ? 200 : 503).send({
          status: ready ? 'ready' : isShuttingDown() ? 'stopping' : 'not_ready',
          database,
          media,
          bus,
          hls,
        });
      },
    );
    app.get(
      '/metrics',
      { schema: { tags, summary: 'Prometheus metrics (text format)' } },
      async (_request, reply) =>
        reply
          .header('content-type', services.metrics.registry.contentType)
          .send(await services.metrics.registry.metrics()),
    );
  };
}
