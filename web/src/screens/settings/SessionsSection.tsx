import type { SessionDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { explain, settingsApi } from './api';
import { dateTime, deviceOf } from './format';
import { SettingsSection } from './SettingsSection';

/** Where you are signed in: every browser, each one signed out on its own, or all at once. */
export function SessionsSection() {
  const { t } = useTranslation('settings');
  const sessions = useAsync(() => settingsApi.sessions(), []);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function revoke(session: SessionDto) {
    setError(null);
    try {
      await settingsApi.revokeSession(session.id);
      sessions.setData({ data: (sessions.data?.data ?? []).filter((s) => s.id !== session.id) });
    } catch (err) {
      setError(explain(err, t('sessions.failed')));
    }
  }

  const device = (s: SessionDto) => {
    const d = deviceOf(s.user_agent);
    if (!d) return t('sessions.unknown_device');
    // Not a browser: a script or an app that signed in with the password.
    if (!s.user_agent?.startsWith('Mozilla/')) return t('sessions.client', { name: d.browser });
    return d.os ? t('sessions.device', { browser: d.browser, os: d.os }) : d.browser;
  };

  return (
    <SettingsSection title={t('sessions.title')} intro={t('sessions.intro')} id="sessions">
      {sessions.loading && !sessions.data ? <Loading /> : null}
      <ErrorText error={sessions.error ?? error} />
      <ul className="settings-list" aria-label={t('sessions.list')}>
        {sessions.data?.data.map((s) => (
          <li key={s.id} className="settings-item">
            <div className="grow">
              <span className="strong" title={s.user_agent ?? undefined}>
                {device(s)}
              </span>
              {s.current ? (
                <span className="badge badge-current">{t('sessions.this_browser')}</span>
              ) : null}
              <span className="muted settings-meta">
                {t('sessions.meta', {
                  created: dateTime(s.created_at),
                  used: dateTime(s.last_used_at),
                })}
              </span>
            </div>
            {s.current ? null : (
              <button
                type="button"
                onClick={() => void revoke(s)}
                aria-label={t('sessions.sign_out_one', { device: device(s) })}
              >
                {t('sessions.sign_out')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        {t('sessions.everywhere')}
      </button>
      {confirming ? <SignOutEverywhere onClose={() => setConfirming(false)} /> : null}
    </SettingsSection>
  );
}

function SignOutEverywhere({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('settings');
  const { setMe } = useSession();
  const navigate = useNavigate();
  const [tokens, setTokens] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await settingsApi.signOutEverywhere(tokens);
      setMe(null);
      navigate('/signin', { replace: true });
    } catch (err) {
      setError(explain(err, t('sessions.failed')));
      setBusy(false);
    }
  }

  return (
    <Modal title={t('sessions.everywhere_title')} onClose={onClose} role="alertdialog">
      <p>{t('sessions.everywhere_body')}</p>
      <label className="check">
        <input type="checkbox" checked={tokens} onChange={(e) => setTokens(e.target.checked)} />
        {t('sessions.everywhere_tokens')}
      </label>
      <ErrorText error={error} />
      <div className="row">
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
          {t('sessions.everywhere_confirm')}
        </button>
      </div>
    </Modal>
  );
}
