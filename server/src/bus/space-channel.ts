import type { ServerMessage } from '@salon/protocol';
import type { Bus } from './bus.js';
import { type Envelope, open, seal } from './envelope.js';

/**
 * A space's channel: what every node forwards to the space's subscribers
 * (and acts on first: rooms.ts). One list of kinds, one union of messages.
 */
export const spaceChannel = (id: string) => `space:${id}`;

export const SPACE_MESSAGE_KINDS = [
  'event',
  'speaking',
  'reactions',
  'caption',
  'captions_state',
  // Not `media_restart`: each Salon node tells its own clients (media/signaling.ts).
  'media_stopped',
] as const;
export type SpaceMessageKind = (typeof SPACE_MESSAGE_KINDS)[number];
export type SpaceMessage = Extract<ServerMessage, { type: SpaceMessageKind }>;
export type SpaceEnvelope = Envelope<SpaceMessageKind>;

const KINDS: ReadonlySet<SpaceMessageKind> = new Set(SPACE_MESSAGE_KINDS);

/** Tells every node's subscribers of the space (this node's included, on the next tick). */
export function publishToSpace(bus: Bus, message: SpaceMessage): void {
  bus.publish(spaceChannel(message.space_id), seal(message.type, JSON.stringify(message)));
}

/** The space's messages from every node, with their kind read from the envelope. */
export function onSpace(
  bus: Bus,
  spaceId: string,
  handler: (message: SpaceEnvelope) => void,
): () => void {
  return bus.subscribe(spaceChannel(spaceId), (text) => {
    const message = open(text, KINDS);
    if (message) handler(message);
  });
}
