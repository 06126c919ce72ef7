import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api';
import { snapshot } from '../../test/factories';
import { CreateSpace } from './CreateSpace';

function renderForm() {
  return render(
    <MemoryRouter initialEntries={['/create']}>
      <Routes>
        <Route path="/create" element={<CreateSpace />} />
        <Route path="/spaces/:id" element={<p>space page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('CreateSpace', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows what is wrong next to each field and sends nothing', async () => {
    const create = vi.spyOn(api, 'createSpace');
    renderForm();
    await userEvent.type(screen.getByLabelText('Topics'), 'a, b, c, d');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect(screen.getByText('Give your space a title.')).toBeTruthy();
    expect(screen.getByText('At most 3 topics.')).toBeTruthy();
    expect(screen.getByLabelText('Title').getAttribute('aria-invalid')).toBe('true');
    expect(create).not.toHaveBeenCalled();
  });

  it('starts the space and opens it', async () => {
    const create = vi.spyOn(api, 'createSpace').mockResolvedValue(snapshot().space);
    renderForm();
    await userEvent.type(screen.getByLabelText('Title'), 'Engines and poetry');
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

  it("shows the server's reason when it refuses", async () => {
    vi.spyOn(api, 'createSpace').mockRejectedValue(
      new ApiError(403, 'not_eligible_to_host', 'You need 600 followers to host a space.'),
    );
    renderForm();
    await userEvent.type(screen.getByLabelText('Title'), 'Hello');
    await userEvent.click(screen.getByRole('button', { name: 'Start now' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'You need 600 followers to host a space.',
    );
  });
});
