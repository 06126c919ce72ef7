import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api';
import { snapshot } from '../../test/factories';
import { adminApi, type Eligibility } from '../admin/adminApi';
import { captionsApi } from '../space/captions/captionsApi';
import { renderCreate } from './renderCreate';

const eligible: Eligibility = {
  may_host: true,
  because: 'followers',
  followers_count: 700,
  min_followers: 600,
  request: null,
};
const notYet: Eligibility = { ...eligible, may_host: false, because: null, followers_count: 12 };

describe('CreateSpace', () => {
  afterEach(() => vi.restoreAllMocks());
  beforeEach(() => {
    vi.spyOn(adminApi, 'eligibility').mockResolvedValue(eligible);
  });

  it('shows what is wrong next to each field and sends nothing', async () => {
    const create = vi.spyOn(api, 'createSpace');
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Topics'), 'a, b, c, d');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(screen.getByText('Give your space a title.')).toBeTruthy();
    expect(screen.getByText('At most 3 topics.')).toBeTruthy();
    expect(screen.getByLabelText('Title').getAttribute('aria-invalid')).toBe('true');
    expect(create).not.toHaveBeenCalled();
  });

  it('starts the space and opens it', async () => {
    const create = vi.spyOn(api, 'createSpace').mockResolvedValue(snapshot().space);
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Title'), 'Engines and poetry');
    await userEvent.type(screen.getByLabelText('Topics'), 'Science');
    await userEvent.click(screen.getByLabelText(/Record this space/));
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({
        title: 'Engines and poetry',
        topics: ['science'],
        recording: true,
      }),
    );
    expect(await screen.findByText('space page')).toBeTruthy();
  });

  it('starts a captioned space when the server has an engine for its language', async () => {
    vi.spyOn(captionsApi, 'status').mockResolvedValue({
      engine: 'pocketsphinx',
      languages: ['en'],
    });
    const create = vi.spyOn(api, 'createSpace').mockResolvedValue(snapshot().space);
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Title'), 'Said and written');
    const box = screen.getByRole('checkbox', { name: 'Captions for this space' });
    await vi.waitFor(() => expect(box).toHaveProperty('disabled', false));
    await userEvent.click(box);
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(create).toHaveBeenCalledWith(expect.objectContaining({ captions: true }));
  });

  it("shows the server's reason when it refuses", async () => {
    vi.spyOn(api, 'createSpace').mockRejectedValue(
      new ApiError(403, 'hosting_not_allowed', 'You need 600 followers to host a space.'),
    );
    renderCreate();
    await userEvent.type(await screen.findByLabelText('Title'), 'Hello');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'You need 600 followers to host a space.',
    );
  });

  it('says at once, before any form, that you may not host yet, and asks an admin for you', async () => {
    vi.spyOn(adminApi, 'eligibility').mockResolvedValue(notYet);
    const ask = vi.spyOn(adminApi, 'askToHost').mockResolvedValue({
      id: 'r1',
      user_id: 'u1',
      message: 'I run the jazz club',
      status: 'open',
      created_at: new Date().toISOString(),
      decided_at: null,
      decision_note: '',
    });
    renderCreate();
    await screen.findByRole('heading', { name: 'You cannot host a space yet' });
    expect(screen.getByText(/needs 600 followers\. You have 12\./)).toBeTruthy();
    expect(screen.queryByLabelText('Title')).toBeNull();
    await userEvent.type(
      screen.getByLabelText('A word for the admins (optional)'),
      'I run the jazz club',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Ask an admin to let me host' }));
    expect(ask).toHaveBeenCalledWith('I run the jazz club');
    expect((await screen.findByRole('status')).textContent).toMatch(
      /Your request is with the admins/,
    );
    expect(screen.queryByRole('button', { name: 'Ask an admin to let me host' })).toBeNull();
  });

  it('shows the answer to a declined request, and lets you ask again', async () => {
    vi.spyOn(adminApi, 'eligibility').mockResolvedValue({
      ...notYet,
      request: {
        id: 'r1',
        user_id: 'u1',
        message: '',
        status: 'declined',
        created_at: new Date().toISOString(),
        decided_at: new Date().toISOString(),
        decision_note: 'Grow your audience first',
      },
    });
    renderCreate();
    expect(await screen.findByText(/Grow your audience first/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Ask an admin to let me host' })).toBeTruthy();
  });
});
