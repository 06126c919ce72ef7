import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language, setLanguage } from '../../i18n';
import { SettingsSection } from './SettingsSection';
import { THEMES, useTheme } from './theme';

/** Theme and language: kept in this browser, applied at once. */
export function AppearanceSection() {
  const { t, i18n } = useTranslation('settings');
  const [theme, setTheme] = useTheme();
  const language = (LANGUAGES as readonly string[]).includes(i18n.language)
    ? (i18n.language as Language)
    : 'en';
  return (
    <SettingsSection title={t('appearance.title')} intro={t('appearance.intro')} id="appearance">
      <fieldset className="choice-group">
        <legend>{t('appearance.theme')}</legend>
        {THEMES.map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name="theme"
              value={value}
              checked={theme === value}
              onChange={() => setTheme(value)}
            />
            {t(`appearance.themes.${value}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="choice-group">
        <legend>{t('appearance.language')}</legend>
        {LANGUAGES.map((value) => (
          // Each language is named in itself, so someone who cannot read the current one finds theirs.
          <label key={value} className="check" lang={value}>
            <input
              type="radio"
              name="language"
              value={value}
              checked={language === value}
              onChange={() => void setLanguage(value)}
            />
            {t(`language.${value}`, { ns: 'common', lng: value })}
          </label>
        ))}
      </fieldset>
    </SettingsSection>
  );
}
