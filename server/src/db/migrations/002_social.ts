import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

export function social(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const userRef = 'users.id';
      await db.schema
        .createTable('follows')
        .addColumn('follower_id', 'text', (c) =>
          c.notNull().references(userRef).onDelete('cascade'),
        )
        .addColumn('followee_id', 'text', (c) =>
          c.notNull().references(userRef).onDelete('cascade'),
        )
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'followee_id'])
        .execute();
      await db.schema
        .createIndex('follows_followee')
        .on('follows')
        .columns(['followee_id', 'follower_id'])
        .execute();

      await db.schema
        .createTable('blocks')
        .addColumn('blocker_id', 'text', (c) => c.notNull().references(userRef).onDelete('cascade'))
        .addColumn('blocked_id', 'text', (c) => c.notNull().references(userRef).onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
        .execute();
      await db.schema
        .createIndex('blocks_blocked')
        .on('blocks')
        .columns(['blocked_id', 'blocker_id'])
        .execute();

      await db.schema
        .createTable('posts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('author_id', 'text', (c) => c.notNull().references(userRef).onDelete('cascade'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('space_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('posts_author')
        .on('posts')
        .columns(['author_id', 'id'])
        .execute();

      await db.schema
        .createTable('direct_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references(userRef).onDelete('cascade'))
        .addColumn('recipient_id', 'text', (c) =>
          c.notNull().references(userRef).onDelete('cascade'),
        )
        .addColumn('pair_key', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('space_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('read_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('direct_messages_pair')
        .on('direct_messages')
        .columns(['pair_key', 'id'])
        .execute();
      await db.schema
        .createIndex('direct_messages_recipient')
        .on('direct_messages')
        .columns(['recipient_id', 'read_at'])
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references(userRef).onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.references(userRef).onDelete('cascade'))
        .addColumn('post_id', 'text')
        .addColumn('space_id', 'text')
        .addColumn('message_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('read_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('notifications_user')
        .on('notifications')
        .columns(['user_id', 'id'])
        .execute();
    },
  };
}
