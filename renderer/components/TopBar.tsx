import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';

interface TopBarProps {
  /** Controls shown before the language switch (the signed-in staff, sign out). */
  actions?: ReactNode;
  /** A second row under the bar (the reader status). */
  children?: ReactNode;
}

/** The bar at the top of every screen: app name, then actions, then the language switch. */
export function TopBar({ actions, children }: TopBarProps) {
  const { t } = useTranslation();
  return (
    <header className="topbar">
      <div className="topbar__row">
        <p className="brand" data-testid="app-name">
          <span className="brand__mark" lang="ja">
            {t('app.name')}
          </span>
          <span className="brand__latin" lang="en">
            {t('app.nameLatin')}
          </span>
        </p>
        <div className="topbar__actions">
          {actions}
          <LanguageSwitch />
        </div>
      </div>
      {children}
    </header>
  );
}
