// Playwright configuration for the Pantau KLA end-to-end tests.
//
// The pages are server-rendered and must work without JavaScript, so every project runs with JavaScript
// off. The browser is Debian's Chromium (`apt-get install chromium`): `npx playwright install` cannot
// download browsers on our machines. The server is started by ../scripts/test.sh, which passes its address
// in BASE_URL; to run by hand against a server you started yourself:
//   BASE_URL=http://127.0.0.1:3000 npx playwright test
import { defineConfig } from '@playwright/test';

const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('BASE_URL is not set: start `pantau-kla serve` and set BASE_URL=http://127.0.0.1:PORT (scripts/test.sh does both)');
}

const chromium = {
  browserName: 'chromium',
  headless: true,
  javaScriptEnabled: false,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.spec.mjs',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: 'list',
  // A guard against hangs, not a speed check (the benchmark measures speed): CI runs both engines'
  // suites and clippy at once, and a journey through the national page's 514-outline map took 39 s there.
  timeout: 90_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
    locale: 'id-ID',
    timezoneId: 'Asia/Makassar',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  // The public pages first, on a desktop and a phone; then data entry, which writes records that change
  // the figures the public-page specs check; then evaluation preparation, which uses those records; then
  // incomplete real data (a training without a count, a province-wide training, predicates only).
  projects: [
    {
      name: 'desktop',
      testIgnore: ['**/data-entry.spec.mjs', '**/evaluation.spec.mjs', '**/real-data.spec.mjs'],
      use: { ...chromium, viewport: { width: 1280, height: 800 } },
    },
    {
      // layout.spec.mjs sets its own widths and prints: measured once, on the desktop (mobile emulation
      // would zoom a too-wide page out to fit and hide the overflow it looks for).
      name: 'phone',
      testIgnore: ['**/data-entry.spec.mjs', '**/evaluation.spec.mjs', '**/real-data.spec.mjs', '**/layout.spec.mjs'],
      use: { ...chromium, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
    {
      name: 'data-entry',
      testMatch: '**/data-entry.spec.mjs',
      dependencies: ['desktop', 'phone'],
      use: { ...chromium, viewport: { width: 1280, height: 800 } },
    },
    {
      name: 'evaluation',
      testMatch: '**/evaluation.spec.mjs',
      dependencies: ['data-entry'],
      use: { ...chromium, viewport: { width: 1280, height: 800 } },
    },
    {
      name: 'real-data',
      testMatch: '**/real-data.spec.mjs',
      dependencies: ['evaluation'],
      use: { ...chromium, viewport: { width: 1280, height: 800 } },
    },
  ],
});
