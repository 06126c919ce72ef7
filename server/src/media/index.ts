import type { FastifyBaseLogger } from 'fastify';
import type { AccountService } from '../accounts/service.js';
import type { Config } from '../config.js';
import { HlsPackagers } from '../hls/packagers.js';
import type { Bus } from '../realtime/bus.js';
import type { SpaceService } from '../spaces/service.js';
import { JanusConnection } from './janus/connection.js';
import { JanusProcess } from './janus-process.js';
import { MediaPlane } from './plane.js';
import { MediaSignaling } from './signaling.js';

export interface Media {
  plane: MediaPlane;
  signaling: MediaSignaling;
  /** The embedded Janus child, when Salon runs one. */
  janus: JanusProcess | null;
  /** The HLS packagers of this node's rooms. */
  hls: HlsPackagers;
  /** Ordered: signaling, then packagers (they flush), the plane's rooms, the Janus child. Idempotent. */
  close(): Promise<void>;
}

/** Starts the media plane the configuration asks for: a Janus child, or an external node. */
export async function startMedia(
  config: Config,
  deps: { spaces: SpaceService; accounts: AccountService; bus: Bus; logger: FastifyBaseLogger },
): Promise<Media> {
  const settings = config.media;
  const janus =
    settings.mode === 'embedded'
      ? await JanusProcess.start({
          ...(settings.iceEnforceList ? { iceEnforceList: settings.iceEnforceList } : {}),
          ...(settings.rtpPortRange ? { rtpPortRange: settings.rtpPortRange } : {}),
          ...(settings.nat1to1.length ? { nat1to1: settings.nat1to1 } : {}),
          ...(settings.stun ? { stun: settings.stun } : {}),
          ...(settings.turn ? { turn: settings.turn } : {}),
          onLog: (line) => deps.logger.debug({ janus: line }),
        })
      : null;
  janus?.on('exited', (info) => deps.logger.error(info, 'Janus exited; restarting it'));
  janus?.on('restarted', (info) => deps.logger.warn(info, 'Janus restarted'));
  const hls = new HlsPackagers({
    dataDir: config.dataDir,
    settings: settings.hls,
    logger: deps.logger,
  });
  try {
    const plane = await MediaPlane.start({
      onRoomReady: (spaceId, room) => hls.roomReady(spaceId, room),
      onRoomClosing: (spaceId) => hls.stop(spaceId),
      listenerCaps: {
        perSpace: settings.webrtcListenersPerSpace,
        perNode: settings.webrtcListenersPerNode,
      },
      connect: () =>
        janus
          ? janus.connect()
          : JanusConnection.open({
              url: settings.janusUrl!,
              ...(settings.janusApiSecret ? { apiSecret: settings.janusApiSecret } : {}),
            }),
      logger: deps.logger,
    });
    hls.attach(plane);
    const signaling = new MediaSignaling({ plane, ...deps, stageGraceMs: settings.stageGraceMs });
    let closing: Promise<void> | null = null;
    return {
      plane,
      signaling,
      janus,
      hls,
      close() {
        closing ??= (async () => {
          signaling.close();
          await hls.close();
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
