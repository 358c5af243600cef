import { test, expect } from '@playwright/test';
import { DEMO, PASSWORD } from './helpers';

// JavaScript disabled: the server-rendered pages must work before the WASM arrives.
test('log-in page and dashboard work without JavaScript', async ({ page }) => {
  await page.goto('/login');
  await page.fill('input[name="identifier"]', DEMO.retailer);
  await page.fill('input[name="password"]', 'not-the-password');
  await page.click('form[data-test="login-form"] button[type="submit"]');
  await expect(page).toHaveURL(/\/login\?error=/);
  await expect(page.locator('[data-field="password"]')).toContainText('Wrong mobile number');

  await page.fill('input[name="identifier"]', DEMO.retailer);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('form[data-test="login-form"] button[type="submit"]');
  await expect(page).toHaveURL(/\/retailer$/);
  await expect(page.locator('[data-test="dashboard"]')).toHaveAttribute('data-kind', 'retailer');
  await expect(page.locator('[data-test="order-list"], [data-test="no-orders"]').first()).toBeVisible();
});

test('distributor and admin dashboards render without JavaScript', async ({ page }) => {
  for (const [phone, path, kind] of [[DEMO.distributor, '/distributor', 'distributor'], [DEMO.admin, '/admin', 'platform']]) {
    await page.context().clearCookies();
    await page.goto('/login');
    await page.fill('input[name="identifier"]', phone);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form[data-test="login-form"] button[type="submit"]');
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.locator('[data-test="dashboard"]')).toHaveAttribute('data-kind', kind);
  }
  await expect(page.locator('[data-test="org-list"]')).toBeVisible();
});
