import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../../session';
import { adminApi } from './adminApi';
import './notices.css';

const STANDING_SEEN = 'salon.standingNotice';

/**
 * Notices about the account, under the top bar: the first account is told
 * once that it administers the instance (until dismissed, remembered by the
 * server), and someone a report about was upheld is pointed to the decision
 * and the appeal (until dismissed in this browser session).
 */
export function AccountNotices() {
  const { t } = useTranslation('admin');
  const { me } = useSession();
  const [notices, setNotices] = useState<string[]>([]);
  const [toAppeal, setToAppeal] = useState(0);
  const [standingSeen, setStandingSeen] = useState(
    () => typeof sessionStorage !== 'undefined' && sessionStorage.getItem(STANDING_SEEN) === '1',
  );
  const userId = me?.id;

  useEffect(() => {
    setNotices([]);
    setToAppeal(0);
    if (!userId) return;
    let live = true;
    adminApi.notices().then(
      (r) => live && setNotices(r.data),
      () => undefined,
    );
    adminApi.myDecisions().then(
      (r) => {
        const now = Date.now();
        if (!live) return;
        setToAppeal(
          r.data.filter(
            (d) => d.status === 'upheld' && !d.appeal && Date.parse(d.appeal_until) > now,
          ).length,
        );
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [userId]);

  const dismiss = (notice: string) => {
    setNotices((n) => n.filter((x) => x !== notice));
    void adminApi.dismissNotice(notice).catch(() => undefined);
  };
  const showStanding = toAppeal > 0 && !standingSeen;
  if (!notices.includes('instance_admin') && !showStanding) return null;
  return (
    <div className="account-notices">
      {notices.includes('instance_admin') ? (
        <section className="account-notice" aria-labelledby="notice-admin-title">
          <h2 id="notice-admin-title">{t('notice.adminTitle')}</h2>
          <p>{t('notice.adminBody')}</p>
          <div className="row">
            <Link className="button primary" to="/admin" onClick={() => dismiss('instance_admin')}>
              {t('notice.openConsole')}
            </Link>
            <button type="button" onClick={() => dismiss('instance_admin')}>
              {t('notice.gotIt')}
            </button>
          </div>
        </section>
      ) : null}
      {showStanding ? (
        <section className="account-notice" aria-labelledby="notice-standing-title">
          <h2 id="notice-standing-title">{t('notice.standingTitle', { count: toAppeal })}</h2>
          <p>{t('notice.standingBody')}</p>
          <div className="row">
            <Link
              className="button primary"
              to="/standing"
              onClick={() => {
                sessionStorage.setItem(STANDING_SEEN, '1');
                setStandingSeen(true);
              }}
            >
              {t('notice.readDecision')}
            </Link>
            <button
              type="button"
              onClick={() => {
                sessionStorage.setItem(STANDING_SEEN, '1');
                setStandingSeen(true);
              }}
            >
              {t('notice.later')}
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}
