import {
  NOTIFICATION_KINDS,
  type NotificationPreferenceDto,
  type PreferenceKind,
} from '@salon/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { useAsync } from '../../components/useAsync';
import { explain, settingsApi } from './api';
import { disablePush, enablePush, type PushState, pushState } from './push';
import { SettingsSection } from './SettingsSection';

/** The kinds, in the server's order (declared once in the protocol). */
export { NOTIFICATION_KINDS };

/** Follows and messages have their own places (lists, the inbox): only their push can go. */
const ALWAYS_IN_APP = new Set<string>(['follow', 'dm']);

export function NotificationsSection() {
  const { t } = useTranslation('settings');
  const prefs = useAsync(() => settingsApi.preferences(), []);
  const [error, setError] = useState<string | null>(null);

  async function change(
    kind: PreferenceKind,
    channel: keyof NotificationPreferenceDto,
    value: boolean,
  ) {
    setError(null);
    const before = prefs.data;
    if (before?.[kind]) prefs.setData({ ...before, [kind]: { ...before[kind], [channel]: value } });
    try {
      prefs.setData(await settingsApi.setPreference(kind, { [channel]: value }));
    } catch (err) {
      if (before) prefs.setData(before);
      setError(explain(err, t('notifications.failed')));
    }
  }

  return (
    <SettingsSection
      title={t('notifications.title')}
      intro={t('notifications.intro')}
      id="notifications"
    >
      <PushToggle />
      <ErrorText error={prefs.error ?? error} />
      {prefs.data ? (
        <div className="table-scroll">
          <table className="settings-table">
            <caption className="visually-hidden">{t('notifications.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notifications.kind')}</th>
                <th scope="col">{t('notifications.in_app')}</th>
                <th scope="col">{t('notifications.push')}</th>
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_KINDS.map((kind) => {
                const pref = prefs.data?.[kind];
                if (!pref) return null;
                const label = t(`notifications.kinds.${kind}`);
                const fixed = ALWAYS_IN_APP.has(kind);
                return (
                  <tr key={kind}>
                    <th scope="row">{label}</th>
                    <td>
                      <input
                        type="checkbox"
                        checked={fixed || pref.in_app}
                        disabled={fixed}
                        title={fixed ? t('notifications.always') : undefined}
                        aria-label={t('notifications.in_app_of', { kind: label })}
                        onChange={(e) => void change(kind, 'in_app', e.target.checked)}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        checked={pref.push}
                        aria-label={t('notifications.push_of', { kind: label })}
                        onChange={(e) => void change(kind, 'push', e.target.checked)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="muted hint">{t('notifications.always')}</p>
    </SettingsSection>
  );
}

/** Push alerts in this browser. The permission is asked only when the button is pressed. */
function PushToggle() {
  const { t } = useTranslation('settings');
  const [state, setState] = useState<PushState | 'loading'>('loading');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    pushState().then(
      (s) => live && setState(s),
      () => live && setState('off'),
    );
    return () => {
      live = false;
    };
  }, []);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      setState(state === 'on' ? await disablePush() : await enablePush());
    } catch (err) {
      setError(explain(err, t('push.failed')));
    } finally {
      setBusy(false);
    }
  }

  if (state === 'loading') return null;
  return (
    <div className="push-toggle">
      <p role="status" className="strong">
        {t(`push.state.${state}`)}
      </p>
      {state === 'unsupported' || state === 'denied' ? (
        <p className="muted">{t(`push.help.${state}`)}</p>
      ) : (
        <button
          type="button"
          className={state === 'on' ? undefined : 'primary'}
          disabled={busy}
          onClick={() => void toggle()}
        >
          {state === 'on' ? t('push.turn_off') : t('push.turn_on')}
        </button>
      )}
      <ErrorText error={error} />
    </div>
  );
}
