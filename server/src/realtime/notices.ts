/**
 * Internal notices on a user's channel (`userChannel`), applied by the
 * gateway of every node that holds one of their sockets and never forwarded.
 * A removal is published on the space's channel, which reaches only the nodes
 * following that space; this one also reaches a socket that holds the
 * person's media in the space without being subscribed to it.
 */
const REMOVED = '{"type":"removed_notice"';

export function removedNotice(spaceId: string): string {
  return `${REMOVED},"space_id":${JSON.stringify(spaceId)}}`;
}

export function readRemovedNotice(text: string): { spaceId: string } | null {
  if (!text.startsWith(REMOVED)) return null;
  return { spaceId: (JSON.parse(text) as { space_id: string }).space_id };
}
