import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { AccountService } from '../accounts/service.js';
import type { Bus } from '../bus/bus.js';
import { type CaptionEngineSettings, createCaptionEngine } from '../captions/engines/index.js';
import { CaptionsPipeline } from '../captions/pipeline/index.js';
import type { CaptionSink } from '../captions/pipeline/types.js';
import type { Storage } from '../db/database.js';
import type { Metrics } from '../observability/metrics.js';
import type { SpaceService } from '../spaces/service.js';
import type { MediaApi } from './api.js';
import { MediaCluster } from './cluster.js';
import { FeedRooms } from './feeds/rooms.js';
import { FeedSignaling } from './feeds/signaling.js';
import { PackagerLeases } from './hls/leases.js';
import { HlsPackagers } from './hls/packagers.js';
import { MediaHomes, roomIdOf } from './homes.js';
import { JanusConnection } from './janus/connection.js';
import { JanusProcess } from './janus-process.js';
import { ListenSeats } from './listen-seats.js';
import { MediaPlane, type MediaPlaneOptions } from './plane.js';
import type { MediaSettings } from './settings.js';
import { MediaSignaling } from './signaling.js';

/**
 * What startMedia reads of the configuration: a Config (config.ts) is one, so
 * the composition root passes it as is and media/ imports nothing from config.ts.
 */
export interface StartMediaSettings {
  /** HLS packagers write under it. */
  dataDir: string;
  /** The publisher cap of a space's feed room. */
  maxStage: number;
  media: MediaSettings;
  /** The caption engine's choice, and the speakers one node transcribes at once. */
  captions: CaptionEngineSettings & { maxStreams: number };
}

export interface Media {
  /** One Janus node's plane, or a cluster of them (several JANUS_URLs). */
  plane: MediaApi;
  signaling: MediaSignaling;
  /** Per-speaker feeds (a VideoRoom room per space, on its node) and their signaling. */
  feeds: FeedRooms;
  feedSignaling: FeedSignaling;
  /** The embedded Janus child, when Salon runs one. */
  janus: JanusProcess | null;
  /** The HLS packagers of this node's rooms. */
  hls: HlsPackagers;
  /** Live captions of the speakers whose feeds are on this node; null without an engine or a sink. */
  captions: CaptionsPipeline | null;
  /** Ordered: signaling, then packagers (they flush), feed rooms, the plane's rooms, the Janus child. Idempotent. */
  close(): Promise<void>;
}

/** Starts the media plane the configuration asks for: a Janus child, or an external node. */
export async function startMedia(
  config: StartMediaSettings,
  deps: {
    spaces: SpaceService;
    accounts: AccountService;
    bus: Bus;
    logger: FastifyBaseLogger;
    metrics?: Metrics;
    /** Every speaking change this node's signaling decides (replays/speakers.ts). */
    speaking?: (change: { spaceId: string; userId: string; speaking: boolean }) => void;
    /** Where caption lines go (CaptionsService); without it this node transcribes nobody. */
    captions?: CaptionSink;
    /**
     * The shared database and this Salon node's id: with them, the Janus
     * nodes (MEDIA=external) are shared with the other Salon nodes: one home
     * per space (media/homes.ts) and one HLS packager per space (hls/leases.ts).
     */
    storage?: Storage;
    nodeId?: string;
  },
): Promise<Media> {
  const settings = config.media;
  const janus =
    settings.mode === 'embedded'
      ? await JanusProcess.start({
          ...(settings.iceEnforceList ? { iceEnforceList: settings.iceEnforceList } : {}),
          ...(settings.janusLibsrtp === 'auto'
            ? {}
            : { libsrtpDir: settings.janusLibsrtp === 'system' ? null : settings.janusLibsrtp }),
          ...(settings.rtpPortRange ? { rtpPortRange: settings.rtpPortRange } : {}),
          ...(settings.nat1to1.length ? { nat1to1: settings.nat1to1 } : {}),
          ...(settings.stun ? { stun: settings.stun } : {}),
          ...(settings.turn ? { turn: settings.turn } : {}),
          onLog: (line) => deps.logger.debug({ janus: line }),
        })
      : null;
  if (janus) {
    deps.logger.info(
      { libsrtp: janus.libsrtpDir ?? 'system' },
      janus.libsrtpDir
        ? 'Janus uses libsrtp2 from its own folder'
        : "Janus uses the system's libsrtp2",
    );
  }
  janus?.on('exited', (info) => deps.logger.error(info, 'Janus exited; restarting it'));
  janus?.on('restarted', (info) => deps.logger.warn(info, 'Janus restarted'));
  // An embedded Janus is this node's alone; external ones are shared by every Salon node.
  const shared = settings.mode === 'external' && deps.storage ? deps.storage : null;
  const nodeId = deps.nodeId ?? randomUUID();
  const hls = new HlsPackagers({
    dataDir: config.dataDir,
    settings: settings.hls,
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(shared ? { leases: new PackagerLeases(shared, nodeId) } : {}),
  });
  try {
    const planeOptions = (connect: MediaPlaneOptions['connect']): MediaPlaneOptions => ({
      onRoomReady: (spaceId, room) => hls.roomReady(spaceId, room),
      onRoomClosing: (spaceId) => hls.stop(spaceId),
      listenerCaps: {
        perSpace: settings.webrtcListenersPerSpace,
        perNode: settings.webrtcListenersPerNode,
      },
      connect,
      logger: deps.logger,
    });
    // One Janus node: the room of a space is the same id on every Salon node.
    const oneShared = (options: MediaPlaneOptions): MediaPlaneOptions =>
      shared ? { ...options, roomFor: (spaceId) => roomIdOf(spaceId, 1) } : options;
    const external = (url: string) => () =>
      JanusConnection.open({
        url,
        ...(settings.janusApiSecret ? { apiSecret: settings.janusApiSecret } : {}),
      });
    const plane: MediaApi = janus
      ? await MediaPlane.start(planeOptions(() => janus.connect()))
      : settings.janusUrls.length === 1
        ? await MediaPlane.start(oneShared(planeOptions(external(settings.janusUrls[0]!))))
        : await MediaCluster.start(
            // Named by URL: every Salon node is given the same JANUS_URL, so names agree.
            settings.janusUrls.map((url) => ({ name: url, options: planeOptions(external(url)) })),
            {
              failoverMs: settings.failoverMs,
              ...(shared ? { homes: new MediaHomes(shared) } : {}),
            },
          );
    hls.attach(plane);
    // A feed room sits on the node of its space's mix (a cluster says which), shared as the mix's is.
    const feeds = new FeedRooms({
      host: plane,
      logger: deps.logger,
      maxPublishers: config.maxStage,
      ...(shared
        ? {
            cluster: {
              roomFor: (spaceId: string) =>
                plane instanceof MediaCluster ? plane.sharedRoom(spaceId) : roomIdOf(spaceId, 1),
              bus: deps.bus,
              node: nodeId,
            },
            secretSeed: settings.janusApiSecret,
          }
        : {}),
    });
    // The mix and the feeds share the seats: one per person per space, whichever they receive.
    const seats = new ListenSeats({
      answerTimeoutMs: settings.webrtcAnswerMs,
      stop: (spaceId, owner, kind) =>
        kind === 'mix' ? plane.stopListening(spaceId, owner) : feeds.stopWatching(spaceId, owner),
      // Whether a feeds watcher here holds the mix too counts for the other Salon nodes' census.
      changed: (spaceId) => feeds.seatsChanged(spaceId),
      logger: deps.logger,
    });
    const signaling = new MediaSignaling({
      plane,
      ...deps,
      seats,
      stageGraceMs: settings.stageGraceMs,
    });
    const feedSignaling = new FeedSignaling({
      feeds,
      spaces: deps.spaces,
      bus: deps.bus,
      logger: deps.logger,
      seats,
    });
    const engine = deps.captions ? await createCaptionEngine(config.captions, deps.logger) : null;
    const captions =
      deps.captions && engine
        ? new CaptionsPipeline({
            feeds,
            spaces: deps.spaces,
            bus: deps.bus,
            engine,
            sink: deps.captions,
            logger: deps.logger,
            maxStreams: config.captions.maxStreams,
            ...(deps.metrics ? { metrics: deps.metrics } : {}),
          })
        : null;
    // A space whose media opens here may be captioned already (a restart, a failover).
    plane.on('opened', (spaceId: string) => {
      captions
        ?.followSpace(spaceId)
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, space: spaceId }, 'captions did not read the space'),
        );
    });
    let closing: Promise<void> | null = null;
    return {
      captions,
      plane,
      signaling,
      feeds,
      feedSignaling,
      janus,
      hls,
      close() {
        closing ??= (async () => {
          signaling.close();
          feedSignaling.close();
          seats.close();
          await hls.close();
          await captions?.close();
          await feeds.shutdown();
          await plane.shutdown();
          await janus?.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await hls.close();
    await janus?.close();
    throw error;
  }
}
