import type { EmbedDto } from '@salon/protocol';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../test/factories';
import { type EmbedClient, EmbedError, spaceIdFrom } from './client';
import { EmbedApp } from './EmbedApp';
import { pickLanguage, strings } from './strings';

const space = snapshot().space;

function client(answer: EmbedDto | EmbedError): EmbedClient {
  return {
    info: () => (answer instanceof EmbedError ? Promise.reject(answer) : Promise.resolve(answer)),
  } as unknown as EmbedClient;
}

describe('the embed', () => {
  it('reads its space from the address, and nothing else', () => {
    expect(spaceIdFrom('/embed/spaces/abcdefghij0123456789')).toBe('abcdefghij0123456789');
    expect(spaceIdFrom('/embed/spaces/abcdefghij0123456789/')).toBe('abcdefghij0123456789');
    expect(spaceIdFrom('/embed/spaces/short')).toBeNull();
    expect(spaceIdFrom('/spaces/abcdefghij0123456789')).toBeNull();
  });

  it('speaks English or French by the browser, with plurals', () => {
    expect(pickLanguage(['fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage(['de', 'en-GB'])).toBe('en');
    expect(pickLanguage(['de'])).toBe('en');
    const fr = strings('fr');
    expect(fr.t('listening', { count: 1, formatted: '1' })).toBe('1 à l’écoute');
    expect(fr.t('state.live')).toBe('En direct');
    const en = strings('en');
    expect(en.t('hostedBy', { name: 'Ada' })).toBe('Hosted by Ada');
  });

  it('shows a live space: title, host, state, count, play and a link out', async () => {
    render(
      <EmbedApp client={client({ space, listener_count: 12, replay: null })} s={strings('en')} />,
    );
    await screen.findByRole('heading', { name: 'Engines and poetry' });
    expect(screen.getByText('Live')).toBeTruthy();
    expect(screen.getByText('Hosted by Ada')).toBeTruthy();
    expect(screen.getByTestId('embed-count').textContent).toBe('12 listening');
    expect(screen.getByRole('button', { name: 'Play “Engines and poetry”' })).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Open “Engines and poetry” in Salon (new tab)' });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(link.getAttribute('href')).toBe(space.url);
  });

  it('shows a replay with its length, linking to the replay', async () => {
    render(
      <EmbedApp
        client={client({
          space: { ...space, state: 'ended' },
          listener_count: 0,
          replay: { duration_ms: 65_000 },
        })}
        s={strings('en')}
      />,
    );
    await screen.findByText('Replay');
    expect(screen.getByText('1:05 long')).toBeTruthy();
    expect(screen.getByRole('link', { name: /in Salon/ }).getAttribute('href')).toBe(
      `http://salon.test/spaces/${space.id}/replay`,
    );
  });

  it('has nothing to play for an unrecorded ended space, or a missing one', async () => {
    const { unmount } = render(
      <EmbedApp
        client={client({ space: { ...space, state: 'ended' }, listener_count: 0, replay: null })}
        s={strings('en')}
      />,
    );
    await screen.findByText('This space is over and has no replay.');
    expect(screen.queryByRole('button')).toBeNull();
    unmount();
    render(<EmbedApp client={client(new EmbedError(404, 'not_found', 'x'))} s={strings('fr')} />);
    await screen.findByText('Ce space n’existe pas.');
  });
});
