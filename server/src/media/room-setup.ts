import { setTimeout as sleep } from 'node:timers/promises';
import type { AudioBridge, RoomId } from './janus/audiobridge.js';
import { isJanusError } from './janus/errors.js';
import { AudioBridgeError, StreamingError } from './janus/protocol.js';
import type { MountpointId, Streaming } from './janus/streaming.js';

/** How long a node that joins another's room waits for that node to make its mountpoint. */
const MOUNTPOINT_WAIT_MS = 10_000;

export interface RoomSetup {
  room: RoomId;
  mountpoint: { id: MountpointId; port: number };
  /** The mix's forwarder into the mountpoint; null where another node made the room. */
  forwarder: number | null;
}

/**
 * A space's AudioBridge room, its Streaming mountpoint (same id) and the
 * forwarder of the mix into it. With a `shared` id (media/homes.ts), a room
 * that exists already was made by another Salon node: this one joins it and
 * waits for its maker's mountpoint, and leaves the forwarder to the maker.
 */
export async function makeOrJoinRoom(
  handles: { control: AudioBridge; streaming: Streaming },
  o: { spaceId: string; room: RoomId; shared: boolean; forwardHost: string },
): Promise<RoomSetup> {
  const { control, streaming } = handles;
  const description = `space ${o.spaceId}`;
  const made = await control.createRoom({ room: o.room, description }).then(
    (room) => room,
    (error: unknown) => {
      if (o.shared && isJanusError(error, AudioBridgeError.roomExists)) return null;
      throw error;
    },
  );
  if (made === null) {
    return { room: o.room, mountpoint: await mountpointOf(streaming, o.room), forwarder: null };
  }
  const mountpoint = await streaming.createRtpMountpoint({ id: made, description });
  const forwarder = await control.rtpForward(made, { host: o.forwardHost, port: mountpoint.port });
  return { room: made, mountpoint, forwarder };
}

/** The mountpoint another node made for its room, once it exists. */
async function mountpointOf(
  streaming: Streaming,
  id: MountpointId,
): Promise<RoomSetup['mountpoint']> {
  const until = Date.now() + MOUNTPOINT_WAIT_MS;
  for (;;) {
    try {
      const info = await streaming.info(id);
      const media = (info['media'] as Array<{ port?: unknown }> | undefined)?.[0];
      return { id, port: typeof media?.port === 'number' ? media.port : 0 };
    } catch (error) {
      if (!isJanusError(error, StreamingError.noSuchMountpoint) || Date.now() > until) throw error;
      await sleep(100);
    }
  }
}
