import { test, expect, chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('Chromium reports the app installable, with a service worker controlling the shell', async ({ baseURL }, testInfo) => {
  // Installability is never reported for incognito windows, which ordinary
  // Playwright contexts are: use a persistent profile like a real phone's.
  const profile = mkdtempSync(join(tmpdir(), 'auromart-pwa-'));
  const launch = testInfo.project.use.launchOptions ?? {};
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: launch.executablePath, args: launch.args, baseURL, viewport: { width: 360, height: 740 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/');
  const manifest = await page.request.get('/manifest.webmanifest');
  expect(manifest.ok()).toBeTruthy();
  const json = await manifest.json();
  expect(json.display).toBe('standalone');
  for (const icon of json.icons) {
    const res = await page.request.get(icon.src);
    expect(res.headers()['content-type']).toBe('image/png');
  }
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready), undefined, { timeout: 20_000 });
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 20_000 });
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  // The shell is cached: the offline page comes from the service worker.
  await context.setOffline(true);
  await page.goto('/offline');
  await expect(page.locator('h1')).toContainText('You are offline');
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test('the layout fits a 360 px phone without sideways scrolling', async ({ page }) => {
  for (const path of ['/', '/login', '/signup']) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});
