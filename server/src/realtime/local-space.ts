import type { ListenerCountsDto, ListenerDto } from '@salon/protocol';
import { SpeakingNow } from '../media/speaking.js';
import type { PresenceView } from './directory.js';
import { Fanout, type FanoutSlot } from './fanout.js';
import { type PresenceMember, SpacePresence } from './presence.js';
import { ReactionWindow } from './reactions.js';

/** What changed between two readings of the cluster's presence. */
export interface ClusterChange {
  joined: ListenerDto[];
  left: string[];
  countsChanged: boolean;
}

/**
 * A space as one node sees it: its local subscribers (`C`, the gateway's
 * connection) and their fan-out, who is present here, what changed in the
 * current window, and — with several nodes — everyone present on any node.
 */
export class LocalSpace<C = unknown> {
  readonly subscribers = new Map<C, FanoutSlot>();
  readonly fanout: Fanout;
  readonly presence = new SpacePresence();
  readonly reactions = new ReactionWindow();
  totalUnique: number | null = null;
  joined: ListenerDto[] = [];
  left: string[] = [];
  newIdentities: string[] = [];
  countsDirty = false;
  /** With several nodes: everyone in the space on every node, as last read, and how many are listed. */
  cluster: { people: PresenceView; listed: number } | null = null;
  refreshing = false;
  /** Stage members talking now, told to each new subscriber. */
  readonly speaking = new SpeakingNow();
  /** When counts and listener changes were last sent. */
  presenceSentAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly unsubscribe: () => void,
    slowClientBytes: number,
  ) {
    this.fanout = new Fanout({ slowClientBytes });
  }

  /** Counts as every node sees them (with a cluster view) or as this node does; `self` is counted at once. */
  counts(totalUnique: number, self?: PresenceMember): ListenerCountsDto {
    const cluster = this.cluster;
    if (!cluster) return this.presence.counts(totalUnique);
    let total = cluster.people.size;
    let listed = cluster.listed;
    if (self?.key && !cluster.people.has(self.key)) {
      total += 1;
      if (self.listed) listed += 1;
    }
    return {
      now_total: total,
      now_listed: listed,
      now_anonymous: total - listed,
      total_unique: Math.max(totalUnique, total),
    };
  }

  /** Listed listeners, at most `limit`: of the cluster when known, else of this node. */
  listed(limit: number): ListenerDto[] {
    if (!this.cluster) return this.presence.listed(limit);
    const out: ListenerDto[] = [];
    for (const listing of this.cluster.people.values()) {
      if (!listing) continue;
      out.push(listing);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Takes a fresh reading of everyone present on every node, and says what
   * to tell this node's subscribers: listed people who came or went, and
   * whether the counts moved. This node's own people are current here,
   * whatever the directory has received of them yet.
   */
  adoptCluster(people: PresenceView): ClusterChange {
    for (const [key, listing] of this.presence.entries()) {
      if (listing || !people.has(key)) people.set(key, listing);
    }
    let listed = 0;
    for (const listing of people.values()) if (listing) listed += 1;
    const before = this.cluster?.people ?? new Map<string, ListenerDto | null>();
    const joined: ListenerDto[] = [];
    const left: string[] = [];
    for (const [key, listing] of people) if (listing && !before.get(key)) joined.push(listing);
    for (const [key, listing] of before)
      if (listing && !people.get(key)) left.push(listing.user_id);
    const countsChanged =
      this.countsDirty ||
      !this.cluster ||
      this.cluster.people.size !== people.size ||
      this.cluster.listed !== listed;
    this.cluster = { people, listed };
    this.joined = [];
    this.left = [];
    this.countsDirty = false;
    return { joined, left, countsChanged };
  }
}
