import type {
  CaptionsSnapshotDto,
  ReactionEmoji,
  ServerMessage,
  SpaceEventPayload,
} from '@salon/protocol';
import type { Bus } from '../bus/bus.js';
import { onSpace, type SpaceEnvelope } from '../bus/space-channel.js';
import { AppError } from '../errors.js';
import { onCommits, shareCommits } from '../media/commits.js';
import type { SpaceState } from '../spaces/model.js';
import type { Participant } from '../spaces/policy.js';
import type { Reactions } from '../spaces/reactions.js';
import type { SpaceService } from '../spaces/service.js';
import { hears, type SpaceAccess, type TicketAccess } from '../tickets/access.js';
import type { Clock } from '../util/clock.js';
import { LocalSpace } from './local-space.js';
import { presenceMember } from './presence.js';
import type { GatewayExtension } from './router.js';
import { type Connection, identityOf, sendText, sendTo } from './socket.js';

const SNAPSHOT_LISTENERS = 50;
/** A client this far behind gets no more best-effort messages until it drains. */
const SLOW_CLIENT_BYTES = 1 << 20;

/** A person arrived in a space on this node (`present`) or their last connection here left it. */
export type PresenceListener = (spaceId: string, key: string, present: boolean) => void;
export type SpaceEventsListener = (spaceId: string, events: SpaceEventPayload[]) => void;
/** Live captions' state and last lines, for a snapshot (captions/service.ts). */
export type CaptionsSnapshot = (state: SpaceState) => Promise<CaptionsSnapshotDto | null>;

export interface RoomsOptions {
  spaces: SpaceService;
  /** Who may hear a ticketed space: the others see it without its audio parts. */
  access: TicketAccess;
  bus: Bus;
  clock: Clock;
  /** The spaces this node has subscribers in, shared with the presence sync. */
  spacesById: Map<string, LocalSpace<Connection>>;
  /** Every open connection on this node. */
  connections: ReadonlySet<Connection>;
  /** Per message type; told when a connection loses a space. */
  extensions: ReadonlyMap<string, GatewayExtension>;
  /** Runs a write the gateway's close() waits for, logging its failure. */
  track(work: Promise<unknown>, failure: string): void;
  /** Tells the directory how this node now holds one person. */
  report(spaceId: string, space: LocalSpace<Connection>, key: string): void;
  /** Captions come from the audio: only in the snapshots of those who hear. */
  captions?: CaptionsSnapshot;
  /** Who may react, and at what rate; its verdicts come back through addReaction. */
  reactions: Reactions;
}

/**
 * The spaces this node has subscribers in: joining and leaving them, the
 * snapshot, reactions, the bus's messages fanned out to the subscribers, and
 * the expulsions a removal or a guest ban brings.
 */
export class Rooms {
  readonly presenceListeners: PresenceListener[] = [];
  readonly eventListeners: SpaceEventsListener[] = [];
  /** The spaces each connection asked to be in incognito (kept for a re-subscription). */
  private readonly incognito = new WeakMap<Connection, Set<string>>();

  constructor(private readonly o: RoomsOptions) {
    // Every node hears of every commit, subscribers here or not: its copy of the
    // space is forgotten if older (a stale "live" admits nobody), and its media
    // applies the change wherever the handles are (media/signaling.ts).
    shareCommits(o.spaces, o.bus);
    onCommits(o.bus, (commit) => o.spaces.invalidate(commit.space_id, commit.version));
  }

  async subscribe(
    conn: Connection,
    spaceId: string,
    incognito: boolean,
    requestId: string | undefined,
    /** The space as the per-message check admitted it. */
    admitted: SpaceState | null,
  ): Promise<void> {
    if (incognito && conn.viewer.kind !== 'user') {
      throw AppError.invalid(
        'incognito_needs_account',
        'Only signed-in listeners can be incognito; guests are never listed.',
      );
    }
    const state =
      admitted ?? (await this.o.spaces.admit(spaceId, conn.viewer, conn.device, incognito)).state;
    // Without a ticket a person sees the space (its card, stage, pins) but is not in
    // its audience: not counted or listed, and told nobody is speaking.
    const access = await this.o.access.of(state, conn.viewer);
    const audience = hears(access);
    const known = conn.spaces.get(spaceId);
    if (known && (known.key !== '') !== (audience && conn.viewer.kind !== 'anonymous'))
      this.leave(conn, spaceId);
    const wishes = this.incognito.get(conn) ?? new Set<string>();
    this.incognito.set(conn, wishes);
    if (incognito) wishes.add(spaceId);
    else wishes.delete(spaceId);
    const space = this.local(spaceId);
    if (!conn.spaces.has(spaceId)) {
      const member = audience ? presenceMember(conn.viewer, incognito, this.o.clock.now()) : null;
      if (member) {
        conn.spaces.set(spaceId, member);
        space.subscribers.set(conn, space.fanout.add(conn.target));
        const change = space.presence.add(member);
        if (change.kind === 'joined') {
          if (change.first) space.newIdentities.push(member.key);
          if (change.listed) space.joined.push(change.listed);
          space.countsDirty = true;
          this.o.report(spaceId, space, member.key);
          if (change.first) this.presenceChanged(spaceId, space, member.key);
        }
      } else {
        // Anonymous viewers may watch a space that is not live; they are not present in it.
        conn.spaces.set(spaceId, { key: '', listed: null });
        space.subscribers.set(conn, space.fanout.add(conn.target));
      }
    }
    const slot = space.subscribers.get(conn);
    if (slot) slot.hears = audience;
    await this.sendSnapshot(conn, spaceId, space, state, requestId, access);
  }

  /** The space as it is now, with this node's presence; then who is speaking. */
  async sendSnapshot(
    conn: Connection,
    spaceId: string,
    space: LocalSpace<Connection>,
    state: SpaceState,
    requestId?: string,
    known?: SpaceAccess,
  ): Promise<void> {
    const access = known ?? (await this.o.access.of(state, conn.viewer));
    space.totalUnique ??= await this.o.spaces.totalListeners(spaceId);
    const base = await this.o.spaces.snapshotBase(state);
    const captions = this.o.captions && hears(access) ? await this.o.captions(state) : undefined;
    sendTo(conn, {
      type: 'snapshot',
      space_id: spaceId,
      snapshot: {
        ...base,
        access,
        listeners: { data: space.listed(SNAPSHOT_LISTENERS), next_cursor: null },
        counts: space.counts(
          space.totalUnique + space.newIdentities.length,
          conn.spaces.get(spaceId),
        ),
        ...(captions ? { captions } : {}),
      },
      ...(requestId ? { request_id: requestId } : {}),
    });
    // Speaking indicators are events of the media plane, not state of the
    // snapshot: a late joiner sees who is talking now, not at the next change.
    // They come from the audio, so not for someone who may not hear it.
    if (!hears(access)) return;
    for (const userId of space.speaking) {
      sendTo(conn, { type: 'speaking', space_id: spaceId, user_id: userId, speaking: true });
    }
  }

  /**
   * A reaction through this connection, which must be in the space and
   * counted there (not incognito); `admitted` is the space as this message's
   * check admitted it (spaces/reactions.ts).
   */
  async react(
    conn: Connection,
    spaceId: string,
    raw: string,
    admitted: SpaceState | null,
  ): Promise<void> {
    const member = conn.spaces.get(spaceId);
    if (!member?.key) throw AppError.forbidden('not_in_space', 'Join the space before reacting.');
    await this.o.reactions.react(conn.viewer, spaceId, raw, conn.device, admitted);
  }

  /** A reaction allowed by spaces/reactions.ts, counted in this window. */
  addReaction(spaceId: string, emoji: ReactionEmoji): void {
    this.local(spaceId).reactions.add(emoji);
  }

  /** Forgets the reaction rates of people who have not reacted for a while. */
  sweep(): void {
    this.o.reactions.sweep();
  }

  private local(spaceId: string): LocalSpace<Connection> {
    let space = this.o.spacesById.get(spaceId);
    if (!space) {
      const unsubscribe = onSpace(this.o.bus, spaceId, (message) => this.onBus(spaceId, message));
      space = new LocalSpace<Connection>(unsubscribe, SLOW_CLIENT_BYTES);
      this.o.spacesById.set(spaceId, space);
      this.o.spaces.follow(spaceId);
    }
    return space;
  }

  leave(conn: Connection, spaceId: string): void {
    const member = conn.spaces.get(spaceId);
    if (!member) return;
    conn.spaces.delete(spaceId);
    const space = this.o.spacesById.get(spaceId);
    if (!space) return;
    const slot = space.subscribers.get(conn);
    if (slot) space.fanout.remove(slot);
    space.subscribers.delete(conn);
    if (member.key) {
      const change = space.presence.remove(member);
      if (change.kind === 'left') {
        if (change.listed) space.left.push(change.listed.user_id);
        space.countsDirty = true;
        this.o.report(spaceId, space, member.key);
        if (!space.presence.has(member.key)) this.presenceChanged(spaceId, space, member.key);
      }
    }
  }

  private presenceChanged(spaceId: string, space: LocalSpace<Connection>, key: string): void {
    const present = space.presence.has(key);
    for (const listener of this.presenceListeners) listener(spaceId, key, present);
  }

  /** Messages for one space from any node: forwarded as they are, after the side effects this node owns. */
  private onBus(spaceId: string, { kind, json }: SpaceEnvelope): void {
    const space = this.o.spacesById.get(spaceId);
    if (!space) return;
    switch (kind) {
      case 'event': {
        const message = JSON.parse(json) as Extract<ServerMessage, { type: 'event' }>;
        this.o.spaces.invalidate(spaceId, message.version);
        space.fanout.publish(json, true);
        for (const event of message.events) {
          space.speaking.follow(event);
          if (event.type === 'participant_removed') this.expel(spaceId, space, event.participant);
          // Joining or leaving the stage of a ticketed space gives or takes the right to hear it.
          if (event.type === 'stage_changed') this.reassessLater(spaceId, event.change.user_id);
          if (event.type === 'settings_changed' && !event.allow_guests)
            this.expelGuests(spaceId, space);
        }
        for (const listener of this.eventListeners) listener(spaceId, message.events);
        return;
      }
      case 'speaking': {
        const message = JSON.parse(json) as Extract<ServerMessage, { type: 'speaking' }>;
        space.speaking.heard(message.user_id, message.speaking);
        // Who is talking is read from the audio: only for those who hear it.
        space.fanout.publish(json, false, true);
        return;
      }
      // Captions are words from the audio: only for those who hear (finals are kept, partials may drop).
      case 'caption': {
        const line = JSON.parse(json) as Extract<ServerMessage, { type: 'caption' }>;
        space.fanout.publish(json, line.kind === 'final', true);
        return;
      }
      case 'captions_state':
        space.fanout.publish(json, true, true);
        return;
      case 'reactions':
      case 'media_stopped':
        space.fanout.publish(json, false);
        return;
    }
  }

  private reassessLater(spaceId: string, userId: string): void {
    this.o.track(this.reassess(spaceId, userId), 'reassessing access to a space failed');
  }

  /**
   * A person's right to hear a ticketed space changed (a ticket granted or
   * refunded on any node, a step onto or off its stage): their connections
   * here follow. Losing it ends what they hear there (WebRTC, feeds) and
   * makes their subscription a viewer's; gaining it makes them present. A
   * subscription that changes gets a fresh snapshot carrying the new `access`.
   */
  async reassess(spaceId: string, userId: string): Promise<void> {
    // Most spaces sell no tickets: asked first, from the cache, before going through the connections.
    if (!(await this.o.access.ticketed(spaceId))) return;
    const conns = [...this.o.connections].filter(
      (c) => c.viewer.kind === 'user' && c.viewer.user.id === userId,
    );
    if (conns.length === 0) return;
    const state = await this.o.spaces.get(spaceId);
    const access = await this.o.access.of(state, conns[0]!.viewer);
    const audience = hears(access);
    for (const conn of conns) {
      if (!audience) this.revoke(conn, spaceId);
      const member = conn.spaces.get(spaceId);
      const slot = this.o.spacesById.get(spaceId)?.subscribers.get(conn);
      if (!member || !slot) continue;
      if ((member.key !== '') === audience && slot.hears === audience) continue;
      const incognito = this.incognito.get(conn)?.has(spaceId) ?? false;
      await this.subscribe(conn, spaceId, incognito, undefined, state);
    }
  }

  /**
   * A removed person's connections leave the space and lose what they hold
   * in it (their media), and so do connections from any browser they were
   * seen with: a guest tab of the same browser, here or opened earlier.
   * (Banning those browsers is the removal's own effect: spaces/removal.ts.)
   */
  private expel(spaceId: string, space: LocalSpace<Connection>, who: Participant): void {
    const identity = `${who.kind}:${who.id}`;
    const devices = new Set<string>();
    const text = JSON.stringify({
      type: 'removed_from_space',
      space_id: spaceId,
      message: 'You were removed from this space.',
    } satisfies ServerMessage);
    const out = (conn: Connection) => {
      const slot = space.subscribers.get(conn);
      if (slot) {
        // They see the event that removed them, then the notice.
        space.fanout.catchUp(slot);
        this.leave(conn, spaceId);
        sendText(conn, text);
      }
      this.revoke(conn, spaceId);
    };
    for (const conn of [...this.o.connections]) {
      if (identityOf(conn.viewer) !== identity) continue;
      if (conn.device) devices.add(conn.device);
      out(conn);
    }
    this.o.track(
      this.o.spaces.devicesOf(identity).then((known) => {
        const banned = new Set([...devices, ...known]);
        for (const conn of [...this.o.connections]) {
          if (conn.device && banned.has(conn.device) && identityOf(conn.viewer) !== identity)
            out(conn);
        }
      }),
      'expelling the browsers of a removed person failed',
    );
  }

  /**
   * The host stopped letting people without an account listen: the guests
   * here leave the space and lose their audio, as a removal would, with a
   * notice that says why (an account lets them back in).
   */
  private expelGuests(spaceId: string, space: LocalSpace<Connection>): void {
    const text = JSON.stringify({
      type: 'removed_from_space',
      space_id: spaceId,
      code: 'guests_not_allowed',
      message: 'The host allows only listeners with an account in this space.',
    } satisfies ServerMessage);
    for (const conn of [...space.subscribers.keys()]) {
      if (conn.viewer.kind !== 'guest') continue;
      const slot = space.subscribers.get(conn);
      if (slot) space.fanout.catchUp(slot);
      this.leave(conn, spaceId);
      sendText(conn, text);
      this.revoke(conn, spaceId);
    }
  }

  /**
   * Removed from a space, said on the person's own channel: a socket that is
   * not subscribed there (so not expelled through the space's channel) still
   * loses what it holds in the space, its media.
   */
  onRemovedNotice(conn: Connection, spaceId: string): void {
    if (conn.spaces.has(spaceId)) return;
    this.revoke(conn, spaceId);
  }

  /** The connection lost a space: its checked facts there, and what the extensions hold. */
  private revoke(conn: Connection, spaceId: string): void {
    conn.facts.delete(spaceId);
    for (const extension of new Set(this.o.extensions.values())) extension.revoked?.(conn, spaceId);
  }
}
