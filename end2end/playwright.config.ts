import { defineConfig } from '@playwright/test';

// Runs against the release build (optimised WASM) started by server.sh with a
// fresh database and the demo data. Debian's Chromium: Playwright's own browser
// download is not available offline.
const port = Number(process.env.E2E_PORT ?? 3100);
// The fake Razorpay the server's payment links and the tests' checkout use.
const razorpayPort = Number(process.env.FAKE_RAZORPAY_PORT ?? 3190);

export default defineConfig({
  testDir: './tests',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    viewport: { width: 360, height: 740 },
    isMobile: false,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true }, testIgnore: /nojs\.spec\.ts/ },
    { name: 'no-js', use: { javaScriptEnabled: false }, testMatch: /nojs\.spec\.ts/ },
  ],
  webServer: [
    {
      command: 'node ./fake-razorpay.mjs',
      url: `http://127.0.0.1:${razorpayPort}/_fake/health`,
      timeout: 20_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      env: { FAKE_RAZORPAY_PORT: String(razorpayPort) },
    },
    {
      command: 'bash ./server.sh',
      url: `http://127.0.0.1:${port}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      env: { E2E_PORT: String(port), FAKE_RAZORPAY_PORT: String(razorpayPort) },
    },
  ],
});
