import type { Storage } from '../db/database.js';
import type { SessionsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { assertStrongPassword } from './password-strength.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { AccountService } from './service.js';

/**
 * What a person does to keep their account theirs: change the password, see
 * where they are signed in, and sign those sessions out. API tokens are
 * managed beside it (`/auth/tokens`); they are meant for scripts and survive
 * a password change unless revoked.
 */
export class AccountSecurity {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly accounts: AccountService,
  ) {}

  private get db() {
    return this.storage.db;
  }

  /**
   * The current password is checked under the same per-account throttle as
   * sign-in (someone at an unlocked computer must not get unlimited guesses),
   * the new one by the registration rule. Other web sessions are signed out
   * unless the person chose to keep them; this one stays.
   */
  async changePassword(
    userId: string,
    currentSessionId: string,
    input: { current_password: string; new_password: string; sign_out_others: boolean },
  ): Promise<{ signed_out: number }> {
    const user = await this.accounts.getById(userId);
    const throttle = this.accounts.loginThrottle;
    await throttle.attempt(user.id, this.clock.now());
    if (!(await verifyPassword(input.current_password, user.password_hash))) {
      throw AppError.forbidden('wrong_password', 'The current password is not right.');
    }
    await throttle.succeeded(user.id);
    if (input.new_password === input.current_password) {
      throw AppError.invalid(
        'same_password',
        'The new password must be different from the current one.',
      );
    }
    assertStrongPassword(input.new_password, [user.handle, user.display_name]);
    const hash = await hashPassword(input.new_password);
    const signedOut = await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: hash })
        .where('id', '=', user.id)
        .execute();
      if (!input.sign_out_others) return 0;
      const result = await trx
        .deleteFrom('sessions')
        .where('user_id', '=', user.id)
        .where('kind', '=', 'web')
        .where('id', '!=', currentSessionId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    if (signedOut > 0) this.accounts.sessionsEnded?.(user.id);
    return { signed_out: signedOut };
  }

  /** Browsers signed in to this account, most recently used first; expired ones are left out. */
  listSessions(userId: string): Promise<SessionsTable[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('kind', '=', 'web')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.clock.now())]))
      .orderBy('last_used_at', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Signs one web session out, named by the prefix the list shows. */
  async revokeSession(userId: string, idPrefix: string): Promise<void> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('kind', '=', 'web')
      .where('id', 'like', `${idPrefix}%`)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw AppError.notFound('session');
    this.accounts.sessionsEnded?.(userId);
  }

  /** Every web session, this one included; with `tokens`, every API token too. */
  async signOutEverywhere(userId: string, tokens: boolean): Promise<{ signed_out: number }> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (!tokens) query = query.where('kind', '=', 'web');
    const result = await query.executeTakeFirst();
    this.accounts.sessionsEnded?.(userId);
    return { signed_out: Number(result.numDeletedRows) };
  }
}
