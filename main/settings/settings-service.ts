import type { Db } from '../../db/open';
import type { Language, Settings } from '../../preload/contract';
import type { EventBus } from '../core/event-bus';
import { retentionDays, setRetentionDays } from './retention';

const DEFAULT_LANGUAGE: Language = 'ja';

/** Terminal settings kept in the store, so they survive restarts and follow the terminal. */
export class SettingsService {
  readonly #db: Db;
  readonly #bus: EventBus;

  constructor(db: Db, bus: EventBus) {
    this.#db = db;
    this.#bus = bus;
  }

  get(): Settings {
    const language = this.#read('language');
    return { language: language === 'en' || language === 'ja' ? language : DEFAULT_LANGUAGE };
  }

  setLanguage(language: Language): Settings {
    this.#write('language', language);
    const settings = this.get();
    this.#bus.emit('settings.changed', settings);
    return settings;
  }

  /**
   * Whether the counter window is hidden from screen capture and recording
   * (BrowserWindow.setContentProtection; Windows and macOS honour it). An administrator turns
   * it on with `madoguchi settings content-protection on`; the app applies it to its window
   * when it starts. Off by default: some offices record screens for support.
   */
  contentProtection(): boolean {
    return this.#read('content_protection') === 'on';
  }

  setContentProtection(on: boolean): void {
    this.#write('content_protection', on ? 'on' : 'off');
  }

  centralUrl(): string | null {
    return this.#read('central_url');
  }

  setCentralUrl(url: string): void {
    this.#write('central_url', url);
  }

  /** Days the personal data of a closed case is kept (main/settings/retention.ts). */
  retentionDays(): number {
    return retentionDays(this.#db);
  }

  setRetentionDays(days: number): void {
    setRetentionDays(this.#db, days);
  }

  #read(key: string): string | null {
    const row = this.#db.prepare('SELECT value FROM terminal_setting WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  #write(key: string, value: string): void {
    this.#db
      .prepare(
        'INSERT INTO terminal_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }
}
