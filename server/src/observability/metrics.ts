import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

// The metrics below look alike because each is a prom-client declaration (name, help, registry), not shared logic.
/** One registry per server instance, so several servers can live in one test process. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'salon_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'salon_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly websocketConnections = new Gauge({
    name: 'salon_websocket_connections',
    help: 'Open realtime WebSocket connections',
    registers: [this.registry],
  });

  /** Live spaces with no HLS packager running because it could not start (retried with backoff). */
  readonly hlsPackagersFailing = new Gauge({
    name: 'salon_hls_packagers_failing',
    help: 'Live spaces whose HLS packager cannot start now (it is retried with backoff)',
    registers: [this.registry],
  });
  readonly hlsPackagerStartFailures = new Counter({
    name: 'salon_hls_packager_start_failures_total',
    help: 'Failed attempts to start or restart an HLS packager',
    registers: [this.registry],
  });

  /** Captions (issue 14): speakers refused past CAPTIONS_MAX_STREAMS on this node. */
  readonly captionsStreamsRefused = new Counter({
    name: 'salon_captions_streams_refused_total',
    help: 'Stage members whose captions were unavailable because this node transcribes CAPTIONS_MAX_STREAMS speakers already',
    registers: [this.registry],
  });
  readonly captionsStreams = new Gauge({
    name: 'salon_captions_streams',
    help: 'Speakers this node transcribes now',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'salon_' });
  }
}
