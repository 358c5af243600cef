import { test, expect } from '@playwright/test';
import { hydrated, login, placeAndOpen } from './helpers';

// The demo has no WhatsApp credentials, so messages go to the sandbox phone on the
// admin's WhatsApp page; a tap there goes through the signed webhook like a real one.
test('a shop orders, the distributor accepts by tapping the WhatsApp button, the shop sees it live', async ({ browser }) => {
  test.setTimeout(120_000);

  // The shop places an order with Shree Ganesh Traders.
  const shop = await (await browser.newContext()).newPage();
  await login(shop, '9300000007');
  await shop.goto('/retailer/shop?q=biscuits');
  await hydrated(shop);
  await shop.locator('[data-test="offer"][data-distributor="Shree Ganesh Traders"] [data-test="add"]').first().click();
  await shop.goto('/retailer/cart');
  await hydrated(shop);
  const orderId = await placeAndOpen(shop, 'Shree Ganesh Traders');

  // The distributor's phone (the sandbox) got the alert with three buttons.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, '9000000001');
  await admin.goto('/admin/whatsapp?phone=919200000001');
  await hydrated(admin);
  const alert = admin.locator('[data-test="bubble"]', { hasText: `Order #${orderId}:` });
  await expect(alert).toBeVisible({ timeout: 20_000 });
  await expect(alert.locator('[data-test="wa-button"]')).toHaveText(['Accept & deliver', 'Accept – pickup', 'Reject']);
  await alert.locator('[data-test="wa-button"]', { hasText: 'Accept & deliver' }).click();
  await expect(admin.locator('[data-test="wa-result"]').first()).toContainText(`accepted order ${orderId}`);

  // The shop's page shows the new status without a reload, accepted via WhatsApp,
  // and the alert's delivery receipts under the timeline.
  await expect(shop.locator('[data-test="order-state"]').first()).toHaveText('Confirmed', { timeout: 15_000 });
  await expect(shop.locator('[data-test="timeline"]')).toContainText('via whatsapp');
  await expect(shop.locator('[data-test="wa-log"]')).toContainText('New order alert');
});
