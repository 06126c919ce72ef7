import type { AccountService } from './accounts/service.js';
import type { Config } from './config.js';
import type { Storage } from './db/database.js';
import type { ReportService } from './moderation/reports.js';
import type { ModerationService } from './moderation/service.js';
import type { Metrics } from './observability/metrics.js';
import type { Bus } from './realtime/bus.js';
import type { RealtimeGateway } from './realtime/gateway.js';
import type { SocialService } from './social/service.js';
import type { SpaceService } from './spaces/service.js';
import type { SpaceSharing } from './spaces/sharing.js';
import type { Clock } from './util/clock.js';

/** What the transports (HTTP, WebSocket) are given: the domain services, built once at start. */
export interface Services {
  config: Config;
  storage: Storage;
  clock: Clock;
  metrics: Metrics;
  accounts: AccountService;
  social: SocialService;
  bus: Bus;
  spaces: SpaceService;
  sharing: SpaceSharing;
  reports: ReportService;
  moderation: ModerationService;
  realtime: RealtimeGateway;
}
