import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';

/**
 * Password guesses against one account, counted wherever they come from.
 * The per-address limits stop one machine; this stops many machines aiming
 * at one account. It lives in the database so every node sees one count.
 */
export interface ThrottlePolicy {
  /** Attempts allowed before the first lockout. */
  freeAttempts: number;
  /** The first lockout; each further attempt doubles it. */
  baseLockMs: number;
  /** The longest lockout: an attacker can delay a person, never lock them out for long. */
  maxLockMs: number;
  /** A count older than this starts again from zero. */
  forgetAfterMs: number;
}

export const LOGIN_THROTTLE: ThrottlePolicy = {
  freeAttempts: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
};

export interface ThrottleState {
  failures: number;
  lockedUntil: number;
  updatedAt: number;
}

export type AttemptDecision =
  | { allowed: false; retryAfterMs: number }
  | { allowed: true; next: ThrottleState };

/** How long the account stays locked once `failures` attempts (the latest included) have failed. */
export function lockFor(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeAttempts) return 0;
  const doublings = Math.min(failures - policy.freeAttempts, 30);
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** doublings);
}

/**
 * The pure rule. An attempt is refused while the account is locked (and does
 * not count, so hammering a locked account does not lengthen the lock). An
 * allowed attempt is counted as a failure *before* the password is checked,
 * and the lock it would cause is set at once: attempts sent in parallel
 * cannot all slip in before the first one fails. Success then clears it all.
 */
export function decideAttempt(
  state: ThrottleState | null,
  now: number,
  policy: ThrottlePolicy = LOGIN_THROTTLE,
): AttemptDecision {
  const current =
    state && now - state.updatedAt < policy.forgetAfterMs
      ? state
      : { failures: 0, lockedUntil: 0, updatedAt: now };
  if (current.lockedUntil > now) return { allowed: false, retryAfterMs: current.lockedUntil - now };
  const failures = current.failures + 1;
  const lock = lockFor(failures, policy);
  return {
    allowed: true,
    next: { failures, lockedUntil: lock > 0 ? now + lock : 0, updatedAt: now },
  };
}

export function tooManyAttempts(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    'rate_limited',
    'too_many_attempts',
    `Too many sign-in attempts for this account. Try again in ${seconds} s.`,
    { details: { retry_after: seconds } },
  );
}

/** The rule applied to the `login_throttle` table with compare-and-set, so concurrent nodes agree. */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: ThrottlePolicy = LOGIN_THROTTLE,
  ) {}

  /** Records an attempt on the account, or throws `too_many_attempts` while it is locked. */
  async attempt(userId: string, now: number): Promise<void> {
    for (let round = 0; round < 20; round += 1) {
      const row = await this.db
        .selectFrom('login_throttle')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const state = row
        ? {
            failures: Number(row.failures),
            lockedUntil: Number(row.locked_until),
            updatedAt: Number(row.updated_at),
          }
        : null;
      const decision = decideAttempt(state, now, this.policy);
      if (!decision.allowed) throw tooManyAttempts(decision.retryAfterMs);
      const { next } = decision;
      const values = {
        failures: next.failures,
        locked_until: next.lockedUntil,
        updated_at: next.updatedAt,
      };
      if (!row) {
        const inserted = await this.db
          .insertInto('login_throttle')
          .values({ user_id: userId, ...values })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return;
        continue;
      }
      // Only if nobody counted an attempt since we read: else read again and decide again.
      const updated = await this.db
        .updateTable('login_throttle')
        .set(values)
        .where('user_id', '=', userId)
        .where('failures', '=', row.failures)
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return;
    }
    // Contended beyond reason: many attempts at once on one account; refuse this one.
    throw tooManyAttempts(this.policy.baseLockMs);
  }

  /** A correct password: the count starts again. */
  async succeeded(userId: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('user_id', '=', userId).execute();
  }
}
