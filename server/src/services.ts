import type { AccountService } from './accounts/service.js';
import type { AdminService } from './admin/service.js';
import type { Bus } from './bus/bus.js';
import type { CaptionsService } from './captions/service.js';
import type { ClipService } from './clips/service.js';
import type { Config } from './config.js';
import type { Storage } from './db/database.js';
import type { SpaceInvites } from './discovery/invites.js';
import type { Discovery } from './discovery/service.js';
import type { HlsService } from './hls/service.js';
import type { Media } from './media/index.js';
import type { ReportService } from './moderation/reports.js';
import type { ModerationService } from './moderation/service.js';
import type { NotificationCenter } from './notifications/center.js';
import type { NotificationPreferences } from './notifications/preferences.js';
import type { WebPush } from './notifications/webpush/service.js';
import type { Metrics } from './observability/metrics.js';
import type { RealtimeGateway } from './realtime/gateway.js';
import type { LinkPreviews } from './replays/pages.js';
import type { ReplaysService } from './replays/service.js';
import type { JobScheduler } from './scheduler/jobs.js';
import type { SpaceSchedule } from './scheduler/space-schedule.js';
import type { SocialService } from './social/service.js';
import type { SpaceService } from './spaces/service.js';
import type { SpaceSharing } from './spaces/sharing.js';
import type { TicketAccess } from './tickets/access.js';
import type { TicketService } from './tickets/service.js';
import type { Clock } from './util/clock.js';

/** What the transports (HTTP, WebSocket) are given: the domain services, built once at start. */
export interface Services {
  /** Null when MEDIA=off. */
  media: Media | null;
  /** Listening tiers, signed HLS URLs, recordings and replays. */
  hls: HlsService;
  /** Clips cut from spaces' archives and replays, expiring after CLIP_TTL_DAYS. */
  clips: ClipService;
  /** What replays show beyond the audio (timeline, audience, pins), listings, the .m4a, feeds. */
  replays: ReplaysService;
  /** Link previews: Open Graph tags, oEmbed, share cards (clip pages once clips say how). */
  previews: LinkPreviews;
  config: Config;
  storage: Storage;
  clock: Clock;
  metrics: Metrics;
  accounts: AccountService;
  social: SocialService;
  bus: Bus;
  spaces: SpaceService;
  /** Who may hear a ticketed space (every audio tier asks; clips and captions call `mayHear`). */
  ticketAccess: TicketAccess;
  sharing: SpaceSharing;
  reports: ReportService;
  moderation: ModerationService;
  /** The admin console: people, roles, hosting grants and requests, notices. */
  admin: AdminService;
  realtime: RealtimeGateway;
  /** How many listen to a space now, as this node knows it. */
  listenersNow: (spaceId: string) => number;
  scheduler: JobScheduler;
  notificationPreferences: NotificationPreferences;
  notifications: NotificationCenter;
  webPush: WebPush;
  spaceSchedule: SpaceSchedule;
  discovery: Discovery;
  invites: SpaceInvites;
  /** Ticketed spaces: selling, buying, the ledger, refunds and payouts. */
  tickets: TicketService;
  /** Live captions (the pipeline publishes lines here), transcripts and their search. */
  captions: CaptionsService;
}
