import { type Env, envReader } from '../util/env.js';

/**
 * Ticketed spaces' instance settings, read with the rest of the configuration
 * (config.ts) and validated with it. Amounts are integer minor units (cents) of
 * the one instance currency. Defaults are X's Ticketed Spaces: $1–$999, 5–100
 * tickets, 3 % of a host's lifetime ticket revenue up to $50,000 and 20 % beyond,
 * hosts 18+ with 1,000 followers and 3 spaces hosted in the last 30 days.
 */
export interface TicketSettings {
  priceMinMinor: number;
  priceMaxMinor: number;
  countMin: number;
  countMax: number;
  /** ISO 4217, lower case (Stripe's spelling). */
  currency: string;
  /** The platform's fee below the threshold, in basis points (300 = 3 %). */
  feeBps: number;
  /** The fee on the part of a host's lifetime gross beyond the threshold. */
  feeHighBps: number;
  thresholdMinor: number;
  sellerMinFollowers: number;
  /** Spaces hosted (gone live) in the last 30 days. */
  sellerMinSpaces: number;
  sellerMinAge: number;
  /** A scheduled ticketed space not started this long after its time is refunded. */
  noShowGraceMs: number;
  /** How long a pending checkout keeps its seat (the test provider; Stripe keeps at least 31 min). */
  holdMs: number;
  /** Both set: payments go through Stripe; neither: the built-in test provider. */
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | null } | null;
}

export function readTicketSettings(env: Env, problems: string[]): TicketSettings {
  const { int } = envReader(env, problems);
  const settings: TicketSettings = {
    priceMinMinor: int('TICKET_PRICE_MIN_MINOR', 100, 1, 100_000_000),
    priceMaxMinor: int('TICKET_PRICE_MAX_MINOR', 99_900, 1, 100_000_000),
    countMin: int('TICKET_COUNT_MIN', 5, 1, 1_000_000),
    countMax: int('TICKET_COUNT_MAX', 100, 1, 1_000_000),
    currency: (env['TICKET_CURRENCY']?.trim() || 'usd').toLowerCase(),
    feeBps: int('TICKET_FEE_BPS', 300, 0, 10_000),
    feeHighBps: int('TICKET_FEE_HIGH_BPS', 2000, 0, 10_000),
    thresholdMinor: int('TICKET_FEE_THRESHOLD_MINOR', 5_000_000, 0, 1_000_000_000_000),
    sellerMinFollowers: int('TICKET_SELLER_MIN_FOLLOWERS', 1000, 0, 1_000_000_000),
    sellerMinSpaces: int('TICKET_SELLER_MIN_SPACES', 3, 0, 10_000),
    sellerMinAge: int('TICKET_SELLER_MIN_AGE', 18, 0, 150),
    noShowGraceMs: int('TICKET_NO_SHOW_GRACE_MINUTES', 60, 1, 7 * 24 * 60) * 60_000,
    holdMs: int('TICKET_HOLD_MINUTES', 10, 1, 24 * 60) * 60_000,
    stripe: null,
  };
  if (!/^[a-z]{3}$/.test(settings.currency)) {
    problems.push(
      `TICKET_CURRENCY must be a three-letter currency code (got "${settings.currency}")`,
    );
  }
  if (settings.priceMinMinor > settings.priceMaxMinor) {
    problems.push('TICKET_PRICE_MIN_MINOR must not be above TICKET_PRICE_MAX_MINOR');
  }
  if (settings.countMin > settings.countMax) {
    problems.push('TICKET_COUNT_MIN must not be above TICKET_COUNT_MAX');
  }
  const secretKey = env['STRIPE_SECRET_KEY']?.trim() ?? '';
  const webhookSecret = env['STRIPE_WEBHOOK_SECRET']?.trim() ?? '';
  if (secretKey !== '' && webhookSecret !== '') {
    if (!/^(sk|rk)_/.test(secretKey)) {
      problems.push('STRIPE_SECRET_KEY must be a secret or restricted key (sk_… or rk_…)');
    }
    if (!webhookSecret.startsWith('whsec_')) {
      problems.push('STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)');
    }
    // Another API base: a proxy in front of Stripe, or a local server in tests.
    const apiUrl = env['STRIPE_API_URL']?.trim() || null;
    if (apiUrl && !/^https?:\/\/[^/]+\/?$/.test(apiUrl)) {
      problems.push(`STRIPE_API_URL must be an http(s) origin (got "${apiUrl}")`);
    }
    settings.stripe = { secretKey, webhookSecret, apiUrl };
  } else if (secretKey !== '' || webhookSecret !== '') {
    problems.push('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together');
  }
  return settings;
}
