import { useTranslation } from 'react-i18next';

/** Before joining: people you blocked are speaking here. */
export function JoinWarning({
  blocked,
  onJoin,
  onBack,
}: {
  blocked: { id: string; handle: string; display_name: string }[];
  onJoin: () => void;
  onBack: () => void;
}) {
  const { t, i18n } = useTranslation('space');
  const names = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(
    blocked.map((b) => `${b.display_name} (@${b.handle})`),
  );
  return (
    <section className="join-warning" role="alertdialog" aria-labelledby="warning-title">
      <h2 id="warning-title">{t('warning.title')}</h2>
      <p dir="auto">{t('warning.body', { count: blocked.length, names })}</p>
      <div className="row">
        {/* Two buttons, as every dialog's choice is: what they say and do is this warning's. */}
        <button type="button" className="primary" onClick={onJoin}>
          {t('warning.join')}
        </button>
        <button type="button" onClick={onBack}>
          {t('warning.back')}
        </button>
      </div>
    </section>
  );
}
