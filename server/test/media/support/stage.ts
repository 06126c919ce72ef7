/**
 * Factories for media tests: a Janus child set up for the test namespace,
 * and a "stage" (AudioBridge room whose mix is forwarded to a Streaming
 * mountpoint) with speakers and listeners that all close together.
 */
import {
  AudioBridge,
  type ParticipantId,
  type RoomId,
} from '../../../src/media/janus/audiobridge.js';
import type { JanusConnection } from '../../../src/media/janus/connection.js';
import { JanusSession } from '../../../src/media/janus/session.js';
import { type RtpMountpoint, Streaming } from '../../../src/media/janus/streaming.js';
import { JanusProcess, type JanusProcessOptions } from '../../../src/media/janus-process.js';
import { Listener } from './peer.js';
import { Publisher } from './publisher.js';

/** v0 of scripts/netns-run.sh: the only address ICE may use in tests. */
export const TEST_ICE_ADDRESS = '10.77.0.1';

/**
 * Janus for a test. SALON_JANUS_LOG=1 prints its log (with SALON_JANUS_DEBUG
 * as the level, 0–7) to stderr when a test needs explaining.
 */
export function startJanus(options: JanusProcessOptions = {}): Promise<JanusProcess> {
  const log = process.env['SALON_JANUS_LOG'] === '1';
  return JanusProcess.start({
    iceEnforceList: TEST_ICE_ADDRESS,
    debugLevel: Number(process.env['SALON_JANUS_DEBUG'] ?? 3),
    ...(log ? { onLog: (line: string) => process.stderr.write(`[janus] ${line}\n`) } : {}),
    ...options,
  });
}

export class Stage {
  static async open(janus: JanusProcess): Promise<Stage> {
    const connection = await janus.connect();
    try {
      const session = await JanusSession.create(connection);
      const bridge = await AudioBridge.attach(session);
      const streaming = await Streaming.attach(session);
      const room = await bridge.createRoom({ description: 'test stage' });
      const mountpoint = await streaming.createRtpMountpoint({ description: 'test stage' });
      const forwarder = await bridge.rtpForward(room, { host: '127.0.0.1', port: mountpoint.port });
      return new Stage(connection, session, bridge, streaming, room, mountpoint, forwarder);
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  private readonly peers: Array<Publisher | Listener> = [];

  private constructor(
    readonly connection: JanusConnection,
    readonly session: JanusSession,
    /** The control handle: rooms, moderation, forwarders. */
    readonly bridge: AudioBridge,
    readonly streaming: Streaming,
    readonly room: RoomId,
    readonly mountpoint: RtpMountpoint,
    readonly forwarder: number,
  ) {}

  async speaker(
    id: ParticipantId,
    frequency: number,
    amplitude?: number,
  ): Promise<Publisher<AudioBridge>> {
    const speaker = await Publisher.inBridge({
      session: this.session,
      room: this.room,
      id,
      frequency,
      ...(amplitude === undefined ? {} : { amplitude }),
    });
    this.peers.push(speaker);
    return speaker;
  }

  async listener(): Promise<Listener<Streaming>> {
    const listener = await Listener.watch({
      session: this.session,
      mountpoint: this.mountpoint.id,
    });
    this.peers.push(listener);
    return listener;
  }

  /** Best effort and idempotent: peers, forwarder, mountpoint, room, session, socket. */
  async close(): Promise<void> {
    await Promise.allSettled(this.peers.map((peer) => peer.close()));
    if (!this.connection.closed) {
      await Promise.allSettled([
        this.bridge.stopRtpForward(this.room, this.forwarder),
        this.streaming.destroyMountpoint(this.mountpoint.id),
      ]);
      await this.bridge.destroyRoom(this.room).catch(() => undefined);
      await this.session.destroy();
    }
    this.connection.close();
  }
}
