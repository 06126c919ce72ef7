import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { GuestTokens } from './accounts/guests.js';
import { AccountService } from './accounts/service.js';
import { type Config, redactedConfig } from './config.js';
import { openStorage, type Storage, type StorageOptions } from './db/database.js';
import { buildApp } from './http/app.js';
import { Metrics } from './observability/metrics.js';
import type { Services } from './services.js';
import { SocialService } from './social/service.js';
import { type Clock, systemClock } from './util/clock.js';

export interface SalonServer {
  readonly app: FastifyInstance;
  readonly services: Services;
  /** The URL the server listens on (after start). */
  url: string;
  start(): Promise<string>;
  /** Ordered shutdown: stop accepting, finish in-flight requests, then close storage. Idempotent. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  clock?: Clock;
  logger?: Logger;
  storage?: StorageOptions;
  processMetrics?: boolean;
}

/** Wires storage, services and transports together; used by main.ts and by tests. */
export async function createServer(
  config: Config,
  options: ServerOptions = {},
): Promise<SalonServer> {
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    });
  const clock = options.clock ?? systemClock;
  const storage: Storage = await openStorage(config.database, options.storage);
  let shuttingDown = false;
  let stopping: Promise<void> | null = null;

  try {
    const guests = await GuestTokens.load(storage.db);
    const services: Services = {
      config,
      storage,
      clock,
      metrics: new Metrics({ processMetrics: options.processMetrics ?? true }),
      accounts: new AccountService(storage, clock, config, guests),
      social: new SocialService(storage, clock),
    };
    const app = await buildApp(services, { logger, isShuttingDown: () => shuttingDown });

    const server: SalonServer = {
      app,
      services,
      url: '',
      async start() {
        const address = await app.listen({ host: config.host, port: config.port });
        server.url = address.replace('[::1]', 'localhost');
        logger.info({ url: server.url, config: redactedConfig(config) }, 'salon started');
        return server.url;
      },
      stop() {
        stopping ??= (async () => {
          shuttingDown = true;
          // close() stops accepting connections and waits for in-flight requests.
          await app.close();
          await storage.close();
          logger.info('salon stopped');
        })();
        return stopping;
      },
    };
    return server;
  } catch (error) {
    await storage.close();
    throw error;
  }
}
