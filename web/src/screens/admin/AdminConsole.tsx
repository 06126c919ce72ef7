import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { Loading } from '../../components/Spinner';
import { useSession } from '../../session';
import { Appeals } from './Appeals';
import { isStaff } from './adminApi';
import { DecisionLog } from './DecisionLog';
import { HostingRequests } from './HostingRequests';
import { People } from './People';
import { ReportQueue } from './ReportQueue';
import { Tickets } from './Tickets';
import './admin.css';

/**
 * /admin — the console of the instance's staff. Moderators review reports and
 * appeals, end spaces and suspend accounts; admins also grant hosting and
 * roles and answer hosting requests. Everyone else is told it is not for them.
 */
export function AdminConsole() {
  const { t } = useTranslation('admin');
  const tickets = useTranslation('tickets').t;
  const { me } = useSession();
  if (me === undefined) return <Loading />;
  if (!me || !isStaff(me.role)) return <NotAllowed />;
  const admin = me.role === 'admin';
  return (
    <main className="page admin-page" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('title')}</h1>
      <p className="muted">{admin ? t('intro.admin') : t('intro.moderator')}</p>
      <nav aria-label={t('sections')} className="admin-tabs">
        <ul>
          <li>
            <NavLink to="/admin/reports">{t('tabs.reports')}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/appeals">{t('tabs.appeals')}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/people">{t('tabs.people')}</NavLink>
          </li>
          {admin ? (
            <li>
              <NavLink to="/admin/hosting">{t('tabs.hosting')}</NavLink>
            </li>
          ) : null}
          {admin ? (
            <li>
              <NavLink to="/admin/tickets">{tickets('admin.tab')}</NavLink>
            </li>
          ) : null}
          <li>
            <NavLink to="/admin/log">{t('tabs.log')}</NavLink>
          </li>
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to="/admin/reports" replace />} />
        <Route path="reports" element={<ReportQueue />} />
        <Route path="appeals" element={<Appeals />} />
        <Route path="people" element={<People admin={admin} />} />
        {admin ? <Route path="hosting" element={<HostingRequests />} /> : null}
        {admin ? <Route path="tickets" element={<Tickets />} /> : null}
        <Route path="log" element={<DecisionLog />} />
        <Route path="*" element={<Navigate to="/admin/reports" replace />} />
      </Routes>
    </main>
  );
}

function NotAllowed() {
  const { t } = useTranslation('admin');
  return (
    <main className="page narrow" aria-labelledby="not-allowed-title">
      <h1 id="not-allowed-title">{t('notAllowed.title')}</h1>
      <p>{t('notAllowed.body')}</p>
      <p>
        <Link to="/">{t('notAllowed.home')}</Link>
      </p>
    </main>
  );
}
