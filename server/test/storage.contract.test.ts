import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GuestTokens } from '../src/accounts/guests.js';
import { AccountService } from '../src/accounts/service.js';
import { openStorage, type Storage } from '../src/db/database.js';
import { SocialService } from '../src/social/service.js';
import { ManualClock } from '../src/util/clock.js';
import { createTestSchema } from './support/postgres.js';

/**
 * One contract, two engines: every rule of the storage layer must hold the
 * same on SQLite (embedded) and PostgreSQL (production).
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`storage contract on ${backend}`, () => {
    let storage: Storage;
    let dropSchema: (() => Promise<void>) | undefined;
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    let accounts: AccountService;
    let social: SocialService;
    let reopen: () => Promise<Storage>;

    before(async () => {
      if (backend === 'sqlite') {
        const dir = mkdtempSync(path.join(tmpdir(), 'salon-contract-'));
        reopen = () => openStorage({ kind: 'sqlite', file: path.join(dir, 'salon.db') });
        dropSchema = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const schema = await createTestSchema();
        dropSchema = schema.drop;
        reopen = () =>
          openStorage(
            { kind: 'postgres', url: schema.url },
            { pgSchema: schema.schema, poolSize: 4 },
          );
      }
      storage = await reopen();
      accounts = new AccountService(
        storage,
        clock,
        { sessionTtlDays: 30, avatarMaxBytes: 1 << 20 },
        await GuestTokens.load(storage.db),
      );
      social = new SocialService(storage, clock);
    });
    after(async () => {
      await storage.close();
      await dropSchema?.();
    });

    const register = (handle: string) =>
      accounts
        .register({ handle, display_name: handle, password: 'correct horse battery' })
        .then((r) => r.user);

    test('the first account is the only admin, even when registrations race', async () => {
      const users = await Promise.all(['race_a', 'race_b', 'race_c', 'race_d'].map(register));
      assert.equal(users.filter((u) => u.role === 'admin').length, 1);
      const stored = await storage.db
        .selectFrom('users')
        .select('role')
        .where('role', '=', 'admin')
        .execute();
      assert.equal(stored.length, 1);
    });

    test('opening the same database again keeps its data and applies no migration twice', async () => {
      await register('before_reopen');
      const again = await reopen();
      const row = await again.db
        .selectFrom('users')
        .select('handle')
        .where('handle', '=', 'before_reopen')
        .executeTakeFirst();
      assert.equal(row?.handle, 'before_reopen');
      await again.close();
    });

    test('handles are unique regardless of case, and a refused registration leaves nothing behind', async () => {
      await register('Casey');
      await assert.rejects(register('casey'), { code: 'handle_taken' });
      const rows = await storage.db
        .selectFrom('users')
        .select('id')
        .where('handle_lower', '=', 'casey')
        .execute();
      assert.equal(rows.length, 1);
    });

    test('times and counts come back as numbers on every engine', async () => {
      const user = await register('numbers');
      const row = await storage.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(typeof row.created_at, 'number');
      assert.equal(row.created_at, clock.now());
      assert.equal(typeof row.can_host, 'number');
      const counts = await social.counts(user.id);
      assert.deepEqual(counts, { followers: 0, following: 0, posts: 0 });
    });

    test('following twice is one follow, and blocking removes follows in both directions', async () => {
      const a = await register('blk_a');
      const b = await register('blk_b');
      await social.follow(a.id, b.id);
      await social.follow(a.id, b.id);
      await social.follow(b.id, a.id);
      assert.equal((await social.counts(b.id)).followers, 1);
      await social.block(a.id, b.id);
      assert.deepEqual(await social.counts(a.id), { followers: 0, following: 0, posts: 0 });
      assert.deepEqual(await social.relationship(b.id, a.id), {
        following: false,
        followed_by: false,
        blocking: false,
        blocked_by: true,
      });
      await assert.rejects(social.follow(b.id, a.id), { code: 'blocked_by_user' });
      await assert.rejects(social.messages.send(b.id, a.id, 'hi'), { code: 'dm_blocked' });
    });

    test('pages of posts cover every post once, newest first, even with equal timestamps', async () => {
      const author = await register('pager');
      const ids: string[] = [];
      for (let i = 0; i < 45; i++) ids.push((await social.posts.create(author.id, `post ${i}`)).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const rows = await social.posts.byAuthor(author.id, null, cursor, 20);
        seen.push(...rows.slice(0, 20).map((r) => r.id));
        if (rows.length <= 20) break;
        const last = rows[19]!;
        cursor = Buffer.from(JSON.stringify([last.id])).toString('base64url');
      }
      assert.deepEqual(seen, [...ids].reverse());
    });

    test('followers are paged by (time, id) without gaps when many follow at the same instant', async () => {
      const star = await register('star');
      const fans = await Promise.all(Array.from({ length: 7 }, (_, i) => register(`fan_${i}`)));
      for (const fan of fans) await social.follow(fan.id, star.id);
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (;;) {
        const rows = await social.followList(star.id, 'followers', cursor, 3);
        for (const r of rows.slice(0, 3)) seen.add(r.id);
        if (rows.length <= 3) break;
        const last = rows[2]!;
        cursor = Buffer.from(JSON.stringify([last.followed_at, last.id])).toString('base64url');
      }
      assert.deepEqual([...seen].sort(), fans.map((f) => f.id).sort());
    });

    test('an avatar is stored and read back byte for byte', async () => {
      const user = await register('avatar');
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(300, 7),
      ]);
      const updated = await accounts.setAvatar(user.id, 'image/png', png);
      const stored = await accounts.getAvatar(updated.avatar_key!);
      assert.equal(stored.contentType, 'image/png');
      assert.ok(stored.bytes.equals(png));
    });

    test('conversations list the newest message per peer with unread counts', async () => {
      const me = await register('dm_me');
      const p1 = await register('dm_p1');
      const p2 = await register('dm_p2');
      await social.messages.send(p1.id, me.id, 'one');
      clock.advance(1);
      await social.messages.send(p2.id, me.id, 'two');
      clock.advance(1);
      await social.messages.send(p1.id, me.id, 'three');
      const list = await social.messages.conversations(me.id, undefined, 10);
      assert.deepEqual(
        list.map((c) => [c.peerId, c.message.text, c.unread]),
        [
          [p1.id, 'three', 2],
          [p2.id, 'two', 1],
        ],
      );
      await social.messages.markRead(me.id, p1.id);
      const after = await social.messages.conversations(me.id, undefined, 10);
      assert.equal(after.find((c) => c.peerId === p1.id)?.unread, 0);
    });

    test('notifications are marked read by id or all at once', async () => {
      const me = await register('nt_me');
      const others = await Promise.all(['nt_1', 'nt_2', 'nt_3'].map(register));
      for (const o of others) await social.follow(o.id, me.id);
      assert.equal(await social.unreadNotificationCount(me.id), 3);
      const list = await social.notifications(me.id, true, undefined, 10);
      assert.equal(await social.markNotificationsRead(me.id, [list[0]!.id]), 1);
      assert.equal(await social.unreadNotificationCount(me.id), 2);
      assert.equal(await social.markNotificationsRead(me.id, 'all'), 2);
      assert.equal(await social.unreadNotificationCount(me.id), 0);
    });

    test('sessions expire and guest tokens verify only untampered and unexpired', async () => {
      const user = await register('sess');
      const { token } = await accounts.login('sess', 'correct horse battery');
      assert.equal((await accounts.authenticate(token))?.kind, 'user');
      const guest = accounts.issueGuest();
      assert.equal((await accounts.authenticate(guest.token))?.kind, 'guest');
      assert.equal(await accounts.authenticate(`${guest.token.slice(0, -2)}xx`), null);
      clock.advance(31 * 24 * 3600 * 1000);
      assert.equal(await accounts.authenticate(token), null);
      assert.equal(await accounts.authenticate(guest.token), null);
      assert.ok(user.id);
    });

    test('a closed storage no longer answers', async () => {
      const other = await reopen();
      await other.close();
      assert.equal(await other.ping(), false);
      await other.close();
    });
  });
}
