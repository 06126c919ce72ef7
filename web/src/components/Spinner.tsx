import { useTranslation } from 'react-i18next';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation('components');
  return (
    <p className="muted loading" role="status">
      {label ?? t('loading')}
    </p>
  );
}
