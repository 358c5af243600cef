import { Page, test, expect } from '@playwright/test';
import { DEMO, expectDashboard, freshPhone, gstin, hydrated, login } from './helpers';

/** Fills the sign-up form's fields by name (`state_code` is the state drop-down). */
async function fillSignup(page: Page, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'state_code') await page.selectOption(`select[name="form[${name}]"]`, value);
    else await page.fill(`input[name="form[${name}]"]`, value);
  }
}

test('each of the four roles lands on its own dashboard', async ({ page }) => {
  const homes: [keyof typeof DEMO, string, string][] = [
    ['retailer', '/retailer', 'retailer'],
    ['distributor', '/distributor', 'distributor'],
    ['manufacturer', '/manufacturer', 'manufacturer'],
    ['admin', '/admin', 'platform'],
  ];
  for (const [role, path, kind] of homes) {
    await page.context().clearCookies();
    await login(page, DEMO[role]);
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expectDashboard(page, kind);
  }
});

test("a retailer is refused another role's page", async ({ page }) => {
  await login(page, DEMO.retailer);
  await expectDashboard(page, 'retailer');
  const res = await page.goto('/distributor');
  expect(res?.status()).toBe(403);
  await expect(page.locator('[data-test="refused"]')).toContainText('This page is for distributor accounts');
  const admin = await page.goto('/admin');
  expect(admin?.status()).toBe(403);
});

test('a retailer signs up, sees field errors, then lands on the dashboard', async ({ page }) => {
  const phone = freshPhone();
  await page.goto('/signup?as=retailer');
  await hydrated(page);
  await fillSignup(page, {
    legal_name: 'Shree Sai Kirana Stores', gstin: '27AAPFU0939F1ZX', address_line: '4 Tilak Road, Sadashiv Peth',
    city: 'Pune', state_code: '27', pincode: '41103', owner_name: 'Sai Kulkarni', phone, password: 'password',
  });
  await page.click('form[data-test="signup-form"] button[type="submit"]');
  await expect(page.locator('[data-field="gstin"]')).toContainText('check character');
  await expect(page.locator('[data-field="pincode"]')).toContainText('6 digits');
  await expect(page.locator('[data-field="password"]')).toContainText('most guessed');
  await expect(page).toHaveURL(/\/signup/);

  await page.fill('input[name="form[gstin]"]', '');
  await page.fill('input[name="form[pincode]"]', '411030');
  await page.fill('input[name="form[password]"]', 'SaiKirana#30');
  await page.click('form[data-test="signup-form"] button[type="submit"]');
  await expect(page).toHaveURL(/\/retailer$/);
  await expectDashboard(page, 'retailer');
  await page.click('details.profile summary');
  await expect(page.locator('[data-test="org-card"]')).toContainText('Shree Sai Kirana Stores');
  await expect(page.locator('[data-test="org-card"]')).toContainText('Not registered');
  await expect(page.locator('[data-test="who"]')).toContainText('Sai Kulkarni');
});

test('admin approves a new distributor, who then trades from a working dashboard', async ({ browser }) => {
  const phone = freshPhone();
  const name = `Test Distributors ${phone.slice(-4)}`;
  const dist = await (await browser.newContext()).newPage();
  await dist.goto('/signup?as=distributor');
  await hydrated(dist);
  await fillSignup(dist, {
    legal_name: name, gstin: gstin('29', Number(phone.slice(-4))), address_line: '21 Avenue Road',
    city: 'Bengaluru', state_code: '29', pincode: '560002', owner_name: 'Kiran Rao', phone, password: 'Wholesale#Yard29',
  });
  await dist.click('form[data-test="signup-form"] button[type="submit"]');
  await expect(dist).toHaveURL(/\/distributor$/);
  await expect(dist.locator('[data-test="approval-pending"]')).toBeVisible();
  await dist.click('details.profile summary');
  await expect(dist.locator('[data-test="approval"]')).toHaveAttribute('data-state', 'pending');

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO.admin);
  await expectDashboard(admin, 'platform');
  const row = admin.locator(`[data-test="org-row"][data-name="${name}"]`);
  await expect(row).toBeVisible();
  await row.locator('[data-test="approve"]').click();
  await expect(admin.locator('[data-test="approval-result"]')).toContainText(`${name} is now active`);
  await expect(row).toHaveCount(0);

  await dist.reload();
  await expectDashboard(dist, 'distributor');
  await expect(dist.locator('[data-test="approval-pending"]')).toHaveCount(0);
  await dist.click('details.profile summary');
  await expect(dist.locator('[data-test="approval"]')).toHaveAttribute('data-state', 'active');
});

test('log out ends the session', async ({ page }) => {
  await login(page, DEMO.manufacturer);
  await expectDashboard(page, 'manufacturer');
  await page.click('[data-test="logout"]');
  await expect(page).toHaveURL(/\/login$/);
  const res = await page.goto('/manufacturer');
  await expect(page).toHaveURL(/\/login$/);
  expect(res?.ok()).toBeTruthy();
});
