import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { SocialService } from '../social/service.js';
import type { SpaceState } from '../spaces/model.js';
import type { Clock } from '../util/clock.js';
import { offerOf } from './holders.js';
import {
  checkBirthDate,
  checkOfferEdit,
  checkOfferLimits,
  type Eligibility,
  eligibility,
  type OfferInput,
  utcDay,
} from './rules.js';
import type { TicketSettings } from './settings.js';

const DAY_MS = 24 * 3600_000;

export interface EligibilityAnswer extends Eligibility {
  limits: {
    min_price_minor: number;
    max_price_minor: number;
    min_count: number;
    max_count: number;
    currency: string;
  };
  provider: 'test' | 'stripe';
}

/**
 * The host's side: who may sell (facts read here, the rule in rules.ts), the
 * age attestation, admin grants and payout accounts, and the offer itself,
 * kept in `ticket_offers` beside the space (the space aggregate is untouched).
 */
export class Selling {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly settings: TicketSettings,
    private readonly social: SocialService,
    private readonly provider: () => 'test' | 'stripe',
    /** The offer was written or removed (no-show job planning). */
    private readonly offerChanged: (space: SpaceState) => Promise<void>,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async eligibility(user: UsersTable): Promise<EligibilityAnswer> {
    const now = this.clock.now();
    const seller = await this.db
      .selectFrom('ticket_sellers')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    const { followers } = await this.social.counts(user.id);
    const hosted = await this.db
      .selectFrom('spaces')
      .select(sql<number>`count(*)`.as('n'))
      .where('host_id', '=', user.id)
      .where('started_at', '>=', now - 30 * DAY_MS)
      .executeTakeFirst();
    const answer = eligibility(
      {
        role: user.role,
        birthDate: seller?.birth_date ?? null,
        followers,
        spacesLast30Days: Number(hosted?.n ?? 0),
        granted: seller?.granted === 1,
      },
      utcDay(now),
      this.settings,
    );
    return {
      ...answer,
      limits: {
        min_price_minor: this.settings.priceMinMinor,
        max_price_minor: this.settings.priceMaxMinor,
        min_count: this.settings.countMin,
        max_count: this.settings.countMax,
        currency: this.settings.currency,
      },
      provider: this.provider(),
    };
  }

  /** The 18+ attestation, stored once: a second, different date is refused. */
  async attestBirthDate(user: UsersTable, birthDate: string): Promise<EligibilityAnswer> {
    const now = this.clock.now();
    checkBirthDate(birthDate, utcDay(now));
    const existing = await this.sellerRow(user.id);
    if (existing?.birth_date && existing.birth_date !== birthDate) {
      throw AppError.conflict(
        'birth_date_already_set',
        'Your date of birth is already on file; ask an administrator to correct it.',
      );
    }
    await this.upsertSeller(user.id, { birth_date: birthDate });
    return this.eligibility(user);
  }

  /** An admin grants (or withdraws) selling, and sets the host's Stripe connected account. */
  async adminUpdate(
    adminId: string,
    userId: string,
    change: { granted?: boolean; stripe_account_id?: string | null },
  ): Promise<{ granted: boolean; stripe_account_id: string | null }> {
    const user = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw AppError.notFound('user');
    await this.upsertSeller(userId, {
      ...(change.granted === undefined
        ? {}
        : { granted: change.granted ? 1 : 0, granted_by: change.granted ? adminId : null }),
      ...(change.stripe_account_id === undefined
        ? {}
        : { stripe_account_id: change.stripe_account_id }),
    });
    const row = await this.sellerRow(userId);
    return { granted: row?.granted === 1, stripe_account_id: row?.stripe_account_id ?? null };
  }

  sellerRow(userId: string) {
    return this.db
      .selectFrom('ticket_sellers')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  private async upsertSeller(
    userId: string,
    values: Partial<{
      birth_date: string;
      granted: number;
      granted_by: string | null;
      stripe_account_id: string | null;
    }>,
  ): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insertInto('ticket_sellers')
      .values({
        user_id: userId,
        birth_date: values.birth_date ?? null,
        granted: values.granted ?? 0,
        granted_by: values.granted_by ?? null,
        stripe_account_id: values.stripe_account_id ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values, updated_at: now }))
      .execute();
  }

  // ---- the offer ------------------------------------------------------------------

  /** What may be offered by this person at all: eligible, and within the instance's limits. */
  async checkMayOffer(user: UsersTable, input: OfferInput): Promise<void> {
    const answer = await this.eligibility(user);
    if (!answer.eligible) {
      throw new AppError(
        'forbidden',
        'ticketing_not_allowed',
        answer.reasons.map((r) => r.message).join(' '),
        { details: { reasons: answer.reasons } },
      );
    }
    checkOfferLimits(input, this.settings);
  }

  /** Sets or edits a space's offer (its host, before it starts). */
  async setOffer(user: UsersTable, space: SpaceState, input: OfferInput): Promise<void> {
    this.checkHostBeforeStart(user, space);
    await this.checkMayOffer(user, input);
    await this.writeOffer(space, input);
  }

  /**
   * Writes the offer; the edit rule is checked in the same transaction as the
   * write, against counts locked there, so a sale racing an edit cannot slip by.
   */
  async writeOffer(space: SpaceState, input: OfferInput): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const locked = await trx
        .updateTable('ticket_offers')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('space_id', '=', space.id)
        .executeTakeFirst();
      const current =
        Number(locked.numUpdatedRows) === 1
          ? await trx
              .selectFrom('ticket_offers')
              .selectAll()
              .where('space_id', '=', space.id)
              .executeTakeFirstOrThrow()
          : null;
      if (current) {
        checkOfferEdit(
          {
            price_minor: current.price_minor,
            count: current.count,
            taken: current.sold + current.held,
          },
          input,
        );
        await trx
          .updateTable('ticket_offers')
          .set({ price_minor: input.price_minor, count: input.count, updated_at: now })
          .where('space_id', '=', space.id)
          .execute();
      } else {
        await trx
          .insertInto('ticket_offers')
          .values({
            space_id: space.id,
            host_id: space.host_id,
            price_minor: input.price_minor,
            currency: this.settings.currency,
            count: input.count,
            sold: 0,
            held: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    });
    await this.offerChanged(space);
  }

  /** Removes the offer: only before the first sale (a checkout in progress counts). */
  async removeOffer(user: UsersTable, space: SpaceState): Promise<void> {
    this.checkHostBeforeStart(user, space);
    const result = await this.db
      .deleteFrom('ticket_offers')
      .where('space_id', '=', space.id)
      .where('sold', '=', 0)
      .where('held', '=', 0)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 1) {
      // Refunded and abandoned tickets of the old offer stay as records; none is paid.
      await this.offerChanged(space);
      return;
    }
    const offer = await offerOf(this.db, space.id);
    if (!offer) throw AppError.invalid('space_not_ticketed', 'This space does not sell tickets.');
    throw AppError.conflict(
      'tickets_already_sold',
      'Tickets are sold or being bought: the offer can no longer be removed.',
    );
  }

  private checkHostBeforeStart(user: UsersTable, space: SpaceState): void {
    if (space.host_id !== user.id) {
      throw AppError.forbidden('not_host', 'Only the host can set the tickets of a space.');
    }
    if (space.state === 'live') {
      throw AppError.conflict(
        'space_already_started',
        'The space has started: its tickets can no longer change.',
      );
    }
    if (space.state !== 'scheduled') {
      throw AppError.conflict('space_ended', `This space has ${space.state}.`);
    }
  }
}
