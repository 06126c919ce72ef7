import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ada, bob, snapshot } from '../../../test/factories';
import { CaptionsCheckbox, OwnCaptionsSetting } from './CaptionsSetting';
import { captionsApi, captionsUnavailable } from './captionsApi';

describe('turning captions on', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says so, disabled, when the server has no captions engine', async () => {
    vi.spyOn(captionsApi, 'status').mockResolvedValue({ engine: null, languages: [] });
    render(<CaptionsCheckbox checked={false} language="en" onChange={vi.fn()} />);
    expect(
      await screen.findByText('No captions engine is configured on this server.'),
    ).toBeTruthy();
    const box = screen.getByRole('checkbox', { name: 'Captions for this space' });
    expect(box).toHaveProperty('disabled', true);
    expect(box.getAttribute('aria-describedby')).toBe(screen.getByTestId('captions-help').id);
  });

  it('says so when the engine does not know the space’s language, and lets it be turned on otherwise', async () => {
    vi.spyOn(captionsApi, 'status').mockResolvedValue({
      engine: 'pocketsphinx',
      languages: ['en'],
    });
    const onChange = vi.fn();
    const { rerender } = render(
      <CaptionsCheckbox checked={false} language="fr" onChange={onChange} />,
    );
    expect(await screen.findByText(/does not know this space's language \(fr\)/)).toBeTruthy();
    rerender(<CaptionsCheckbox checked={false} language="en-GB" onChange={onChange} />);
    const box = screen.getByRole('checkbox', { name: 'Captions for this space' });
    expect(box).toHaveProperty('disabled', false);
    await userEvent.click(box);
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it('matches languages by their primary tag', () => {
    const status = { engine: 'whisper-http' as const, languages: ['en', 'pt'] };
    expect(captionsUnavailable(status, 'pt-BR')).toBeNull();
    expect(captionsUnavailable(status, 'ja')).toBe('noLanguage');
  });

  it('lets a stage member turn their own captions off', async () => {
    const own = vi.spyOn(captionsApi, 'setOwnCaptions').mockResolvedValue(snapshot().space);
    const space = { ...snapshot().space, captions: true, captions_off: [ada.id] };
    const { rerender } = render(<OwnCaptionsSetting space={space} userId={bob.id} />);
    const box = screen.getByRole('checkbox', { name: 'Caption my voice' });
    expect(box).toHaveProperty('checked', true);
    await userEvent.click(box);
    expect(own).toHaveBeenCalledWith(space.id, false);
    rerender(<OwnCaptionsSetting space={space} userId={ada.id} />);
    expect(screen.getByRole('checkbox', { name: 'Caption my voice' })).toHaveProperty(
      'checked',
      false,
    );
    rerender(<OwnCaptionsSetting space={{ ...space, captions: false }} userId={ada.id} />);
    expect(screen.queryByRole('checkbox', { name: 'Caption my voice' })).toBeNull();
  });
});
