import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import { KeyedLock } from '../util/keyed-lock.js';
import type { RoomId } from './janus/audiobridge.js';

/** Where a space's media lives: a Janus node (by name) and the placement's epoch. */
export interface MediaHome {
  node: string;
  epoch: number;
}

/**
 * The media home of every space, agreed by all Salon nodes: a row of
 * `media_homes` in the shared database. Janus nodes are named by their URL in
 * JANUS_URL, which every Salon node of a deployment is given alike.
 *
 * - The first node to ask places the space (insert if absent) and every node
 *   reads the winner, so a race places it once.
 * - A move (failover) is a compare-and-set on `epoch`: of several nodes moving
 *   the same space, one wins and the others read where it went.
 * - The AudioBridge room (and its mountpoint) id is derived from the space and
 *   the epoch: every Salon node finds the same room, and a node that comes
 *   back after a move does not rebuild the old one (it reads the epoch first).
 */
export class MediaHomes {
  /** At most two seat locks wait on the database per Salon node (each holds a connection). */
  private readonly seats = new KeyedLock(2);

  constructor(private readonly storage: Storage) {}

  /**
   * Runs `fn` holding the space's seat lock across Salon nodes, so that two
   * nodes seating listeners of one space at once do not both take the last
   * seat (MixRelays). On PostgreSQL, a transaction-scoped advisory lock
   * (released if its holder dies); on SQLite, one process serves the
   * database, and the lock in memory is the whole lock.
   */
  withSeatLock<T>(spaceId: string, fn: () => Promise<T>): Promise<T> {
    return this.seats.run(spaceId, () =>
      this.storage.dialect === 'postgres'
        ? this.db.transaction().execute(async (trx) => {
            await sql`select pg_advisory_xact_lock(hashtextextended(${`salon-seats/${spaceId}`}, 0))`.execute(
              trx,
            );
            return fn();
          })
        : fn(),
    );
  }

  private get db() {
    return this.storage.db;
  }

  /** The stored home, or null when the space has none (never placed, or closed). */
  async read(spaceId: string): Promise<MediaHome | null> {
    const row = await this.db
      .selectFrom('media_homes')
      .select(['node', 'epoch'])
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
    return row ? { node: row.node, epoch: Number(row.epoch) } : null;
  }

  /** The space's home: the stored one, or `node` if this call places it first. */
  async place(spaceId: string, node: string): Promise<MediaHome> {
    const known = await this.read(spaceId);
    if (known) return known;
    await this.db
      .insertInto('media_homes')
      .values({ space_id: spaceId, node, epoch: 1, placed_at: Date.now() })
      .onConflict((oc) => oc.column('space_id').doNothing())
      .execute();
    const winner = await this.read(spaceId);
    if (!winner) throw new Error(`media home of ${spaceId} vanished while placing it`);
    return winner;
  }

  /**
   * Moves the space from `from` to `node` unless another node moved it first:
   * either way, returns where it is now. A space closed meanwhile stays closed (null).
   */
  async move(spaceId: string, from: MediaHome, node: string): Promise<MediaHome | null> {
    await this.db
      .updateTable('media_homes')
      .set({ node, epoch: from.epoch + 1, placed_at: Date.now() })
      .where('space_id', '=', spaceId)
      .where('epoch', '=', from.epoch)
      .execute();
    return this.read(spaceId);
  }

  /** The space's media closed: the next open places it anew. */
  async forget(spaceId: string): Promise<void> {
    await this.db.deleteFrom('media_homes').where('space_id', '=', spaceId).execute();
  }
}

/**
 * The AudioBridge room (and Streaming mountpoint) id of a space at an epoch:
 * the same on every Salon node, different for each placement. 48 bits, so it
 * is exact as a JSON number.
 */
export function roomIdOf(spaceId: string, epoch: number): RoomId {
  const digest = createHash('sha256').update(`${spaceId}/${epoch}`).digest();
  return digest.readUIntBE(0, 6) || 1;
}
