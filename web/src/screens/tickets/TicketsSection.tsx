import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { SettingsSection } from '../settings/SettingsSection';

/** In settings: the tickets you bought, and the sales and payouts of the spaces you sold. */
export function TicketsSection() {
  const { t } = useTranslation('tickets');
  return (
    <SettingsSection title={t('settings.title')} intro={t('settings.intro')} id="tickets">
      <ul className="row">
        <li>
          <Link className="button" to="/settings/tickets">
            {t('mine.title')}
          </Link>
        </li>
        <li>
          <Link className="button" to="/settings/sales">
            {t('sales.title')}
          </Link>
        </li>
      </ul>
    </SettingsSection>
  );
}
