import { AppError } from '../errors.js';
import type { TicketSettings } from './settings.js';

/**
 * The pure rules of ticketed spaces (no I/O): the fee schedule, who may sell,
 * and what an offer may be.
 */

/**
 * Rounding, written down: a fee is a whole number of minor units. For each
 * sale, the part of its price below the host's threshold and the part beyond
 * it are each charged their rate, each rounded half up to the minor unit
 * (`floor((amount × bps + 5000) / 10000)`); the host gets the price minus the
 * fee. Fee + host share = price exactly: no unit is created or lost.
 */
export function feeAt(amountMinor: number, bps: number): number {
  return Math.floor((amountMinor * bps + 5000) / 10_000);
}

export interface FeeSplit {
  feeMinor: number;
  hostMinor: number;
  /** How much of the price fell below the threshold (charged `feeBps`). */
  lowMinor: number;
  highMinor: number;
}

/**
 * The fee on one sale, given the host's lifetime gross before it: a sale that
 * straddles the threshold is split there.
 */
export function splitSale(
  priceMinor: number,
  lifetimeBeforeMinor: number,
  fees: Pick<TicketSettings, 'feeBps' | 'feeHighBps' | 'thresholdMinor'>,
): FeeSplit {
  const room = Math.max(0, fees.thresholdMinor - lifetimeBeforeMinor);
  const lowMinor = Math.min(priceMinor, room);
  const highMinor = priceMinor - lowMinor;
  const feeMinor = feeAt(lowMinor, fees.feeBps) + feeAt(highMinor, fees.feeHighBps);
  return { feeMinor, hostMinor: priceMinor - feeMinor, lowMinor, highMinor };
}

/** The rate a host's next sale starts at. */
export function feeRateNow(
  lifetimeMinor: number,
  fees: Pick<TicketSettings, 'feeBps' | 'feeHighBps' | 'thresholdMinor'>,
): number {
  return lifetimeMinor >= fees.thresholdMinor ? fees.feeHighBps : fees.feeBps;
}

// ---- eligibility ------------------------------------------------------------

export interface SellerFacts {
  role: 'user' | 'moderator' | 'admin';
  /** 'YYYY-MM-DD' or null when never given. */
  birthDate: string | null;
  followers: number;
  /** Spaces the person hosted (went live) in the last 30 days. */
  spacesLast30Days: number;
  /** An admin granted selling. */
  granted: boolean;
}

export interface Reason {
  code: string;
  message: string;
}

export interface Eligibility {
  eligible: boolean;
  reasons: Reason[];
  needsBirthDate: boolean;
}

/**
 * Admins always sell; an admin's grant stands in for the follower and hosting
 * rules; the age attestation is asked of everyone else, granted or not.
 */
export function eligibility(
  facts: SellerFacts,
  today: string,
  rules: Pick<TicketSettings, 'sellerMinFollowers' | 'sellerMinSpaces' | 'sellerMinAge'>,
): Eligibility {
  if (facts.role === 'admin') return { eligible: true, reasons: [], needsBirthDate: false };
  const reasons: Reason[] = [];
  const needsBirthDate = facts.birthDate === null;
  if (needsBirthDate) {
    reasons.push({
      code: 'birth_date_required',
      message: `Confirm your date of birth: sellers must be ${rules.sellerMinAge} or older.`,
    });
  } else if (ageOn(facts.birthDate as string, today) < rules.sellerMinAge) {
    reasons.push({
      code: 'too_young',
      message: `Sellers must be ${rules.sellerMinAge} or older.`,
    });
  }
  if (!facts.granted) {
    if (facts.followers < rules.sellerMinFollowers) {
      reasons.push({
        code: 'not_enough_followers',
        message: `Sellers need ${rules.sellerMinFollowers} followers (you have ${facts.followers}).`,
      });
    }
    if (facts.spacesLast30Days < rules.sellerMinSpaces) {
      reasons.push({
        code: 'not_enough_spaces',
        message: `Sellers need to have hosted ${rules.sellerMinSpaces} spaces in the last 30 days (you hosted ${facts.spacesLast30Days}).`,
      });
    }
  }
  return { eligible: reasons.length === 0, reasons, needsBirthDate };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date 'YYYY-MM-DD' (not 2023-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Whole years from a birth date to a day, both 'YYYY-MM-DD' (a 29 February birthday turns on 1 March). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A birth date the seller may attest to: a real date, not in the future, at most 150 years ago. */
export function checkBirthDate(value: string, today: string): void {
  if (!isCalendarDate(value) || value > today || ageOn(value, today) > 150) {
    throw AppError.invalid('invalid_birth_date', 'Give your date of birth as YYYY-MM-DD.', {
      field: 'birth_date',
    });
  }
}

// ---- offers -----------------------------------------------------------------

export interface OfferInput {
  price_minor: number;
  count: number;
}

export function checkOfferLimits(
  input: OfferInput,
  limits: Pick<TicketSettings, 'priceMinMinor' | 'priceMaxMinor' | 'countMin' | 'countMax'>,
): void {
  if (input.price_minor < limits.priceMinMinor || input.price_minor > limits.priceMaxMinor) {
    throw AppError.invalid(
      'price_out_of_range',
      `A ticket costs from ${limits.priceMinMinor} to ${limits.priceMaxMinor} minor units.`,
      { min: limits.priceMinMinor, max: limits.priceMaxMinor },
    );
  }
  if (input.count < limits.countMin || input.count > limits.countMax) {
    throw AppError.invalid(
      'ticket_count_out_of_range',
      `A space sells from ${limits.countMin} to ${limits.countMax} tickets.`,
      { min: limits.countMin, max: limits.countMax },
    );
  }
}

/**
 * What may change on an offer once tickets are out (paid or held by a
 * checkout): the price is fixed and the count may only grow, never below the
 * seats taken.
 */
export function checkOfferEdit(
  current: { price_minor: number; count: number; taken: number },
  next: OfferInput,
): void {
  if (current.taken === 0) return;
  if (next.price_minor !== current.price_minor) {
    throw AppError.conflict(
      'tickets_already_sold',
      'Tickets are sold: the price can no longer change.',
    );
  }
  if (next.count < current.count) {
    throw AppError.conflict(
      'tickets_already_sold',
      'Tickets are sold: the number of tickets can only grow.',
    );
  }
}

/** When a scheduled ticketed space that never started is refunded. */
export function noShowAt(scheduledStart: number, graceMs: number): number {
  return scheduledStart + graceMs;
}
