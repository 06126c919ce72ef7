import { useTranslation } from 'react-i18next';
import { TicketsSection } from '../tickets/TicketsSection';
import { AppearanceSection } from './AppearanceSection';
import { BlockedSection } from './BlockedSection';
import { NotificationsSection } from './NotificationsSection';
import { PasswordSection } from './PasswordSection';
import { SessionsSection } from './SessionsSection';
import { TokensSection } from './TokensSection';
import './settings.css';

/** /settings: how the app looks, the account's security, notifications, blocked people, tickets. */
export function Settings() {
  const { t } = useTranslation('settings');
  const tickets = useTranslation('tickets').t;
  const sections = [
    ['appearance', t('appearance.title')],
    ['password', t('password.title')],
    ['sessions', t('sessions.title')],
    ['tokens', t('tokens.title')],
    ['notifications', t('notifications.title')],
    ['blocked', t('blocked.title')],
    ['tickets', tickets('settings.title')],
  ] as const;
  return (
    <main className="page settings">
      <h1>{t('title')}</h1>
      <nav aria-label={t('contents')} className="settings-contents">
        <ul className="row">
          {sections.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ul>
      </nav>
      <AppearanceSection />
      <PasswordSection />
      <SessionsSection />
      <TokensSection />
      <NotificationsSection />
      <BlockedSection />
      <TicketsSection />
    </main>
  );
}
