import { NOTICES, type Notice } from '@salon/protocol';
import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { HostingRequestsTable, Role, UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { NotificationCenter } from '../notifications/center.js';
import type { SocialService } from '../social/service.js';
import { mayHost } from '../spaces/policy.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import {
  adminOnly,
  hostingRequestRefusal,
  isStaff,
  moderatorsOnly,
  type Person,
  roleChangeRefusal,
} from './rules.js';

export interface PersonRow {
  user: UsersTable;
  followers: number;
  owner: boolean;
}

export interface Eligibility {
  mayHost: boolean;
  /** Why they may: admin, granted by an admin, or enough followers. */
  because: 'admin' | 'granted' | 'followers' | null;
  followers: number;
  minFollowers: number;
  /** Their latest request to host, if any. */
  request: HostingRequestsTable | null;
}

/**
 * The admin console's own work: people search for staff, roles, hosting
 * grants and requests, and the first admin's notice. Every decision goes into
 * the moderation log with who and when, as moderation decisions do.
 */
export class AdminService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly social: SocialService,
    private readonly o: {
      hostMinFollowers: () => number;
      notifications: NotificationCenter | null;
    },
  ) {}

  private get db() {
    return this.storage.db;
  }

  private async log(
    actorId: string,
    action: string,
    subjectType: 'user' | 'hosting_request',
    subjectId: string,
    note: string,
  ) {
    const now = this.clock.now();
    await this.db
      .insertInto('moderation_log')
      .values({
        id: newId(now),
        actor_id: actorId,
        action,
        subject_type: subjectType,
        subject_id: subjectId,
        note,
        created_at: now,
      })
      .execute();
  }

  async ownerId(): Promise<string | null> {
    const row = await this.db
      .selectFrom('server_settings')
      .select('value')
      .where('key', '=', 'first_admin')
      .executeTakeFirst();
    return row?.value ?? null;
  }

  async person(user: UsersTable): Promise<Person> {
    return { id: user.id, role: user.role, owner: (await this.ownerId()) === user.id };
  }

  // ---- people ------------------------------------------------------------------

  /** Staff search people by handle or name (newest first), suspended and staff included. */
  async search(
    staff: UsersTable,
    q: string,
    limit: number,
    before: string | null,
  ): Promise<PersonRow[]> {
    if (!isStaff(staff.role)) throw moderatorsOnly();
    let query = this.db
      .selectFrom('users')
      .selectAll('users')
      .select((eb) =>
        eb
          .selectFrom('follows')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('follows.followee_id', '=', 'users.id')
          .as('followers'),
      )
      .orderBy('users.id', 'desc')
      .limit(limit);
    const words = q.trim().toLowerCase();
    if (words) {
      // LIKE with its wildcards escaped: a search for "50%" finds "50%", not everyone.
      const pattern = `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('users.handle_lower', 'like', sql<string>`${pattern} escape '\\'`),
          eb(sql`lower(users.display_name)`, 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    if (before) query = query.where('users.id', '<', before);
    const rows = await query.execute();
    const owner = await this.ownerId();
    return rows.map(({ followers, ...user }) => ({
      user: user as UsersTable,
      followers: Number(followers ?? 0),
      owner: user.id === owner,
    }));
  }

  async personRow(userId: string): Promise<PersonRow> {
    const user = await this.social.requireUser(userId);
    const { followers } = await this.social.counts(userId);
    return { user, followers, owner: (await this.ownerId()) === userId };
  }

  async setRole(admin: UsersTable, userId: string, role: Role): Promise<PersonRow> {
    const target = await this.social.requireUser(userId);
    const refusal = roleChangeRefusal(await this.person(admin), await this.person(target), role);
    if (refusal) throw refusal;
    if (target.role !== role) {
      await this.db.updateTable('users').set({ role }).where('id', '=', userId).execute();
      await this.log(admin.id, 'role_changed', 'user', userId, role);
    }
    return this.personRow(userId);
  }

  /** Grants or withdraws hosting; a grant answers the person's open request too. */
  async setHosting(admin: UsersTable, userId: string, canHost: boolean): Promise<PersonRow> {
    if (admin.role !== 'admin') throw adminOnly();
    const target = await this.social.requireUser(userId);
    if ((target.can_host === 1) !== canHost) {
      await this.db
        .updateTable('users')
        .set({ can_host: canHost ? 1 : 0 })
        .where('id', '=', userId)
        .execute();
      await this.log(
        admin.id,
        canHost ? 'hosting_granted' : 'hosting_withdrawn',
        'user',
        userId,
        '',
      );
    }
    if (canHost) {
      const open = await this.openRequest(userId);
      if (open) await this.decide(admin, open.id, 'grant', '');
    }
    return this.personRow(userId);
  }

  // ---- hosting eligibility and requests ----------------------------------------

  async eligibility(user: UsersTable): Promise<Eligibility> {
    const { followers } = await this.social.counts(user.id);
    const minFollowers = this.o.hostMinFollowers();
    const decision = mayHost(
      { followers, canHost: user.can_host === 1, role: user.role },
      minFollowers,
    );
    const because = !decision.ok
      ? null
      : user.role === 'admin'
        ? 'admin'
        : user.can_host === 1
          ? 'granted'
          : 'followers';
    const request = await this.db
      .selectFrom('hosting_requests')
      .selectAll()
      .where('user_id', '=', user.id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return { mayHost: decision.ok, because, followers, minFollowers, request: request ?? null };
  }

  private async openRequest(userId: string) {
    return this.db
      .selectFrom('hosting_requests')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', '=', 'open')
      .executeTakeFirst();
  }

  async fileRequest(user: UsersTable, message: string): Promise<HostingRequestsTable> {
    const facts = await this.eligibility(user);
    const refusal = hostingRequestRefusal({
      mayHost: facts.mayHost,
      openRequest: facts.request?.status === 'open',
    });
    if (refusal) throw refusal;
    const now = this.clock.now();
    const row: HostingRequestsTable = {
      id: newId(now),
      user_id: user.id,
      message: message.trim(),
      status: 'open',
      created_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: '',
    };
    try {
      await this.db.insertInto('hosting_requests').values(row).execute();
    } catch (error) {
      // Two requests at once: the unique index on open requests lets one through.
      if (await this.openRequest(user.id))
        throw hostingRequestRefusal({ mayHost: false, openRequest: true })!;
      throw error;
    }
    return row;
  }

  async requests(
    admin: UsersTable,
    status: HostingRequestsTable['status'],
    limit: number,
  ): Promise<Array<HostingRequestsTable & { person: PersonRow }>> {
    if (admin.role !== 'admin') throw adminOnly();
    const rows = await this.db
      .selectFrom('hosting_requests')
      .selectAll()
      .where('status', '=', status)
      // Open requests oldest first (a queue); answered ones newest first (a history).
      .orderBy('id', status === 'open' ? 'asc' : 'desc')
      .limit(limit)
      .execute();
    return Promise.all(rows.map(async (r) => ({ ...r, person: await this.personRow(r.user_id) })));
  }

  /** Answers an open request; the person is notified either way. */
  async decide(
    admin: UsersTable,
    requestId: string,
    action: 'grant' | 'decline',
    note: string,
  ): Promise<HostingRequestsTable> {
    if (admin.role !== 'admin') throw adminOnly();
    const now = this.clock.now();
    const status = action === 'grant' ? 'granted' : 'declined';
    const result = await this.db
      .updateTable('hosting_requests')
      .set({ status, decided_by: admin.id, decided_at: now, decision_note: note.trim() })
      .where('id', '=', requestId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    const row = await this.db
      .selectFrom('hosting_requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirst();
    if (!row) throw AppError.notFound('hosting_request');
    if (Number(result.numUpdatedRows) === 0)
      throw AppError.conflict('hosting_request_decided', `This request was already ${row.status}.`);
    if (status === 'granted')
      await this.db
        .updateTable('users')
        .set({ can_host: 1 })
        .where('id', '=', row.user_id)
        .execute();
    await this.log(
      admin.id,
      `hosting_request_${status}`,
      'hosting_request',
      requestId,
      note.trim(),
    );
    await this.o.notifications?.deliver([
      {
        key: `hosting_request:${requestId}`,
        input: {
          userId: row.user_id,
          kind: status === 'granted' ? 'hosting_granted' : 'hosting_declined',
          actorId: admin.id,
        },
      },
    ]);
    return row;
  }

  // ---- notices -----------------------------------------------------------------

  async notices(user: UsersTable): Promise<Notice[]> {
    if ((await this.ownerId()) !== user.id) return [];
    const dismissed = await this.db
      .selectFrom('dismissed_notices')
      .select('notice')
      .where('user_id', '=', user.id)
      .execute();
    const gone = new Set(dismissed.map((d) => d.notice));
    return NOTICES.filter((n) => !gone.has(n));
  }

  async dismiss(user: UsersTable, notice: Notice): Promise<void> {
    await this.db
      .insertInto('dismissed_notices')
      .values({ user_id: user.id, notice, dismissed_at: this.clock.now() })
      .onConflict((oc) => oc.columns(['user_id', 'notice']).doNothing())
      .execute();
  }
}
