import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ageOn,
  checkOfferEdit,
  eligibility,
  feeAt,
  isCalendarDate,
  type SellerFacts,
  splitSale,
} from './rules.js';

const FEES = { feeBps: 300, feeHighBps: 2000, thresholdMinor: 5_000_000 };
const RULES = { sellerMinFollowers: 1000, sellerMinSpaces: 3, sellerMinAge: 18 };

test('fees round half up to the cent', () => {
  assert.equal(feeAt(100, 300), 3);
  assert.equal(feeAt(150, 300), 5); // 4.5 → 5
  assert.equal(feeAt(149, 300), 4); // 4.47 → 4
  assert.equal(feeAt(0, 300), 0);
  assert.equal(feeAt(99_900, 2000), 19_980);
});

test('a sale that straddles the threshold is split there', () => {
  // $50,000 lifetime threshold, $999 sale with $300 of room below it.
  const split = splitSale(99_900, 5_000_000 - 30_000, FEES);
  assert.deepEqual(split, {
    lowMinor: 30_000,
    highMinor: 69_900,
    feeMinor: 900 + 13_980,
    hostMinor: 99_900 - 14_880,
  });
  assert.equal(splitSale(1000, 0, FEES).feeMinor, 30);
  assert.equal(splitSale(1000, 5_000_000, FEES).feeMinor, 200);
});

test('fee + host share = price, whatever the sale and the lifetime (no cent created or lost)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.integer({ min: 0, max: 20_000_000 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 20_000_000 }),
      (price, lifetime, low, high, threshold) => {
        const s = splitSale(price, lifetime, {
          feeBps: low,
          feeHighBps: high,
          thresholdMinor: threshold,
        });
        assert.equal(s.feeMinor + s.hostMinor, price);
        assert.equal(s.lowMinor + s.highMinor, price);
        assert.ok(s.feeMinor >= 0 && s.feeMinor <= price);
        assert.ok(Number.isInteger(s.feeMinor));
      },
    ),
  );
});

test('ages count whole years; 29 February birthdays turn on 1 March', () => {
  assert.equal(ageOn('2008-06-01', '2026-06-01'), 18);
  assert.equal(ageOn('2008-06-02', '2026-06-01'), 17);
  assert.equal(ageOn('2008-02-29', '2026-02-28'), 17);
  assert.equal(ageOn('2008-02-29', '2026-03-01'), 18);
  assert.equal(isCalendarDate('2023-02-30'), false);
  assert.equal(isCalendarDate('2024-02-29'), true);
  assert.equal(isCalendarDate('24-02-29'), false);
});

test('eligibility: 18+, followers, recent spaces, or an admin grant; admins always', () => {
  const today = '2026-06-01';
  const base: SellerFacts = {
    role: 'user',
    birthDate: '1990-01-01',
    followers: 1000,
    spacesLast30Days: 3,
    granted: false,
  };
  assert.equal(eligibility(base, today, RULES).eligible, true);
  const codes = (f: Partial<SellerFacts>) =>
    eligibility({ ...base, ...f }, today, RULES).reasons.map((r) => r.code);
  assert.deepEqual(codes({ followers: 999 }), ['not_enough_followers']);
  assert.deepEqual(codes({ spacesLast30Days: 2 }), ['not_enough_spaces']);
  assert.deepEqual(codes({ birthDate: '2010-01-01' }), ['too_young']);
  assert.deepEqual(codes({ birthDate: null }), ['birth_date_required']);
  // A grant stands in for the audience rules, not for the age.
  assert.deepEqual(codes({ followers: 0, spacesLast30Days: 0, granted: true }), []);
  assert.deepEqual(codes({ birthDate: '2010-01-01', granted: true }), ['too_young']);
  assert.equal(
    eligibility({ ...base, role: 'admin', birthDate: null, followers: 0 }, today, RULES).eligible,
    true,
  );
});

test('after the first sale the price is fixed and the count only grows', () => {
  assert.doesNotThrow(() =>
    checkOfferEdit({ price_minor: 500, count: 10, taken: 0 }, { price_minor: 900, count: 5 }),
  );
  assert.doesNotThrow(() =>
    checkOfferEdit({ price_minor: 500, count: 10, taken: 3 }, { price_minor: 500, count: 20 }),
  );
  assert.throws(
    () =>
      checkOfferEdit({ price_minor: 500, count: 10, taken: 1 }, { price_minor: 600, count: 10 }),
    /price/,
  );
  assert.throws(
    () => checkOfferEdit({ price_minor: 500, count: 10, taken: 1 }, { price_minor: 500, count: 9 }),
    /only grow/,
  );
});
