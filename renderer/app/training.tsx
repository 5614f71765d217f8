import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';

/** True on a training terminal (app.info mode 'training'): every screen and printout says so. */
export const TrainingContext = createContext(false);

export function useTraining(): boolean {
  return useContext(TrainingContext);
}

/**
 * "TRAINING / 研修" across the screen, in both languages whatever is shown (a visitor at the
 * counter reads either), and a sentence for screen readers. It never takes a click. The big
 * text is drawn by CSS (counter.css .watermark::before): decoration, not content.
 */
export function TrainingWatermark({ print = false }: { print?: boolean }) {
  const { t } = useTranslation();
  return (
    <div
      className={print ? 'watermark watermark--print' : 'watermark'}
      data-testid={print ? 'training-watermark-print' : 'training-watermark'}
    >
      <p className="visually-hidden">{t('training.notice')}</p>
    </div>
  );
}

export function TrainingBanner() {
  const { t } = useTranslation();
  return (
    <p className="training-banner" data-testid="training-banner">
      {t('training.banner')}
    </p>
  );
}
