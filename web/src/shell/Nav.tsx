/**
 * The app's navigation. Above ~640 px one bar at the top holds every link; on
 * a phone the main destinations move to a tab bar at the bottom (as in X's
 * app), and the top keeps the brand and the rest (profile, signing in), so the
 * menu never takes several rows. Both bars name their links the same way; only
 * one of each is displayed at a time, so a link has one accessible name and
 * one visible element at any width.
 */
import { type ReactNode, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router-dom';
import { useLive } from '../live';
import { useUnreadMessages } from '../screens/messages/unread';
import { useSession } from '../session';
import { Icon, type IconName } from './icons';

interface Tab {
  to: string;
  label: string;
  icon: IconName;
  end?: boolean;
  badge?: ReactNode;
}

/** The destinations a phone shows in the bottom tab bar. */
function useTabs(): Tab[] {
  const { t } = useTranslation('nav');
  const { me } = useSession();
  const { unread } = useLive();
  const unreadMessages = useUnreadMessages();
  const tabs: Tab[] = [
    { to: '/', label: t('home'), icon: 'home', end: true },
    // A space's own page counts as the Spaces tab.
    { to: '/spaces', label: t('spaces'), icon: 'spaces' },
  ];
  if (!me) return tabs;
  return [
    ...tabs,
    { to: '/create', label: t('create'), icon: 'create' },
    {
      to: '/messages',
      label: t('messages'),
      icon: 'messages',
      badge: unreadMessages ? (
        <UnreadBadge count={unreadMessages} testId="unread-messages" />
      ) : null,
    },
    {
      to: '/notifications',
      label: t('notifications'),
      icon: 'notifications',
      badge: unread ? <UnreadBadge count={unread} /> : null,
    },
  ];
}

/** Read as "Notifications, 2 unread"; the badge shows the number. */
export function UnreadBadge({ count, testId = 'unread' }: { count: number; testId?: string }) {
  const { t, i18n } = useTranslation('nav');
  return (
    <span className="count">
      <span className="visually-hidden">, </span>
      <span data-testid={testId}>{new Intl.NumberFormat(i18n.language).format(count)}</span>
      <span className="visually-hidden"> {t('unread', { count })}</span>
    </span>
  );
}

/** Where signing in or up comes back to: the page you were on. */
function useNext(): string {
  const location = useLocation();
  const path = location.pathname;
  if (path === '/' || path === '/signin' || path === '/signup') return '';
  return `?next=${encodeURIComponent(path + location.search)}`;
}

/** Below this width the tabs are at the bottom (the stylesheet's breakpoint too). */
const PHONE_QUERY = '(max-width: 639.98px)';

function phoneQuery(): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(PHONE_QUERY)
    : null;
}

/**
 * Whether the tabs are at the bottom now. Each tab is rendered in one bar
 * only, so a badge or link exists once in the page, not twice with one hidden.
 */
function useTabsAtBottom(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = phoneQuery();
      query?.addEventListener('change', onChange);
      return () => query?.removeEventListener('change', onChange);
    },
    () => phoneQuery()?.matches ?? false,
  );
}

export function TopBar() {
  const { t } = useTranslation('nav');
  const { me } = useSession();
  const all = useTabs();
  const tabs = useTabsAtBottom() ? [] : all;
  const next = useNext();
  return (
    <header className="topbar">
      <NavLink to="/" className="brand" aria-label={t('brand')}>
        <span aria-hidden="true">◉</span> Salon
      </NavLink>
      <nav aria-label={t('main')}>
        <ul>
          {tabs.map((tab) => (
            // On a phone these are in the tab bar instead.
            <li key={tab.to} className="nav-tab">
              <NavLink to={tab.to} end={tab.end}>
                {tab.label}
                {tab.badge}
              </NavLink>
            </li>
          ))}
          {me ? (
            <>
              <li>
                <NavLink to={`/u/${me.handle}`}>{t('profile')}</NavLink>
              </li>
              <li>
                <NavLink to="/settings">{t('settings')}</NavLink>
              </li>
              {me.role === 'admin' || me.role === 'moderator' ? (
                <li>
                  <NavLink to="/admin">{t('admin')}</NavLink>
                </li>
              ) : null}
            </>
          ) : me === null ? (
            <>
              <li>
                <NavLink to={`/signin${next}`}>{t('signIn')}</NavLink>
              </li>
              <li>
                <NavLink to={`/signup${next}`}>{t('signUp')}</NavLink>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
    </header>
  );
}

/** The bottom tab bar of a phone (hidden above ~640 px by the stylesheet). */
export function TabBar() {
  const { t } = useTranslation('nav');
  const tabs = useTabs();
  if (!useTabsAtBottom()) return null;
  return (
    <nav className="tabbar" aria-label={t('tabs')}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.to}>
            <NavLink to={tab.to} end={tab.end}>
              <Icon name={tab.icon} />
              <span className="tab-label">{tab.label}</span>
              {tab.badge}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
