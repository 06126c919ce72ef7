import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The media plane as a cluster citizen (issue 13):
 * - `media_homes`: the Janus node carrying each space, agreed by every Salon
 *   node (media/homes.ts). Inserted once (the first node to ask wins a race),
 *   moved only by a compare-and-set on `epoch` (failover), deleted when the
 *   space's media closes. The AudioBridge room id is derived from the space
 *   and the epoch, so every node finds the same room.
 * - `hls_leases`: which Salon node runs the one HLS packager of a space, until
 *   `expires_at` unless it renews (media/hls/leases.ts); `ending_at` is set by
 *   a node that committed the end while another held the lease, and that
 *   holder then flushes and cuts the replay.
 * - `space_recordings.cut_by`: the node that cut the replay (once).
 * No foreign keys: a home or a lease outlives nothing, and media is opened by
 * id before anything else touches the space's rows.
 */
export function mediaPlacement(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('media_homes')
        .addColumn('space_id', 'text', (c) => c.primaryKey())
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('epoch', 'integer', (c) => c.notNull())
        .addColumn('placed_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('hls_leases')
        .addColumn('space_id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        // The holder's rtp_forward of the mix, so a successor can stop it.
        .addColumn('room', 'bigint')
        .addColumn('forwarder', 'bigint')
        .addColumn('ending_at', 'bigint')
        .execute();
      await db.schema.alterTable('space_recordings').addColumn('cut_by', 'text').execute();
    },
  };
}
