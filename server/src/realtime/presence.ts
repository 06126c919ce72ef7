import type { ListenerCountsDto, ListenerDto } from '@salon/protocol';
import type { Viewer } from '../accounts/viewer.js';

/**
 * Who is in one space right now, on this node. People are counted once
 * however many tabs or reconnects they have; a person is listed when any of
 * their connections is signed in and not incognito.
 */
export interface PresenceMember {
  /** `u:<user id>` or `g:<guest id>`. */
  key: string;
  listed: ListenerDto | null;
}

interface Entry {
  connections: number;
  listedConnections: number;
  listed: ListenerDto | null;
}

export type PresenceChange =
  | { kind: 'joined'; key: string; listed: ListenerDto | null; first: boolean }
  | { kind: 'left'; key: string; listed: ListenerDto | null }
  | { kind: 'none' };

export class SpacePresence {
  private readonly people = new Map<string, Entry>();
  private listedCount = 0;

  add(member: PresenceMember): PresenceChange {
    let entry = this.people.get(member.key);
    const first = entry === undefined;
    if (!entry) {
      entry = { connections: 0, listedConnections: 0, listed: null };
      this.people.set(member.key, entry);
    }
    entry.connections += 1;
    const wasListed = entry.listedConnections > 0;
    if (member.listed) {
      entry.listedConnections += 1;
      entry.listed ??= member.listed;
    }
    const nowListed = entry.listedConnections > 0;
    if (!wasListed && nowListed) this.listedCount += 1;
    if (first || (!wasListed && nowListed)) {
      return { kind: 'joined', key: member.key, listed: nowListed ? entry.listed : null, first };
    }
    return { kind: 'none' };
  }

  remove(member: PresenceMember): PresenceChange {
    const entry = this.people.get(member.key);
    if (!entry) return { kind: 'none' };
    const wasListed = entry.listedConnections > 0;
    entry.connections -= 1;
    if (member.listed) entry.listedConnections -= 1;
    const nowListed = entry.listedConnections > 0;
    if (wasListed && !nowListed) this.listedCount -= 1;
    if (entry.connections <= 0) {
      this.people.delete(member.key);
      return { kind: 'left', key: member.key, listed: wasListed ? entry.listed : null };
    }
    if (wasListed && !nowListed) return { kind: 'left', key: member.key, listed: entry.listed };
    return { kind: 'none' };
  }

  has(key: string): boolean {
    return this.people.has(key);
  }

  /** How a present person shows: their listing, or null when only counted. */
  listingOf(key: string): ListenerDto | null {
    const entry = this.people.get(key);
    return entry && entry.listedConnections > 0 ? entry.listed : null;
  }

  /** Everyone present, once each, with how they show. */
  *entries(): IterableIterator<[string, ListenerDto | null]> {
    for (const [key, entry] of this.people) {
      yield [key, entry.listedConnections > 0 ? entry.listed : null];
    }
  }

  get size(): number {
    return this.people.size;
  }

  counts(totalUnique: number): ListenerCountsDto {
    const total = this.people.size;
    return {
      now_total: total,
      now_listed: this.listedCount,
      now_anonymous: total - this.listedCount,
      total_unique: Math.max(totalUnique, total),
    };
  }

  /** Listed listeners, oldest first, at most `limit`. */
  listed(limit: number): ListenerDto[] {
    const out: ListenerDto[] = [];
    for (const entry of this.people.values()) {
      if (entry.listedConnections > 0 && entry.listed) {
        out.push(entry.listed);
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

/** How often presence (counts, listener changes) is sent to a space of this many subscribers. */
export function presenceIntervalMs(subscribers: number): number {
  return Math.min(5000, 1000 * Math.max(1, Math.ceil(subscribers / 2000)));
}

/** How a connection counts in a space: a guest counted, a user listed unless incognito; others not at all. */
export function presenceMember(
  viewer: Viewer,
  incognito: boolean,
  now: number,
): PresenceMember | null {
  if (viewer.kind === 'guest') return { key: `g:${viewer.guestId}`, listed: null };
  if (viewer.kind !== 'user') return null;
  const u = viewer.user;
  return {
    key: `u:${u.id}`,
    listed: incognito
      ? null
      : {
          user_id: u.id,
          user: {
            id: u.id,
            handle: u.handle,
            display_name: u.display_name,
            avatar_url: u.avatar_key ? `/media/avatars/${u.avatar_key}` : null,
          },
          joined_at: new Date(now).toISOString(),
        },
  };
}
