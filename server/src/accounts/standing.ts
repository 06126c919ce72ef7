import { performance } from 'node:perf_hooks';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Viewer } from './viewer.js';

/**
 * Whether the session behind an open connection still stands: its account
 * not suspended, the session not signed out or revoked. A WebSocket's viewer
 * is read once, at the handshake; this is what every later message is checked
 * against.
 *
 * One small read per session, kept `ttlMs`; an account event on the bus (an
 * `account_changed` notice, bus/user-channel.ts) drops a user's entries at once on every node that holds
 * their connections, so a suspension is seen at the next message, not at the
 * end of the TTL. The TTL only bounds how long a lost bus message (a Redis
 * outage) could keep a suspended session going.
 */
export class AccountStanding {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly storage: Storage,
    private readonly ttlMs = 60_000,
  ) {}

  /** The refusal for this viewer, or null while it stands. Guests and anonymous viewers always stand. */
  async refusal(viewer: Viewer, now: number): Promise<AppError | null> {
    if (viewer.kind !== 'user' || viewer.sessionId === '') return null;
    const at = performance.now();
    let entry = this.entries.get(viewer.sessionId);
    if (!entry || at - entry.at > this.ttlMs) {
      entry = { userId: viewer.user.id, at, verdict: this.read(viewer.sessionId, now) };
      this.entries.set(viewer.sessionId, entry);
      // A failed read is not remembered: the next message asks again.
      entry.verdict.catch(() => this.entries.delete(viewer.sessionId));
      this.sweep(at);
    }
    return entry.verdict;
  }

  /** Forgets what is known of a user's sessions (their account changed). */
  invalidate(userId: string): void {
    for (const [sessionId, entry] of this.entries) {
      if (entry.userId === userId) this.entries.delete(sessionId);
    }
  }

  private async read(sessionId: string, now: number): Promise<AppError | null> {
    const row = await this.storage.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.suspended_at', 'sessions.expires_at'])
      .where('sessions.id', '=', sessionId)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= now)) {
      return new AppError(
        'unauthenticated',
        'session_ended',
        'You were signed out; sign in again.',
      );
    }
    if (row.suspended_at !== null) {
      return AppError.forbidden('account_suspended', 'This account is suspended.');
    }
    return null;
  }

  private sweep(at: number): void {
    if (this.entries.size < 10_000) return;
    for (const [sessionId, entry] of this.entries) {
      if (at - entry.at > this.ttlMs) this.entries.delete(sessionId);
    }
  }
}

interface Entry {
  userId: string;
  at: number;
  verdict: Promise<AppError | null>;
}
