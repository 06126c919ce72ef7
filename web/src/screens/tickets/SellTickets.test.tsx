import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api';
import { snapshot } from '../../test/factories';
import { adminApi } from '../admin/adminApi';
import { renderCreate } from '../create/renderCreate';
import { eligible, offer, ticketedSpace } from './fixtures';
import { TicketingPanel } from './TicketingEditor';
import { ticketsApi } from './ticketsApi';

describe('selling tickets from the create form', () => {
  afterEach(() => vi.restoreAllMocks());
  beforeEach(() => {
    vi.spyOn(adminApi, 'eligibility').mockResolvedValue({
      may_host: true,
      because: 'followers',
      followers_count: 700,
      min_followers: 600,
      request: null,
    });
  });

  it('checks the price and count against the limits before sending', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue(eligible);
    const create = vi.spyOn(api, 'createSpace');
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Title'), 'Paid jazz');
    await userEvent.click(await screen.findByLabelText('Sell tickets'));
    expect(screen.getByText('From $1.00 to $999.00.')).toBeTruthy();
    expect(screen.getByText('From 5 to 100.')).toBeTruthy();
    expect(screen.getByText(/test provider: no money moves/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Price (USD)'), '0.50');
    await userEvent.type(screen.getByLabelText('Number of tickets'), '500');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(screen.getByText('The price must be from $1.00 to $999.00.')).toBeTruthy();
    expect(screen.getByText('Sell from 5 to 100 tickets.')).toBeTruthy();
    expect(screen.getByLabelText('Price (USD)').getAttribute('aria-invalid')).toBe('true');
    expect(create).not.toHaveBeenCalled();
  });

  it('sends the offer in minor units with the space', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue(eligible);
    const create = vi.spyOn(api, 'createSpace').mockResolvedValue(snapshot().space);
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Title'), 'Paid jazz');
    await userEvent.click(await screen.findByLabelText('Sell tickets'));
    await userEvent.type(screen.getByLabelText('Price (USD)'), '12.5');
    await userEvent.type(screen.getByLabelText('Number of tickets'), '25');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Paid jazz', ticketing: { price_minor: 1250, count: 25 } }),
    );
    expect(await screen.findByText('space page')).toBeTruthy();
  });

  it('sends no offer when the box is not ticked', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue(eligible);
    const create = vi.spyOn(api, 'createSpace').mockResolvedValue(snapshot().space);
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Title'), 'Free jazz');
    await screen.findByLabelText('Sell tickets');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(create.mock.calls[0]![0]).not.toHaveProperty('ticketing');
  });

  it('says why a host may not sell, and takes the date of birth once', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue({
      ...eligible,
      eligible: false,
      needs_birth_date: true,
      reasons: [
        { code: 'birth_date_required', message: 'Confirm your date of birth: sellers are 18+.' },
        { code: 'not_enough_followers', message: 'Selling needs 1,000 followers; you have 12.' },
      ],
    });
    const followers = {
      code: 'not_enough_followers',
      message: 'Selling needs 1,000 followers; you have 12.',
    };
    const confirm = vi
      .spyOn(ticketsApi, 'confirmBirthDate')
      .mockResolvedValue({ ...eligible, eligible: false, reasons: [followers] });
    renderCreate();
    const box = (await screen.findByLabelText('Sell tickets')) as HTMLInputElement;
    expect(box.disabled).toBe(true);
    expect(screen.getByText('Selling needs 1,000 followers; you have 12.')).toBeTruthy();
    expect(screen.queryByLabelText('Price (USD)')).toBeNull();

    const birth = screen.getByLabelText('Date of birth');
    await userEvent.type(birth, '2015-04-01');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(screen.getByText('You must be 18 or older to sell tickets.')).toBeTruthy();
    expect(confirm).not.toHaveBeenCalled();

    await userEvent.clear(birth);
    await userEvent.type(birth, '1990-04-01');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(confirm).toHaveBeenCalledWith('1990-04-01');
    // Kept: the form is not asked again, and the other reason stays.
    await vi.waitFor(() => expect(screen.queryByLabelText('Date of birth')).toBeNull());
    expect(screen.getByText('Selling needs 1,000 followers; you have 12.')).toBeTruthy();
  });

  it('a confirmed date of birth that makes the host eligible opens the offer', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue({
      ...eligible,
      eligible: false,
      needs_birth_date: true,
      reasons: [{ code: 'birth_date_required', message: 'Confirm your date of birth.' }],
    });
    vi.spyOn(ticketsApi, 'confirmBirthDate').mockResolvedValue(eligible);
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Date of birth'), '1990-04-01');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    const box = (await screen.findByLabelText('Sell tickets')) as HTMLInputElement;
    await vi.waitFor(() => expect(box.disabled).toBe(false));
    expect(screen.queryByLabelText('Date of birth')).toBeNull();
  });

  it('leaves the section out when the server has no tickets', async () => {
    vi.spyOn(ticketsApi, 'eligibility').mockRejectedValue(
      new ApiError(404, 'route_not_found', 'Not found'),
    );
    renderCreate();
    await screen.findByLabelText('Title');
    expect(screen.queryByLabelText('Sell tickets')).toBeNull();
  });
});

describe('the host edits the tickets of a scheduled space', () => {
  afterEach(() => vi.restoreAllMocks());
  beforeEach(() => {
    vi.spyOn(ticketsApi, 'eligibility').mockResolvedValue(eligible);
  });

  it('before any sale: changes both, or stops selling', async () => {
    const space = ticketedSpace(offer(), { state: 'scheduled' });
    const set = vi.spyOn(ticketsApi, 'setTicketing').mockResolvedValue({
      ...space,
      ticketing: offer({ price_minor: 1500, count: 10, left: 10 }),
    });
    render(<TicketingPanel space={space} />);
    expect(screen.getByText('Tickets at $12.50: 0 of 20 sold.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Edit tickets' }));
    const price = await screen.findByLabelText('Price (USD)');
    expect((price as HTMLInputElement).value).toBe('12.50');
    expect(screen.getByRole('button', { name: 'Stop selling tickets' })).toBeTruthy();
    await userEvent.clear(price);
    await userEvent.type(price, '15');
    await userEvent.clear(screen.getByLabelText('Number of tickets'));
    await userEvent.type(screen.getByLabelText('Number of tickets'), '10');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(set).toHaveBeenCalledWith(space.id, { price_minor: 1500, count: 10 });
    expect(await screen.findByText('Tickets at $15.00: 0 of 10 sold.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('after the first sale: the price is fixed, the count may only grow, and it says so', async () => {
    const space = ticketedSpace(offer({ sold: 3, left: 17 }), { state: 'scheduled' });
    const set = vi.spyOn(ticketsApi, 'setTicketing').mockResolvedValue(space);
    render(<TicketingPanel space={space} />);
    await userEvent.click(screen.getByRole('button', { name: 'Edit tickets' }));
    expect(
      await screen.findByText(
        '3 tickets are sold: the price is fixed, and you can only add tickets.',
      ),
    ).toBeTruthy();
    const price = screen.getByLabelText('Price (USD)') as HTMLInputElement;
    expect(price.readOnly).toBe(true);
    expect(screen.getByText('Tickets were sold: the price is fixed.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Stop selling tickets' })).toBeNull();
    await userEvent.clear(screen.getByLabelText('Number of tickets'));
    await userEvent.type(screen.getByLabelText('Number of tickets'), '15');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      screen.getByText('Tickets were sold: you can only add tickets (at least 20).'),
    ).toBeTruthy();
    expect(set).not.toHaveBeenCalled();
  });

  it('shows the server’s refusal', async () => {
    const space = ticketedSpace(null, { state: 'scheduled' });
    vi.spyOn(ticketsApi, 'setTicketing').mockRejectedValue(
      new ApiError(409, 'space_already_started', 'This space has started: its tickets are set.'),
    );
    render(<TicketingPanel space={space} />);
    expect(screen.getByText('Free: anyone may listen.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Sell tickets' }));
    await userEvent.type(await screen.findByLabelText('Price (USD)'), '5');
    await userEvent.type(screen.getByLabelText('Number of tickets'), '50');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This space has started: its tickets are set.',
    );
  });
});
