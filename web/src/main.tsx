import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerAtStart } from './shell/serviceWorker';
import './i18n';
// The app-wide styles, in cascade order.
import './styles/base.css';
import './styles/pages.css';
import './styles/space.css';
import './shell.css';
// The chosen colour theme, applied before the first render.
import './screens/settings/theme';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

registerAtStart();
