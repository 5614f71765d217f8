// The renderer's translations. Japanese is the default; which language is shown is a
// setting kept by main (settings.get / settings.setLanguage / settings.changed), so the
// choice survives a restart and every window agrees. Nothing here reads or writes storage.

import { createInstance, type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../preload/contract';
import en from './en.json';
import ja from './ja.json';

export const DEFAULT_LANGUAGE: Language = 'ja';

/**
 * Each language written in itself, as a language switch should show it. Typed against the
 * contract's Language so adding a language there fails to compile until it is named here.
 */
export const LANGUAGE_NAMES = { ja: '日本語', en: 'English' } as const satisfies Record<
  Language,
  string
>;

export const SUPPORTED_LANGUAGES = Object.keys(LANGUAGE_NAMES) as Language[];

// The catalogs are checked against each other by catalog.test.ts; `satisfies` also makes a
// key missing from en.json a compile error.
const resources = {
  ja: { translation: ja },
  en: { translation: en satisfies typeof ja },
} as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof ja };
  }
}

export function isLanguage(value: string): value is Language {
  return (SUPPORTED_LANGUAGES as string[]).includes(value);
}

export function createI18n(language: Language): i18n {
  const instance = createInstance();
  // Resources are bundled, so init completes synchronously and the first render is translated.
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: SUPPORTED_LANGUAGES,
    initAsync: false,
    // React escapes text itself.
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
  });
  return instance;
}
