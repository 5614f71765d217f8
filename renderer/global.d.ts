import type { MadoguchiApi } from '../preload/client';

declare global {
  interface Window {
    /**
     * The typed bridge to main, exposed by the preload script (and by the Playwright bridge
     * in E2E tests). Missing when the page is opened anywhere else.
     */
    readonly madoguchi?: MadoguchiApi;
  }
}

export {};
