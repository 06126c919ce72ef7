import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.js';

const tags = ['operations'];

export function operationsRoutes(
  services: Services,
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
          summary: 'Ready for traffic: the database answers and the server is not stopping',
          response: {
            200: Type.Object({ status: Type.String(), database: Type.String() }),
            503: Type.Object({ status: Type.String(), database: Type.String() }),
          },
        },
      },
      async (_request, reply) => {
        const database = (await services.storage.ping()) ? 'ok' : 'unreachable';
        const ready = database === 'ok' && !isShuttingDown();
        return reply.status(ready ? 200 : 503).send({
          status: ready ? 'ready' : isShuttingDown() ? 'stopping' : 'not_ready',
          database,
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
