import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES } from '../i18n';

/**
 * 日本語 / English. The choice is saved by main (settings.setLanguage) so it survives a
 * restart; the shown language changes once main has accepted it. Changes made elsewhere
 * arrive as settings.changed, which the app shell follows.
 */
export function LanguageSwitch() {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [failed, setFailed] = useState(false);
  const [pending, setPending] = useState(false);
  const current = i18n.language;

  async function choose(language: Language) {
    if (language === current || pending) return;
    setPending(true);
    const result = await settle(api.settings.setLanguage({ language }));
    setPending(false);
    setFailed(!result.ok);
    if (result.ok) await i18n.changeLanguage(result.value.language);
  }

  return (
    <div className="language-switch">
      <div className="segmented" role="group" aria-label={t('language.label')}>
        {SUPPORTED_LANGUAGES.map((language) => (
          <button
            key={language}
            type="button"
            lang={language}
            className="segmented__option"
            aria-pressed={language === current}
            data-testid={`language-${language}`}
            onClick={() => void choose(language)}
          >
            {LANGUAGE_NAMES[language]}
          </button>
        ))}
      </div>
      {failed ? (
        <p className="language-switch__error" role="alert">
          {t('language.failed')}
        </p>
      ) : null}
    </div>
  );
}
