import type { Config } from '../config.js';

/** Per-route rate limit settings, spread into a route's options. */
export function rateLimits(config: Pick<Config, 'rateLimit'>) {
  return {
    auth: { config: { rateLimit: { max: config.rateLimit.authPerMinute, timeWindow: 60_000 } } },
    write: { config: { rateLimit: { max: config.rateLimit.writesPerMinute, timeWindow: 60_000 } } },
  };
}
