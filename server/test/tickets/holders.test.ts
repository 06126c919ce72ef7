import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStorage, type Storage } from '../../src/db/database.js';
import { holdersOf, isHolder, offerOf, offersOf } from '../../src/tickets/holders.js';
import { createTestSchema } from '../support/postgres.js';

/** The migration applies on both engines, and the access helper's reads answer from it. */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`ticket holders on ${backend}`, () => {
    let storage: Storage;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      if (backend === 'sqlite') {
        storage = await openStorage({ kind: 'sqlite', file: ':memory:' });
      } else {
        const schema = await createTestSchema();
        drop = schema.drop;
        storage = await openStorage(
          { kind: 'postgres', url: schema.url },
          { pgSchema: schema.schema, poolSize: 2 },
        );
      }
      const db = storage.db;
      for (const id of ['host', 'ann', 'bob']) {
        await db
          .insertInto('users')
          .values({
            id,
            handle: id,
            handle_lower: id,
            display_name: id,
            bio: '',
            avatar_key: null,
            password_hash: 'x',
            role: 'user',
            can_host: 1,
            suspended_at: null,
            created_at: 1,
          })
          .execute();
      }
      for (const id of ['s1', 's2']) {
        await db
          .insertInto('spaces')
          .values({
            id,
            host_id: 'host',
            state: 'scheduled',
            title: id,
            description: '',
            topics: '[]',
            language: 'en',
            scheduled_start: 10,
            started_at: null,
            ended_at: null,
            recording: 0,
            version: 1,
            data: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
      }
      await db
        .insertInto('ticket_offers')
        .values({
          space_id: 's1',
          host_id: 'host',
          price_minor: 500,
          currency: 'usd',
          count: 5,
          sold: 1,
          held: 1,
          created_at: 1,
          updated_at: 1,
        })
        .execute();
      const ticket = {
        space_id: 's1',
        host_id: 'host',
        price_minor: 500,
        currency: 'usd',
        provider: 'test',
        payment_ref: null,
        refund_ref: null,
        created_at: 1,
        hold_until: null,
        refunded_at: null,
        refund_reason: null,
      };
      await db
        .insertInto('tickets')
        .values([
          { ...ticket, id: 't1', user_id: 'ann', state: 'paid', checkout_id: 'c1', paid_at: 2 },
          {
            ...ticket,
            id: 't2',
            user_id: 'bob',
            state: 'pending',
            checkout_id: 'c2',
            paid_at: null,
          },
        ])
        .execute();
    });
    after(async () => {
      await storage.close();
      await drop?.();
    });

    test('a paid ticket makes a holder; a pending one does not', async () => {
      assert.equal(await isHolder(storage.db, 's1', 'ann'), true);
      assert.equal(await isHolder(storage.db, 's1', 'bob'), false);
      assert.equal(await isHolder(storage.db, 's2', 'ann'), false);
      assert.deepEqual(await holdersOf(storage.db, 's1'), ['ann']);
    });

    test('the offer counts seats held by pending checkouts as taken', async () => {
      assert.deepEqual(await offerOf(storage.db, 's1'), {
        spaceId: 's1',
        hostId: 'host',
        priceMinor: 500,
        currency: 'usd',
        count: 5,
        sold: 1,
        left: 3,
        soldOut: false,
      });
      assert.equal(await offerOf(storage.db, 's2'), null);
      const many = await offersOf(storage.db, ['s1', 's2', 's1']);
      assert.deepEqual([...many.keys()], ['s1']);
    });

    test('one ticket per person and space, whatever its state', async () => {
      await assert.rejects(
        storage.db
          .insertInto('tickets')
          .values({
            id: 't3',
            space_id: 's1',
            user_id: 'ann',
            host_id: 'host',
            state: 'pending',
            price_minor: 500,
            currency: 'usd',
            provider: 'test',
            checkout_id: 'c3',
            payment_ref: null,
            refund_ref: null,
            created_at: 3,
            hold_until: null,
            paid_at: null,
            refunded_at: null,
            refund_reason: null,
          })
          .execute(),
      );
    });
  });
}
