import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ListOf, MyTicketDto, PaidTicketDto } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { IdParams } from '../accounts/schemas.js';
import { AppError } from '../errors.js';
import { rateLimits } from '../http/limits.js';
import { Ok } from '../http/responses.js';
import { requireAdmin, requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { SpaceDto, SpaceParams } from '../spaces/schemas.js';
import {
  AdminSummaryDto,
  CheckoutDto,
  CheckoutParams,
  EligibilityDto,
  PayoutBody,
  PayoutDto,
  SalesDto,
  SellerBody,
  SellerGrantBody,
  SellerGrantDto,
  TicketDto,
  TicketingBody,
  TicketParams,
} from './schemas.js';

const tags = ['tickets'];

const eligibilityDto = (e: Awaited<ReturnType<Services['tickets']['selling']['eligibility']>>) => ({
  eligible: e.eligible,
  reasons: e.reasons,
  needs_birth_date: e.needsBirthDate,
  limits: e.limits,
  provider: e.provider,
});

/** Ticketed spaces: selling, buying, the host's sales, the admin's ledger and payouts. */
export function ticketRoutes(
  services: Pick<Services, 'config' | 'tickets'>,
): FastifyPluginAsyncTypebox {
  const { tickets } = services;
  const write = rateLimits(services.config).write;

  return async (app) => {
    // ---- selling ------------------------------------------------------------------
    app.get(
      '/tickets/eligibility',
      {
        schema: {
          tags,
          summary: 'Whether you may sell tickets, why not, and the limits',
          response: { 200: EligibilityDto },
        },
      },
      async (request) => eligibilityDto(await tickets.selling.eligibility(requireUser(request))),
    );
    app.put(
      '/tickets/seller',
      {
        ...write,
        schema: {
          tags,
          summary: 'Attest your date of birth (sellers are of age); stored once',
          body: SellerBody,
          response: { 200: EligibilityDto },
        },
      },
      async (request) =>
        eligibilityDto(
          await tickets.selling.attestBirthDate(requireUser(request), request.body.birth_date),
        ),
    );
    app.put(
      '/spaces/:id/ticketing',
      {
        ...write,
        schema: {
          tags,
          summary:
            'Set or edit the tickets of your space (before it starts; after a sale the price is fixed and the count only grows)',
          params: SpaceParams,
          body: TicketingBody,
          response: { 200: SpaceDto },
        },
      },
      (request) => tickets.setOffer(requireUser(request), request.params.id, request.body),
    );
    app.delete(
      '/spaces/:id/ticketing',
      {
        ...write,
        schema: {
          tags,
          summary: 'Stop selling tickets (only before the first sale)',
          params: SpaceParams,
          response: { 200: SpaceDto },
        },
      },
      (request) => tickets.removeOffer(requireUser(request), request.params.id),
    );

    // ---- buying -------------------------------------------------------------------
    app.post(
      '/spaces/:id/tickets',
      {
        ...write,
        schema: {
          tags,
          summary: 'Buy a ticket: starts a checkout that holds a seat for a few minutes',
          params: SpaceParams,
          response: { 200: CheckoutDto },
        },
      },
      async (request) => ({ checkout: await tickets.checkout(request.viewer, request.params.id) }),
    );
    app.post(
      '/tickets/test-checkouts/:id/pay',
      {
        ...write,
        schema: {
          tags,
          summary: 'Pay a checkout of the built-in test provider (no money moves)',
          params: CheckoutParams,
          response: { 200: PaidTicketDto },
        },
      },
      async (request) => ({
        ticket: await tickets.payTest(requireUser(request), request.params.id),
      }),
    );
    app.post(
      '/tickets/test-checkouts/:id/cancel',
      {
        ...write,
        schema: {
          tags,
          summary: 'Abandon a test checkout: its seat goes back on sale',
          params: CheckoutParams,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await tickets.cancelTest(requireUser(request), request.params.id);
        return { ok: true };
      },
    );
    app.get(
      '/spaces/:id/tickets/mine',
      {
        schema: {
          tags,
          summary: 'Your ticket to this space, if any',
          params: SpaceParams,
          response: { 200: MyTicketDto },
        },
      },
      async (request) => ({ ticket: await tickets.mine(request.viewer, request.params.id) }),
    );
    app.get(
      '/me/tickets',
      {
        schema: {
          tags,
          summary: 'Your tickets, newest first, with their spaces',
          response: { 200: ListOf(TicketDto) },
        },
      },
      async (request) => ({ data: await tickets.myTickets(requireUser(request)) }),
    );

    // ---- the host's sales ---------------------------------------------------------------
    app.get(
      '/me/sales',
      {
        schema: {
          tags,
          summary: 'Your ticket sales and payouts: gross, fee, net, pending and available',
          response: { 200: SalesDto },
        },
      },
      (request) => tickets.sales(requireUser(request)),
    );

    // ---- admin ------------------------------------------------------------------------
    app.get(
      '/admin/tickets/summary',
      {
        schema: {
          tags,
          summary: 'Platform ticket totals, and what each host is owed (admins)',
          response: { 200: AdminSummaryDto },
        },
      },
      (request) => {
        requireAdmin(request);
        return tickets.adminSummary();
      },
    );
    app.get(
      '/admin/tickets/ledger.csv',
      {
        schema: {
          tags,
          summary: 'Every ledger entry as CSV (admins)',
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="salon-ledger.csv"')
          .send(await tickets.reports.csv());
      },
    );
    app.post(
      '/admin/tickets/payouts',
      {
        ...write,
        schema: {
          tags,
          summary: "Pay out a host's balance (test provider: mark paid; Stripe: a transfer)",
          body: PayoutBody,
          response: { 200: PayoutDto },
        },
      },
      async (request) => {
        requireAdmin(request);
        return { payout: await tickets.payout(request.body.host_id) };
      },
    );
    app.post(
      '/admin/tickets/:ticketId/refund',
      {
        ...write,
        schema: {
          tags,
          summary: 'Refund one buyer (admins)',
          params: TicketParams,
          response: { 200: TicketDto },
        },
      },
      (request) => {
        requireAdmin(request);
        return tickets.adminRefund(request.params.ticketId);
      },
    );
    app.put(
      '/admin/users/:id/ticketing',
      {
        ...write,
        schema: {
          tags,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: "Grant selling, and set the host's Stripe connected account (admins)",
          params: IdParams,
          body: SellerGrantBody,
          response: { 200: SellerGrantDto },
        },
      },
      async (request) => {
        const admin = requireAdmin(request);
        const result = await tickets.selling.adminUpdate(admin.id, request.params.id, request.body);
        return { user_id: request.params.id, ...result };
      },
    );

    // ---- Stripe's webhook ----------------------------------------------------------
    await app.register(async (raw) => {
      // The signature covers the exact bytes Stripe sent: this route keeps them (JSON unparsed).
      raw.removeContentTypeParser('application/json');
      raw.addContentTypeParser(
        'application/json',
        { parseAs: 'buffer', bodyLimit: 256 * 1024 },
        (_request, body, done) => done(null, body),
      );
      raw.post(
        '/webhooks/stripe',
        {
          schema: {
            tags,
            summary: "Stripe's events (signed; the raw body is verified)",
            headers: Type.Object({
              'stripe-signature': Type.String({ minLength: 1, maxLength: 2000 }),
            }),
            response: { 200: Type.Object({ received: Type.Boolean(), outcome: Type.String() }) },
          },
        },
        async (request) => {
          if (!tickets.webhooks) {
            throw AppError.notFound('webhook');
          }
          const body = request.body;
          if (!Buffer.isBuffer(body)) {
            throw AppError.invalid('invalid_signature', 'The webhook body must be JSON.');
          }
          const signature = request.headers['stripe-signature'];
          const outcome = await tickets.webhooks.receive(
            body,
            typeof signature === 'string' ? signature : undefined,
          );
          return { received: true, outcome };
        },
      );
    });
  };
}
