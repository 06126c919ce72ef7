import type { AccountService } from './accounts/service.js';
import type { Config } from './config.js';
import type { Storage } from './db/database.js';
import type { Metrics } from './observability/metrics.js';
import type { SocialService } from './social/service.js';
import type { Clock } from './util/clock.js';

/** What the transports (HTTP, WebSocket) are given: the domain services, built once at start. */
export interface Services {
  config: Config;
  storage: Storage;
  clock: Clock;
  metrics: Metrics;
  accounts: AccountService;
  social: SocialService;
}
