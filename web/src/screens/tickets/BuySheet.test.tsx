import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import { i18n } from '../../i18n';
import { BuySheet } from './BuySheet';
import { offer, ticket } from './fixtures';
import { ticketsApi } from './ticketsApi';
import type { Provider } from './types';

const SPACE = 'space000000000000001';

function renderSheet(provider: Provider | null = 'test') {
  const onBought = vi.fn();
  const onClose = vi.fn();
  const navigate = vi.fn();
  const view = render(
    <BuySheet
      spaceId={SPACE}
      title="Engines and poetry"
      ticketing={offer()}
      provider={provider}
      onBought={onBought}
      onClose={onClose}
      navigate={navigate}
    />,
  );
  return { ...view, onBought, onClose, navigate };
}

describe('the buy sheet', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await i18n.changeLanguage('en');
  });

  it('shows the price, what a ticket gives and the test provider, labelled as such', () => {
    renderSheet('test');
    const dialog = screen.getByRole('dialog', { name: 'Buy a ticket' });
    expect(dialog.textContent).toContain('Engines and poetry');
    expect(screen.getByTestId('buy-price').textContent).toBe('$12.50');
    expect(dialog.textContent).toContain('Listen to this space live');
    expect(screen.getByTestId('test-provider').textContent).toContain(
      'Test payment — no money moves',
    );
    expect(screen.getByRole('button', { name: 'Buy for $12.50' })).toBeTruthy();
  });

  it('with the test provider: reserves, pays, and lets the space play', async () => {
    const buy = vi
      .spyOn(ticketsApi, 'buy')
      .mockResolvedValue({ checkout: { provider: 'test', id: 'checkout1' } });
    const pay = vi.spyOn(ticketsApi, 'payTest').mockResolvedValue({ ticket: ticket() });
    const cancel = vi.spyOn(ticketsApi, 'cancelTest').mockResolvedValue({});
    const { onBought, unmount } = renderSheet('test');
    await userEvent.click(screen.getByRole('button', { name: 'Buy for $12.50' }));
    expect(buy).toHaveBeenCalledWith(SPACE);
    await userEvent.click(await screen.findByRole('button', { name: 'Pay $12.50 (test)' }));
    expect(pay).toHaveBeenCalledWith('checkout1');
    expect((await screen.findByRole('status')).textContent).toBe('You have a ticket.');
    await userEvent.click(screen.getByRole('button', { name: 'Go to the space' }));
    expect(onBought).toHaveBeenCalledWith(ticket());
    unmount();
    // Paid: nothing is left to give back.
    expect(cancel).not.toHaveBeenCalled();
  });

  it('gives the seat back when the test checkout is cancelled or the sheet closed', async () => {
    vi.spyOn(ticketsApi, 'buy').mockResolvedValue({
      checkout: { provider: 'test', id: 'checkout2' },
    });
    const cancel = vi.spyOn(ticketsApi, 'cancelTest').mockResolvedValue({});
    const { unmount } = renderSheet('test');
    await userEvent.click(screen.getByRole('button', { name: 'Buy for $12.50' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(cancel).toHaveBeenCalledWith('checkout2');
    expect(await screen.findByRole('button', { name: 'Buy for $12.50' })).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Buy for $12.50' }));
    await screen.findByRole('button', { name: 'Pay $12.50 (test)' });
    unmount();
    expect(cancel).toHaveBeenCalledTimes(2);
  });

  it('with Stripe: leaves for the checkout page', async () => {
    vi.spyOn(ticketsApi, 'buy').mockResolvedValue({
      checkout: { provider: 'stripe', url: 'https://checkout.stripe.test/c/pay/cs_1' },
    });
    const { navigate } = renderSheet('stripe');
    expect(screen.queryByTestId('test-provider')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Pay $12.50 with Stripe' }));
    expect(navigate).toHaveBeenCalledWith('https://checkout.stripe.test/c/pay/cs_1');
    expect((await screen.findByRole('status')).textContent).toContain('Taking you to Stripe');
  });

  it('says a sold-out space plainly, and offers no second try', async () => {
    vi.spyOn(ticketsApi, 'buy').mockRejectedValue(
      new ApiError(409, 'sold_out', 'Every ticket of this space is sold.'),
    );
    renderSheet('test');
    await userEvent.click(screen.getByRole('button', { name: 'Buy for $12.50' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Every ticket of this space is sold.',
    );
    expect(
      (screen.getByRole('button', { name: 'Buy for $12.50' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('says a block in French, from the error catalogue', async () => {
    await i18n.changeLanguage('fr');
    vi.spyOn(ticketsApi, 'buy').mockRejectedValue(
      new ApiError(403, 'blocked_by_host', 'The host of this space has blocked you.'),
    );
    renderSheet('test');
    expect(screen.getByTestId('test-provider').textContent).toContain(
      'Paiement de test — aucun argent ne circule',
    );
    await userEvent.click(screen.getByRole('button', { name: /^Acheter pour 12,50/ }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      i18n.t('blocked_by_host', { ns: 'errors' }),
    );
    expect((await screen.findByRole('alert')).textContent).not.toBe(
      'The host of this space has blocked you.',
    );
  });

  it('already having a ticket is not an error: the space may play', async () => {
    vi.spyOn(ticketsApi, 'buy').mockRejectedValue(
      new ApiError(409, 'already_has_ticket', 'You already have a ticket for this space.'),
    );
    const { onBought } = renderSheet('test');
    await userEvent.click(screen.getByRole('button', { name: 'Buy for $12.50' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'You already have a ticket for this space.',
    );
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Go to the space' }));
    expect(onBought).toHaveBeenCalledWith(null);
  });

  it('keeps the checkout open when the payment fails, to try again', async () => {
    vi.spyOn(ticketsApi, 'buy').mockResolvedValue({
      checkout: { provider: 'test', id: 'checkout3' },
    });
    vi.spyOn(ticketsApi, 'payTest').mockRejectedValueOnce(ApiError.network());
    renderSheet('test');
    await userEvent.click(screen.getByRole('button', { name: 'Buy for $12.50' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Pay $12.50 (test)' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Cannot reach the server. Check your connection.',
    );
    expect(screen.getByRole('button', { name: 'Pay $12.50 (test)' })).toBeTruthy();
  });
});
