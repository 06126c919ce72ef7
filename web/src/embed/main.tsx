/**
 * The embeddable player's own entry (web/embed.html, served at
 * /embed/spaces/:id): React and the HLS player only — no router, no
 * i18next, no app shell, no service worker.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EmbedClient, spaceIdFrom } from './client';
import { EmbedApp } from './EmbedApp';
import { pickLanguage, strings } from './strings';
import './embed.css';

const s = strings(pickLanguage(navigator.languages ?? [navigator.language]));
document.documentElement.lang = s.language;
const root = createRoot(document.getElementById('embed-root')!);
const id = spaceIdFrom(location.pathname);
root.render(
  <StrictMode>
    {id ? (
      <EmbedApp client={new EmbedClient(id)} s={s} />
    ) : (
      <p className="embed-status">{s.t('missing')}</p>
    )}
  </StrictMode>,
);
