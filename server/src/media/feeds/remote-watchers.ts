import type { Bus } from '../../bus/bus.js';
import { open, seal } from '../../bus/envelope.js';

/**
 * Who watches a space's feeds through the other Salon nodes, so that a stage
 * member is told their feed is wanted whichever node the watcher is on (a
 * feed is published only while wanted: FeedSignaling's `feeds_wanted`).
 *
 * Each node tells the others, on one bus channel, the watchers it holds in a
 * space: their user ids (null for a guest or a signed-out listener), what
 * each seat costs the Janus node and whether they listen to the mix too, so
 * the seat caps count them (seats.ts, relays.ts). It tells each time they
 * change, and again every `refreshMs` while it holds some (which also brings
 * the costs up to date). What a node told lasts `ttlMs`: a node that died
 * without a word stops counting then, and a node that lost the bus for a
 * while is caught up by the next refresh (or at once, when its bus
 * reconnects).
 */
const CHANNEL = 'media:feed-watchers';
const KIND = 'feed_watchers';
const KINDS: ReadonlySet<typeof KIND> = new Set([KIND]);

/** A watcher as another node tells of it. */
export interface RemoteWatcher {
  /** Null for one who is no user. */
  user_id: string | null;
  /** What their seat costs the Janus node, in mix listeners (feedWatcherCost). */
  cost: number;
  /**
   * They listen to the mix too, through their node (a client moving from the
   * mix to the feeds holds both a while): Janus counts that seat already.
   */
  mix: boolean;
}

interface WatchersNotice {
  node: string;
  space_id: string;
  watchers: RemoteWatcher[];
  ttl_ms: number;
}

export interface RemoteWatchersOptions {
  bus: Bus;
  /** This Salon node's id: what it tells is skipped when it comes back. */
  node: string;
  /** The watchers this node holds in a space. */
  local(spaceId: string): RemoteWatcher[];
  /** What other nodes said of a space changed: whose feeds are wanted may have too. */
  changed(spaceId: string): void;
  ttlMs?: number;
  refreshMs?: number;
}

export class RemoteWatchers {
  /** Per space, per other node: its watchers and when what it said expires. */
  private readonly remote = new Map<
    string,
    Map<string, { watchers: RemoteWatcher[]; expires: number }>
  >();
  /** What this node last told of each space with watchers: refreshed, and told when they empty. */
  private readonly told = new Map<string, string>();
  private readonly ttlMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly unreconnect: () => void;

  constructor(private readonly o: RemoteWatchersOptions) {
    this.ttlMs = o.ttlMs ?? 30_000;
    this.unsubscribe = o.bus.subscribe(CHANNEL, (text) => this.received(text));
    // Messages sent while this node was off the bus were lost both ways.
    this.unreconnect = o.bus.onReconnected(() => this.refresh());
    this.timer = setInterval(() => this.tick(), o.refreshMs ?? 10_000);
    this.timer.unref();
  }

  /**
   * This node's watchers of a space may have changed: the other nodes are
   * told, unless it is what they were told last (so a node answering news
   * from another never starts an echo).
   */
  tell(spaceId: string, again = false): void {
    const watchers = this.o.local(spaceId);
    const said = JSON.stringify(
      watchers.map((w) => JSON.stringify([w.user_id, w.cost, w.mix])).sort(),
    );
    if (watchers.length === 0) {
      if (!this.told.delete(spaceId)) return;
    } else {
      if (!again && this.told.get(spaceId) === said) return;
      this.told.set(spaceId, said);
    }
    this.publish(spaceId, watchers);
  }

  /** Whether someone but `userId` watches the space through another node. */
  wantedBy(spaceId: string, userId: string): boolean {
    const now = Date.now();
    for (const said of this.remote.get(spaceId)?.values() ?? [])
      if (said.expires > now && said.watchers.some((w) => w.user_id !== userId)) return true;
    return false;
  }

  /**
   * What the seats of a space's watchers on the other nodes cost, one entry
   * per watcher, but those who listen to the mix too (counted by Janus).
   */
  seats(spaceId: string): number[] {
    const now = Date.now();
    const costs: number[] = [];
    for (const said of this.remote.get(spaceId)?.values() ?? [])
      if (said.expires > now) for (const w of said.watchers) if (!w.mix) costs.push(w.cost);
    return costs;
  }

  /** Spaces with watchers on other nodes. */
  spaceIds(): Iterable<string> {
    return this.remote.keys();
  }

  /** This node stops: the others stop counting its watchers now, not in `ttlMs`. */
  close(): void {
    clearInterval(this.timer);
    for (const spaceId of this.told.keys()) this.publish(spaceId, []);
    this.told.clear();
    this.unsubscribe();
    this.unreconnect();
  }

  private publish(spaceId: string, watchers: RemoteWatcher[]): void {
    const notice: WatchersNotice = {
      node: this.o.node,
      space_id: spaceId,
      watchers,
      ttl_ms: this.ttlMs,
    };
    this.o.bus.publish(CHANNEL, seal(KIND, JSON.stringify(notice)));
  }

  private received(text: string): void {
    const envelope = open(text, KINDS);
    const notice = envelope ? parseNotice(envelope.json) : null;
    if (!notice || notice.node === this.o.node) return;
    let nodes = this.remote.get(notice.space_id);
    if (notice.watchers.length === 0) {
      if (!nodes?.delete(notice.node)) return;
      if (nodes.size === 0) this.remote.delete(notice.space_id);
    } else {
      if (!nodes) {
        nodes = new Map();
        this.remote.set(notice.space_id, nodes);
      }
      nodes.set(notice.node, {
        watchers: notice.watchers,
        expires: Date.now() + Math.min(notice.ttl_ms, this.ttlMs * 2),
      });
    }
    this.o.changed(notice.space_id);
  }

  private refresh(): void {
    for (const spaceId of [...this.told.keys()]) this.tell(spaceId, true);
  }

  /** Refreshes what this node told, and forgets what expired elsewhere. */
  private tick(): void {
    this.refresh();
    const now = Date.now();
    for (const [spaceId, nodes] of this.remote) {
      let expired = false;
      for (const [node, said] of nodes)
        if (said.expires <= now) expired = nodes.delete(node) || expired;
      if (nodes.size === 0) this.remote.delete(spaceId);
      if (expired) this.o.changed(spaceId);
    }
  }
}

/** A notice as another node sent it, or null when it is not one (garbled, or of a newer shape). */
function parseNotice(json: string): WatchersNotice | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const watchers = v['watchers'];
  if (
    typeof v['node'] !== 'string' ||
    typeof v['space_id'] !== 'string' ||
    typeof v['ttl_ms'] !== 'number' ||
    !Array.isArray(watchers) ||
    !watchers.every(isRemoteWatcher)
  )
    return null;
  return { node: v['node'], space_id: v['space_id'], watchers, ttl_ms: v['ttl_ms'] };
}

function isRemoteWatcher(value: unknown): value is RemoteWatcher {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Record<string, unknown>;
  return (
    (w['user_id'] === null || typeof w['user_id'] === 'string') &&
    typeof w['cost'] === 'number' &&
    Number.isFinite(w['cost']) &&
    w['cost'] >= 1 &&
    typeof w['mix'] === 'boolean'
  );
}
