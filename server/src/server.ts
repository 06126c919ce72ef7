import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { GuestTokens } from './accounts/guests.js';
import { AccountService } from './accounts/service.js';
import { AccountStanding } from './accounts/standing.js';
import { AdminService } from './admin/service.js';
import { type Bus, MemoryBus, RedisBus } from './bus/bus.js';
import { publishToUser } from './bus/user-channel.js';
import { purgeExpiredTranscripts } from './captions/retention.js';
import { CaptionsService } from './captions/service.js';
import { transcriptStore } from './captions/transcripts.js';
import { ClipCutter } from './clips/cutter.js';
import { ClipService } from './clips/service.js';
import { type Config, redactedConfig } from './config.js';
import { openStorage, type Storage, type StorageOptions } from './db/database.js';
import { SpaceInvites } from './discovery/invites.js';
import { Discovery } from './discovery/service.js';
import { indexStagesOnCommit, StageIndex } from './discovery/stage-index.js';
import { HlsOrigin } from './hls/origin.js';
import { PlaylistGuard } from './hls/playlist-guard.js';
import { Recordings } from './hls/recordings.js';
import { HlsService } from './hls/service.js';
import { HlsUrlSigner } from './hls/signing.js';
import { buildApp } from './http/app.js';
import { originPolicy } from './http/origin.js';
import { type Media, startMedia } from './media/index.js';
import { ReportService } from './moderation/reports.js';
import { ModerationService } from './moderation/service.js';
import { NotificationCenter } from './notifications/center.js';
import { NotificationPreferences } from './notifications/preferences.js';
import { WebPush } from './notifications/webpush/service.js';
import { VapidKeys } from './notifications/webpush/vapid.js';
import { Metrics } from './observability/metrics.js';
import { RedisPresence } from './realtime/directory.js';
import { RealtimeGateway } from './realtime/gateway.js';
import { HostWatch } from './realtime/host-watch.js';
import { clipPreviews, LinkPreviews } from './replays/pages.js';
import { ReplayAudio } from './replays/render.js';
import { ReplaysService } from './replays/service.js';
import { SpeakerSpans } from './replays/speakers.js';
import { ListenerStats } from './replays/stats.js';
import { JobScheduler } from './scheduler/jobs.js';
import { SpaceSchedule } from './scheduler/space-schedule.js';
import type { Services } from './services.js';
import { pushNotificationsLive } from './social/push.js';
import { SocialService } from './social/service.js';
import { banRemovedBrowsers } from './spaces/removal.js';
import { SpaceService } from './spaces/service.js';
import { SpaceSharing } from './spaces/sharing.js';
import { TicketAccess } from './tickets/access.js';
import { TicketService } from './tickets/service.js';
import { type Clock, systemClock } from './util/clock.js';
import { randomToken } from './util/ids.js';

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
  /** Realtime aggregation window (reactions, counts). */
  windowMs?: number;
  /** Names this node in the job table (tests that run two nodes in one process). */
  nodeId?: string;
  /** The built web app to serve (web/dist by default). */
  webDir?: string;
}

async function createBus(config: Config): Promise<Bus> {
  if (!config.redisUrl) return new MemoryBus();
  const bus = new RedisBus(config.redisUrl);
  try {
    await bus.ready();
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
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
  // Names this process among several nodes (jobs claimed, presence reported).
  const nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${randomToken(4)}`;
  const storage: Storage = await openStorage(config.database, options.storage);
  let shuttingDown = false;
  let stopping: Promise<void> | null = null;
  let purgeTimer: NodeJS.Timeout | null = null;
  let media: Media | null = null;

  try {
    const guests = await GuestTokens.load(storage.db);
    const bus = await createBus(config);
    const metrics = new Metrics({ processMetrics: options.processMetrics ?? true });
    const accounts = new AccountService(storage, clock, config, guests);
    // Open sockets of sessions signed out elsewhere close at their next message.
    accounts.sessionsEnded = (userId) =>
      publishToUser(bus, userId, { kind: 'account_changed', user_id: userId, suspended: false });
    const social = new SocialService(storage, clock);
    pushNotificationsLive(social, bus, logger);
    const spaces = new SpaceService(storage, clock, config, social, bus);
    banRemovedBrowsers(spaces, logger);
    // Who may hear a ticketed space, cached per node and kept current by the bus.
    const ticketAccess = new TicketAccess(storage, bus);
    // Several nodes share one Redis: presence counts and lists are the cluster's.
    const directory = config.redisUrl
      ? new RedisPresence(config.redisUrl, nodeId, (error) =>
          logger.warn({ err: error }, 'presence directory unavailable'),
        )
      : null;
    const standing = new AccountStanding(storage);
    // Live captions: lines from the pipeline, stored and fanned out on the bus (captions/service.ts).
    const captions = new CaptionsService({
      spaces,
      store: transcriptStore(storage),
      bus,
      clock,
      logger,
    });
    const realtime = new RealtimeGateway({
      captions: (state) => captions.snapshot(state),
      accounts,
      standing,
      spaces,
      access: ticketAccess,
      bus,
      metrics,
      clock,
      logger,
      connectionsPerAddress: config.wsConnectionsPerAddress,
      trustProxy: config.trustProxy,
      origins: () => originPolicy(config.publicUrl, config.allowedOrigins),
      ...(options.windowMs ? { windowMs: options.windowMs } : {}),
      ...(directory ? { directory } : {}),
    });
    // A live space whose host is gone ends after HOST_GRACE_SECONDS (see host-watch.ts).
    const hostWatch = new HostWatch({
      spaces,
      presence: realtime,
      clock,
      logger,
      graceMs: config.hostGraceMs,
    });
    const listenersNow = (spaceId: string) => realtime.counts(spaceId)?.now_total ?? 0;
    const scheduler = new JobScheduler(storage, clock, logger, {
      pollMs: config.schedulerPollMs,
      nodeId,
    });
    const notificationPreferences = new NotificationPreferences(storage);
    const webPush = new WebPush(
      storage,
      clock,
      scheduler,
      notificationPreferences,
      social,
      await VapidKeys.load(storage.db),
      {
        subject: config.push.subject,
        publicUrl: () => config.publicUrl,
        allowLocalEndpoints: config.push.allowLocalEndpoints,
      },
      logger,
    );
    const notifications = new NotificationCenter(
      storage,
      clock,
      social,
      notificationPreferences,
      webPush,
      scheduler,
    );
    const stageIndex = new StageIndex(storage);
    indexStagesOnCommit(spaces, stageIndex, (error) =>
      logger.error({ err: error }, 'stage index update failed'),
    );
    scheduler.every('rebuild_stage_index', 60_000, () => stageIndex.rebuild());
    // Browsers are tied to people for removals (device_identities) for 180 days after last seen.
    scheduler.every('forget_old_devices', 24 * 3600_000, (now) =>
      spaces.forgetDevicesSeenBefore(now - 180 * 24 * 3600_000),
    );
    // Who talks when, for replays: written by the node that holds each speaker's media.
    const speakers = new SpeakerSpans({ storage, clock, spaces, logger });
    media =
      config.media.mode === 'off'
        ? null
        : await startMedia(config, {
            spaces,
            accounts,
            bus,
            logger,
            metrics,
            speaking: (change) => void speakers.record(change),
            // The pipeline transcribes the captioned speakers whose feeds are on this node.
            captions,
            // Shared Janus nodes: one home and one packager per space in the cluster.
            storage,
            nodeId,
          });
    captions.useEngine(media?.captions?.engine ?? null);
    const moderation = new ModerationService(storage, clock, spaces, bus, notifications);
    const admin = new AdminService(storage, clock, social, {
      hostMinFollowers: () => config.hostMinFollowers,
      notifications,
    });
    const plane = media?.plane ?? null;
    const recordings = new Recordings({
      storage,
      clock,
      spaces,
      moderation,
      dataDir: config.dataDir,
      packagers: media?.hls ?? null,
      logger,
    });
    const hls = new HlsService({
      config,
      clock,
      spaces,
      moderation,
      signer: await HlsUrlSigner.load(storage.db),
      origin: new HlsOrigin(config.dataDir),
      recordings,
      playlists: new PlaylistGuard(storage, spaces, ticketAccess),
      access: ticketAccess,
      plane: () => plane,
    });
    const listenerStats = new ListenerStats({ storage, clock, spaces, presence: realtime, logger });
    const replayAudio = new ReplayAudio({ dataDir: config.dataDir, logger });
    const replays = new ReplaysService({
      storage,
      publicUrl: () => config.publicUrl,
      dataDir: config.dataDir,
      spaces,
      social,
      recordings,
      speakers,
      stats: listenerStats,
      audio: replayAudio,
      listenersNow: async (spaceId) =>
        (await realtime.presenceNow(spaceId, 0)).counts?.now_total ?? 0,
    });
    const clips = new ClipService({
      storage,
      clock,
      spaces,
      recordings,
      reports: new ReportService(storage, clock),
      scheduler,
      cutter: new ClipCutter({ dataDir: config.dataDir, ffmpegPath: config.media.hls.ffmpegPath }),
      dataDir: config.dataDir,
      ttlDays: () => config.clipTtlDays,
      logger,
    });
    const previews = new LinkPreviews({
      replays,
      storage,
      publicUrl: () => config.publicUrl,
      clips: clipPreviews(clips, social, () => config.publicUrl),
    });
    const services: Services = {
      media,
      hls,
      clips,
      replays,
      previews,
      config,
      storage,
      clock,
      metrics,
      accounts,
      social,
      bus,
      spaces,
      ticketAccess,
      realtime,
      sharing: new SpaceSharing(storage, social),
      reports: new ReportService(storage, clock),
      moderation,
      admin,
      listenersNow,
      scheduler,
      notificationPreferences,
      notifications,
      webPush,
      spaceSchedule: new SpaceSchedule(storage, clock, scheduler, spaces, notifications, logger),
      discovery: new Discovery(storage, social, stageIndex, listenersNow),
      invites: new SpaceInvites(storage, clock, social, notifications),
      tickets: new TicketService({
        storage,
        clock,
        config,
        social,
        spaces,
        scheduler,
        notifications,
        logger,
        announce: ticketAccess,
      }),
      captions,
    };
    const app = await buildApp(services, {
      logger,
      isShuttingDown: () => shuttingDown,
      webDir: options.webDir,
    });
    realtime.attach(app.server);
    if (services.media) {
      realtime.extend(services.media.signaling);
      realtime.extend(services.media.feedSignaling);
    }

    const server: SalonServer = {
      app,
      services,
      url: '',
      async start() {
        const address = await app.listen({ host: config.host, port: config.port });
        server.url = address.replace('[::1]', 'localhost');
        if (config.publicUrl === '') config.publicUrl = server.url;
        services.scheduler.start();
        listenerStats.start();
        await services.hls.recordings.recover();
        // Audio kept for moderation is purged when its retention runs out; hourly is plenty.
        purgeTimer = setInterval(() => {
          services.moderation
            .purgeExpired()
            // Transcripts go in the same pass, by the same rule (captions/retention.ts).
            .then(() => purgeExpiredTranscripts(storage, services.captions.store, clock))
            .catch((error: unknown) => logger.error({ err: error }, 'purge failed'));
        }, 3600_000);
        purgeTimer.unref();
        logger.info({ url: server.url, config: redactedConfig(config) }, 'salon started');
        return server.url;
      },
      stop() {
        stopping ??= (async () => {
          shuttingDown = true;
          // Jobs first: a pass in progress finishes while storage is still open.
          await services.scheduler.close();
          if (purgeTimer) clearInterval(purgeTimer);
          // The host watch before realtime: connections closing because this node stops
          // are not hosts leaving (they come back on a node that is up).
          await hostWatch.close();
          // Realtime first (it flushes listener marks to storage), then HTTP, which
          // stops accepting and waits for in-flight requests; storage last.
          await services.realtime.close();
          await services.hls.recordings.close();
          await services.media?.close();
          // After media: the last speaking changes and the final counts are written.
          await listenerStats.close();
          await speakers.settled();
          await replayAudio.close();
          await app.close();
          services.ticketAccess.close();
          services.captions.close();
          await services.bus.close();
          await storage.close();
          logger.info('salon stopped');
        })();
        return stopping;
      },
    };
    return server;
  } catch (error) {
    await media?.close();
    await storage.close();
    throw error;
  }
}
