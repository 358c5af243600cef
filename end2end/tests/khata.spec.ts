import { test, expect, Browser, Page } from '@playwright/test';
import { hydrated, login, paise, placeAndOpen } from './helpers';

// A Pune shop no other browser test uses, and its distributor.
const SHOP = '9300000035';
const GANESH = { phone: '9200000001', name: 'Shree Ganesh Traders' };

async function signedIn(browser: Browser, phone: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await login(page, phone);
  return page;
}

/** The shop orders Marie Gold biscuits; the distributor accepts: one invoice. Returns its total in paise. */
async function invoicedOrder(shop: Page, dist: Page): Promise<number> {
  await shop.goto('/retailer/shop?q=marie');
  await hydrated(shop);
  const product = shop.locator('[data-test="product"][data-name="Marie Gold Biscuits 200 g"]');
  const add = product.locator(`[data-test="offer"][data-distributor="${GANESH.name}"] [data-test="add"]`);
  await add.click();
  await expect(add).toContainText('In cart');
  await shop.goto('/retailer/cart');
  await hydrated(shop);
  const orderId = await placeAndOpen(shop, GANESH.name);
  const total = paise((await shop.locator('[data-test="order-total"]').first().textContent()) ?? '');
  await dist.goto(`/orders/${orderId}`);
  await hydrated(dist);
  await dist.locator('[data-test="act-accept_deliver"]').click();
  await expect(dist.locator('[data-test="order-state"]').first()).toHaveText('Confirmed');
  return total;
}

test('the distributor records one cash payment against two invoices; both sides see the account settle', async ({ browser }) => {
  test.setTimeout(150_000);
  const shop = await signedIn(browser, SHOP);
  const dist = await signedIn(browser, GANESH.phone);
  const shopName = ((await shop.locator('[data-test="who"] .org').first().textContent()) ?? '').trim();
  expect(shopName.length).toBeGreaterThan(2);
  const first = await invoicedOrder(shop, dist);
  const second = await invoicedOrder(shop, dist);

  await dist.goto('/distributor/accounts');
  await hydrated(dist);
  await expect(dist.locator('[data-test="receivable"]')).not.toHaveText('₹0.00');
  await dist.locator(`[data-test="account-row"][data-name="${shopName}"] a`).click();
  await expect(dist.locator('[data-test="account-title"]')).toHaveText(shopName);
  await hydrated(dist);
  await expect(dist.locator('[data-test="open-invoice"]')).toHaveCount(2);
  const owed = paise((await dist.locator('[data-test="account-balance"]').textContent()) ?? '');
  expect(owed).toBe(first + second);

  const form = dist.locator('form[data-test="payment-form"]');
  await form.locator('[data-test="amount"]').fill(((first + second) / 100).toFixed(2));
  await form.locator('[data-test="method"]').selectOption('cash');
  await form.locator('[data-test="record-payment"]').click();
  await expect(dist.locator('[data-test="payment-recorded"]')).toContainText('Applied:');
  await expect(dist.locator('[data-test="account-balance"]')).toHaveText('Settled');
  await expect(dist.locator('[data-test="no-open"]')).toBeVisible();
  await expect(dist.locator('[data-test="statement-line"][data-kind="payment"]')).toHaveCount(1);

  // The shop sees its account with the distributor settled too.
  await shop.goto('/retailer/accounts');
  await hydrated(shop);
  const row = shop.locator(`[data-test="account-row"][data-name="${GANESH.name}"]`);
  await expect(row.locator('[data-test="balance"]')).toHaveText('Settled');
  await row.locator('a').click();
  await expect(shop.locator('[data-test="statement-line"][data-kind="invoice"]')).toHaveCount(2);
  await expect(shop.locator('form[data-test="payment-form"]')).toHaveCount(0);
});
