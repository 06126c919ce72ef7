import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../i18n';
import { eligible, offer, ticket, ticketedSpace } from './fixtures';
import { Sales } from './SalesPage';
import { TicketBadge } from './TicketBadge';
import { TicketGate } from './TicketGate';
import { ticketsApi } from './ticketsApi';
import type { SalesDto } from './types';

const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function renderGate(signedIn: boolean, space = ticketedSpace(), entry = `/spaces/${space.id}`) {
  const onAccess = vi.fn();
  render(
    <MemoryRouter initialEntries={[entry]}>
      <Routes>
        <Route
          path="/spaces/:id"
          element={
            <>
              <TicketGate space={space} signedIn={signedIn} onAccess={onAccess} />
              <Where />
            </>
          }
        />
      </Routes>
    </MemoryRouter>,
  );
  return { onAccess };
}

describe('a ticketed space wherever it appears', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await i18n.changeLanguage('en');
  });

  it('shows the price and tickets left, or Sold out; nothing for a free space', async () => {
    const { rerender } = render(<TicketBadge space={ticketedSpace(offer({ left: 1 }))} />);
    expect(screen.getByTestId('ticket-badge').textContent).toBe(
      '🎟Ticket price: $12.501 ticket left',
    );
    rerender(<TicketBadge space={ticketedSpace(offer({ left: 0, sold: 20, sold_out: true }))} />);
    expect(screen.getByTestId('ticket-badge').textContent).toContain('Sold out');
    rerender(<TicketBadge space={ticketedSpace(offer({ left: 17 }))} compact />);
    expect(screen.getByTestId('ticket-badge').textContent).not.toContain('left');
    rerender(<TicketBadge space={ticketedSpace(offer({ left: 7 }))} compact />);
    expect(screen.getByTestId('ticket-badge').textContent).toContain('7 tickets left');
    rerender(<TicketBadge space={ticketedSpace(offer(), { state: 'ended' })} />);
    expect(screen.getByTestId('ticket-badge').textContent).not.toContain('left');
    rerender(<TicketBadge space={ticketedSpace(null)} />);
    expect(screen.queryByTestId('ticket-badge')).toBeNull();
    await i18n.changeLanguage('fr');
    rerender(<TicketBadge space={ticketedSpace(offer({ left: 2 }))} />);
    expect(plain(screen.getByTestId('ticket-badge').textContent)).toContain('12,50 $US');
    expect(screen.getByTestId('ticket-badge').textContent).toContain('2 billets restants');
  });
});

describe('the gate of a ticketed space', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a guest sees the title, host and price, and signs in to buy', async () => {
    const eligibility = vi.spyOn(ticketsApi, 'eligibility');
    renderGate(false);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Engines and poetry');
    expect(screen.getByText(/Hosted by/).textContent).toContain('@ada');
    expect(screen.getByRole('heading', { name: 'A ticket is needed to listen' })).toBeTruthy();
    const signIn = screen.getByRole('link', { name: 'Sign in to buy a ticket' });
    expect(signIn.getAttribute('href')).toBe('/signin?next=%2Fspaces%2Fspace000000000000001');
    expect(screen.queryByRole('button', { name: /Buy a ticket/ })).toBeNull();
    expect(eligibility).not.toHaveBeenCalled();
  });

  it('a signed-in listener opens the buy sheet, with the provider named', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue(eligible);
    renderGate(true);
    await userEvent.click(screen.getByRole('button', { name: 'Buy a ticket — $12.50' }));
    const sheet = await screen.findByRole('dialog', { name: 'Buy a ticket' });
    expect(await within(sheet).findByTestId('test-provider')).toBeTruthy();
  });

  it('a sold-out space offers no Buy button', () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue(eligible);
    renderGate(true, ticketedSpace(offer({ sold: 20, left: 0, sold_out: true })));
    expect(screen.getByText('Sold out: every ticket is taken.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Buy a ticket/ })).toBeNull();
  });

  it('back from Stripe, waits for the payment to be confirmed, then lets the space play', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue({ ...eligible, provider: 'stripe' });
    const mine = vi
      .spyOn(ticketsApi, 'mine')
      .mockResolvedValueOnce({ ticket: null })
      .mockResolvedValueOnce({ ticket: ticket({ state: 'pending' }) })
      .mockResolvedValue({ ticket: ticket() });
    const space = ticketedSpace();
    const { onAccess } = renderGate(true, space, `/spaces/${space.id}?ticket=done`);
    expect(screen.getByRole('status').textContent).toBe('Confirming your payment…');
    expect(screen.queryByRole('button', { name: /Buy a ticket/ })).toBeNull();
    await vi.waitFor(() => expect(onAccess).toHaveBeenCalledTimes(1), { timeout: 8000 });
    expect(mine).toHaveBeenCalledTimes(3);
    // The return address is tidied: a reload does not wait for a payment again.
    await vi.waitFor(() =>
      expect(screen.getByTestId('where').textContent).toBe(`/spaces/${space.id}`),
    );
  });
});

describe('the host’s sales page', () => {
  const sales: SalesDto = {
    currency: 'usd',
    lifetime_gross_minor: 3750,
    fee_rate_bps_now: 300,
    totals: {
      gross_minor: 3750,
      refunded_minor: 1250,
      fee_minor: 75,
      net_minor: 2425,
      pending_minor: 2425,
      available_minor: 0,
      paid_out_minor: 0,
    },
    spaces: [
      {
        space: ticketedSpace(),
        sold: 3,
        gross_minor: 3750,
        refunded_minor: 1250,
        fee_minor: 75,
        net_minor: 2425,
        state: 'pending',
      },
    ],
  };

  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('shows gross, fee, net, pending and available, and each space', async () => {
    render(
      <MemoryRouter>
        <Sales sales={sales} />
      </MemoryRouter>,
    );
    expect(screen.getByText('Your fee now: 3% (lifetime ticket sales: $37.50).')).toBeTruthy();
    expect(screen.getByTestId('total-gross_minor').textContent).toBe('Gross$37.50');
    expect(screen.getByTestId('total-fee_minor').textContent).toBe('Fee$0.75');
    expect(screen.getByTestId('total-net_minor').textContent).toBe('Net$24.25');
    expect(screen.getByTestId('total-pending_minor').textContent).toBe('Pending$24.25');
    expect(screen.getByTestId('total-available_minor').textContent).toBe('Available$0.00');
    const row = screen.getByTestId('sales-row');
    expect(within(row).getByRole('rowheader').textContent).toBe('Engines and poetry');
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['3', '$37.50', '$12.50', '$0.75', '$24.25', 'Pending']);
    await i18n.changeLanguage('fr');
    expect(plain(screen.getByTestId('total-net_minor').textContent)).toBe('Net24,25 $US');
  });
});
