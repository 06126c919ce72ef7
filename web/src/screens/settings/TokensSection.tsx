import type { TokenDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { QuietInput } from '../../components/QuietField';
import { useAsync } from '../../components/useAsync';
import { explain, settingsApi } from './api';
import { dateTime } from './format';
import { SettingsSection } from './SettingsSection';

/** API tokens for scripts and bots: made here, shown once, revoked here. */
export function TokensSection() {
  const { t } = useTranslation('settings');
  const tokens = useAsync(() => settingsApi.tokens(), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    setError(null);
    try {
      const token = await settingsApi.createToken(name.trim());
      setCreated({ name: token.name ?? name.trim(), token: token.token });
      setCopied(false);
      setName('');
      const { token: _secret, ...listed } = token;
      tokens.setData({ data: [listed, ...(tokens.data?.data ?? [])] });
    } catch (err) {
      setError(explain(err, t('tokens.failed')));
    }
  }

  async function revoke(token: TokenDto) {
    setError(null);
    try {
      await settingsApi.revokeToken(token.id);
      tokens.setData({ data: (tokens.data?.data ?? []).filter((x) => x.id !== token.id) });
      setRevoking(null);
    } catch (err) {
      setError(explain(err, t('tokens.failed')));
      setRevoking(null);
    }
  }

  async function copy(value: string) {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Without clipboard access the field stays selected for a manual copy.
    }
  }

  const list = tokens.data?.data ?? [];
  return (
    <SettingsSection title={t('tokens.title')} intro={t('tokens.intro')} id="tokens">
      <form onSubmit={create} className="row settings-form">
        <div className="grow">
          <Field
            label={t('tokens.name')}
            value={name}
            maxLength={60}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" disabled={!name.trim()}>
          {t('tokens.create')}
        </button>
      </form>
      {created ? (
        <div className="token-created" role="status">
          <p className="strong">{t('tokens.created', { name: created.name })}</p>
          <div className="row">
            <QuietInput
              id="new-token"
              label={t('tokens.value')}
              readOnly
              value={created.token}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" onClick={() => void copy(created.token)}>
              {copied ? t('tokens.copied') : t('tokens.copy')}
            </button>
          </div>
          <p className="muted">{t('tokens.once')}</p>
        </div>
      ) : null}
      <ErrorText error={tokens.error ?? error} />
      {tokens.data && list.length === 0 ? <p className="muted">{t('tokens.none')}</p> : null}
      <ul className="settings-list" aria-label={t('tokens.list')}>
        {list.map((token) => (
          <li key={token.id} className="settings-item">
            <div className="grow">
              <span className="strong" dir="auto">
                {token.name ?? t('tokens.unnamed')}
              </span>
              <span className="muted settings-meta">
                {t('tokens.meta', {
                  created: dateTime(token.created_at),
                  used: dateTime(token.last_used_at),
                })}
              </span>
            </div>
            <button
              type="button"
              className="danger"
              onClick={() => setRevoking(token)}
              aria-label={t('tokens.revoke_one', { name: token.name ?? t('tokens.unnamed') })}
            >
              {t('tokens.revoke')}
            </button>
          </li>
        ))}
      </ul>
      {revoking ? (
        <Modal
          title={t('tokens.revoke_title', { name: revoking.name ?? t('tokens.unnamed') })}
          role="alertdialog"
          onClose={() => setRevoking(null)}
        >
          <p>{t('tokens.revoke_body')}</p>
          <div className="row">
            <button type="button" onClick={() => setRevoking(null)}>
              {t('cancel')}
            </button>
            <button type="button" className="danger" onClick={() => void revoke(revoking)}>
              {t('tokens.revoke')}
            </button>
          </div>
        </Modal>
      ) : null}
    </SettingsSection>
  );
}
