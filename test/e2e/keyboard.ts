// How the E2E tests work the counter: from the keyboard only, as a clerk would, and with
// every screen checked by axe and photographed in both languages.

import type { Page } from 'playwright-core';
import { expectAccessible } from './axe';
import type { Counter } from './bridge';

/** Focuses the control and presses a key on it (Enter by default). */
export async function press(page: Page, testId: string, key = 'Enter'): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.press(key);
}

/** Focuses the field and types into it; a small delay makes a human, a zero one a scanner. */
export async function typeInto(page: Page, testId: string, text: string, delay = 0): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.type(text, { delay });
}

export async function signInWith(page: Page, staffId: string, password: string): Promise<void> {
  await typeInto(page, 'signin-staff-id', staffId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('screen-home').waitFor();
}

/** The screen `ready` waits for, axe-checked and photographed in Japanese, then in English. */
export async function both(
  counter: Counter,
  name: string,
  ready: (page: Page) => Promise<void>,
): Promise<void> {
  const { page } = counter;
  await ready(page);
  await expectAccessible(page, `${name} (ja)`);
  await counter.screenshot(`${name}-ja`);
  await press(page, 'language-en');
  await page.locator('html[lang="en"]').waitFor();
  await ready(page);
  await expectAccessible(page, `${name} (en)`);
  await counter.screenshot(`${name}-en`);
  await press(page, 'language-ja');
  await page.locator('html[lang="ja"]').waitFor();
}
