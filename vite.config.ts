import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer bundle. Electron loads it from app://counter and the E2E tests from a local
// static server, both under the strict CSP in renderer/index.html, so the build must emit
// nothing that needs 'unsafe-inline' or 'unsafe-eval':
// - no module-preload polyfill (Vite writes it as an inline <script>);
// - no assets inlined as data: URLs (font-src allows 'self' only; fonts must stay files).
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // Chromium of Electron 45 (and Debian's Chromium for the E2E tests).
    target: 'chrome130',
  },
});
