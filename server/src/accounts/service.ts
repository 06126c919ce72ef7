import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { MediaBlobsTable, UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import type { GuestTokens } from './guests.js';
import { type ImageType, sniffImageType } from './images.js';
import { LoginThrottle } from './login-throttle.js';
import { assertStrongPassword } from './password-strength.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import { createSession, deleteSession, findSession, SESSION_PREFIX } from './sessions.js';
import type { Viewer } from './viewer.js';

const DAY_MS = 24 * 3600 * 1000;

export class AccountService {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    /** Config's SESSION_TTL_DAYS and AVATAR_MAX_BYTES. */
    private readonly config: { sessionTtlDays: number; avatarMaxBytes: number },
    readonly guests: GuestTokens,
  ) {
    this.throttle = new LoginThrottle(storage.db);
  }

  private get db() {
    return this.storage.db;
  }

  async register(
    input: { handle: string; display_name: string; password: string },
    userAgent: string | null = null,
  ) {
    assertStrongPassword(input.password, [input.handle, input.display_name]);
    const now = this.clock.now();
    const passwordHash = await hashPassword(input.password);
    const user: UsersTable = {
      id: newId(now),
      handle: input.handle,
      handle_lower: input.handle.toLowerCase(),
      display_name: input.display_name.trim() || input.handle,
      bio: '',
      avatar_key: null,
      password_hash: passwordHash,
      role: 'user',
      can_host: 0,
      suspended_at: null,
      created_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(user).execute();
        // The first account of an instance administers it. The marker row
        // makes that true even when two registrations race on a new instance.
        const claim = await trx
          .insertInto('server_settings')
          .values({ key: 'first_admin', value: user.id })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (Number(claim.numInsertedOrUpdatedRows ?? 0) === 1) {
          user.role = 'admin';
          await trx.updateTable('users').set({ role: 'admin' }).where('id', '=', user.id).execute();
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw AppError.conflict('handle_taken', `The handle @${input.handle} is taken.`);
      }
      throw error;
    }
    const { token } = await this.startWebSession(user.id, now, userAgent);
    return { user, token };
  }

  async login(handle: string, password: string, userAgent: string | null = null) {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('handle_lower', '=', handle.toLowerCase())
      .executeTakeFirst();
    // Counted before the check, whichever address it comes from (login and /auth/tokens alike).
    if (user) await this.throttle.attempt(user.id, this.clock.now());
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) {
      throw new AppError('unauthenticated', 'invalid_credentials', 'Wrong handle or password.');
    }
    await this.throttle.succeeded(user.id);
    assertNotSuspended(user);
    const { token } = await this.startWebSession(user.id, this.clock.now(), userAgent);
    return { user, token };
  }

  private startWebSession(userId: string, now: number, userAgent: string | null) {
    return createSession(this.db, {
      userId,
      kind: 'web',
      now,
      ttlMs: this.config.sessionTtlDays * DAY_MS,
      userAgent,
    });
  }

  logout(sessionId: string): Promise<void> {
    return deleteSession(this.db, sessionId);
  }

  async createApiToken(userId: string, name: string, userAgent: string | null = null) {
    return createSession(this.db, {
      userId,
      kind: 'api',
      name,
      now: this.clock.now(),
      ttlMs: null,
      userAgent,
    });
  }

  listApiTokens(userId: string) {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('kind', '=', 'api')
      .orderBy('created_at', 'desc')
      .execute();
  }

  async revokeApiToken(userId: string, idPrefix: string): Promise<void> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('kind', '=', 'api')
      .where('id', 'like', `${idPrefix}%`)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw AppError.notFound('token');
    this.sessionsEnded?.(userId);
  }

  /**
   * Told whenever sessions of a user are deleted (a token revoked, a session
   * signed out elsewhere): open WebSockets of those sessions must close.
   */
  sessionsEnded: ((userId: string) => void) | null = null;

  /** The throttle password checks share (sign-in, tokens, changing the password). */
  get loginThrottle(): LoginThrottle {
    return this.throttle;
  }

  /** Resolves a bearer token or cookie to a viewer; null when the token is not valid. */
  async authenticate(token: string): Promise<Viewer | null> {
    const now = this.clock.now();
    if (token.startsWith(SESSION_PREFIX)) {
      const session = await findSession(this.db, token, now);
      if (!session) return null;
      const user = await this.findById(session.user_id);
      if (!user) return null;
      assertNotSuspended(user);
      return { kind: 'user', user, sessionId: session.id };
    }
    const guest = this.guests.verify(token, now);
    return guest ? { kind: 'guest', guestId: guest.guestId } : null;
  }

  issueGuest() {
    return this.guests.issue(this.clock.now());
  }

  findById(id: string): Promise<UsersTable | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getById(id: string): Promise<UsersTable> {
    const user = await this.findById(id);
    if (!user) throw AppError.notFound('user');
    return user;
  }

  async getByHandle(handle: string): Promise<UsersTable> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('handle_lower', '=', handle.toLowerCase())
      .executeTakeFirst();
    if (!user) throw AppError.notFound('user');
    return user;
  }

  async updateProfile(userId: string, patch: { display_name?: string; bio?: string }) {
    const changes: Partial<UsersTable> = {};
    if (patch.display_name !== undefined) {
      const name = patch.display_name.trim();
      if (!name)
        throw AppError.invalid('invalid_display_name', 'The display name cannot be blank.');
      changes.display_name = name;
    }
    if (patch.bio !== undefined) changes.bio = patch.bio.trim();
    await this.db.updateTable('users').set(changes).where('id', '=', userId).execute();
    return this.getById(userId);
  }

  async setAvatar(userId: string, claimedType: string, bytes: Buffer) {
    const actual = sniffImageType(bytes);
    if (!actual) {
      throw new AppError(
        'unsupported_media',
        'unsupported_image',
        'The avatar must be a PNG, JPEG, WebP or GIF image.',
      );
    }
    if (actual !== claimedType) {
      throw AppError.invalid(
        'image_type_mismatch',
        `The file is ${actual}, but was sent as ${claimedType}.`,
      );
    }
    const now = this.clock.now();
    const key = newId(now);
    await this.replaceAvatar(userId, { key, content_type: actual, bytes, created_at: now });
    return this.getById(userId);
  }

  async clearAvatar(userId: string) {
    await this.replaceAvatar(userId, null);
    return this.getById(userId);
  }

  /** Points the user at a new avatar blob (or none) and deletes the one it replaces, in one transaction. */
  private async replaceAvatar(
    userId: string,
    blob: Omit<MediaBlobsTable, 'owner_id'> | null,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('users')
        .select('avatar_key')
        .where('id', '=', userId)
        .executeTakeFirst();
      if (blob)
        await trx
          .insertInto('media_blobs')
          .values({ ...blob, owner_id: userId })
          .execute();
      await trx
        .updateTable('users')
        .set({ avatar_key: blob?.key ?? null })
        .where('id', '=', userId)
        .execute();
      if (previous?.avatar_key)
        await trx.deleteFrom('media_blobs').where('key', '=', previous.avatar_key).execute();
    });
  }

  async getAvatar(key: string): Promise<{ contentType: ImageType; bytes: Buffer }> {
    const blob = await this.db
      .selectFrom('media_blobs')
      .select(['content_type', 'bytes'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!blob) throw AppError.notFound('avatar');
    return { contentType: blob.content_type as ImageType, bytes: Buffer.from(blob.bytes) };
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function assertNotSuspended(user: UsersTable): void {
  if (user.suspended_at !== null) {
    throw AppError.forbidden('account_suspended', 'This account is suspended.');
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
