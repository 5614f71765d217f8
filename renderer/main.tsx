// The renderer's entry: find the bridge, ask main for the saved language, then render.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { ApiContext } from './app/ApiContext';
import { App } from './app/App';
import { ApplicantApp } from './applicant/ApplicantApp';
import { settle } from './app/settle';
import { MissingBridgeScreen } from './app/StartScreens';
import { createI18n, DEFAULT_LANGUAGE } from './i18n';
import './styles/fonts.css';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/counter.css';

async function start(container: HTMLElement): Promise<void> {
  const root = createRoot(container);
  const api = window.madoguchi;
  if (api === undefined) {
    root.render(<MissingBridgeScreen />);
    return;
  }
  // The language is known before the first paint, so an English-speaking desk never sees
  // the Japanese screen flash first. If main cannot answer, Japanese; the start-up screen
  // then shows what failed.
  const settings = await settle(api.settings.get({}));
  // The applicant-facing window (a second window, main/app/electron/applicant-window.ts) runs
  // the same bundle on its own route, with its own language switch and nothing of the clerk's.
  if (window.location.hash === '#applicant') {
    root.render(
      <StrictMode>
        <ApiContext value={api}>
          <ApplicantApp
            initialLanguage={settings.ok ? settings.value.language : DEFAULT_LANGUAGE}
          />
        </ApiContext>
      </StrictMode>,
    );
    return;
  }
  const i18n = createI18n(settings.ok ? settings.value.language : DEFAULT_LANGUAGE);
  root.render(
    <StrictMode>
      <ApiContext value={api}>
        <I18nextProvider i18n={i18n}>
          <App />
        </I18nextProvider>
      </ApiContext>
    </StrictMode>,
  );
}

const container = document.getElementById('root');
if (container !== null) void start(container);
