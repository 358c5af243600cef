import { test, expect } from '@playwright/test';
import { hydrated, login, placeAndOpen } from './helpers';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

// Steps 1–5 of the brief across three browser contexts, with live updates.
test('brand adds a SKU, distributor stocks it, shop finds it misspelt and orders, distributor accepts and delivers live', async ({ browser }) => {
  test.setTimeout(120_000);
  const tag = String(Date.now()).slice(-6);
  const name = `Kesar Pista Cookies 150 g ${tag}`;

  // 1. The manufacturer adds a SKU.
  const brand = await (await browser.newContext()).newPage();
  await login(brand, '9100000001');
  await brand.goto('/manufacturer/products');
  await hydrated(brand);
  const form = brand.locator('form[data-test="sku-form"]');
  await form.locator('input[name="sku[code]"]').fill(`E2E-${tag}`);
  await form.locator('input[name="sku[name]"]').fill(name);
  await form.locator('input[name="sku[brand]"]').fill('Sahyadri');
  await form.locator('select[name="sku[category]"]').selectOption('Biscuits');
  await form.locator('input[name="sku[hsn]"]').fill('1905');
  await form.locator('input[name="sku[mrp]"]').fill('45');
  await form.locator('select[name="sku[unit]"]').selectOption('pack');
  await form.locator('[data-test="save-sku"]').click();
  await expect(brand.locator('[data-test="sku-saved"]')).toContainText(name);

  // 2. A linked distributor carries it at its own price and records stock.
  const dist = await (await browser.newContext()).newPage();
  await login(dist, '9200000001');
  await dist.goto('/distributor/stock');
  await hydrated(dist);
  await dist.fill('[data-test="stock-search"]', tag);
  // Wait for the filtered list, so the row is not re-rendered under the typing.
  await expect(dist.locator('[data-test="stock-row"]')).toHaveCount(1);
  const row = dist.locator(`[data-test="stock-row"][data-name="${name}"]`);
  await row.locator('[data-test="price"]').fill('40');
  await row.locator('[data-test="save-listing"]').click();
  await expect(row.locator('[data-test="stock-levels"]')).toContainText('On hand 0');
  await row.locator('[data-test="adjust-qty"]').fill('25');
  await row.locator('[data-test="adjust"]').click();
  await expect(row.locator('[data-test="stock-levels"]')).toContainText('On hand 25');

  // The distributor watches the order panel.
  await dist.goto('/distributor');
  await hydrated(dist);

  // 3. A shop in Pune finds it with a misspelt search and orders.
  const shop = await (await browser.newContext()).newPage();
  await login(shop, '9300000007');
  await shop.goto(`/retailer/shop?q=${encodeURIComponent(`kesar pissta ${tag}`)}`);
  await hydrated(shop);
  const product = shop.locator(`[data-test="product"][data-name="${name}"]`);
  await expect(product).toBeVisible();
  await product.locator('[data-test="offer"][data-distributor="Shree Ganesh Traders"] [data-test="add"]').click();
  await expect(product.locator('[data-test="add"]').first()).toContainText('In cart: 1');
  await shop.goto('/retailer/cart');
  await hydrated(shop);
  const cart = shop.locator('[data-test="cart"]');
  await cart.locator('[data-test="qty"]').fill('6');
  await expect(cart.locator('[data-test="taxable"]')).toHaveText('₹240.00');
  await expect(cart.locator('[data-test="tax"]')).toHaveText('₹12.00');
  const orderId = await placeAndOpen(shop, 'Shree Ganesh Traders');

  // 4. The order appears on the distributor's panel without a reload; accept with delivery.
  const card = dist.locator(`[data-test="order-row"][data-id="${orderId}"]`);
  await expect(card).toBeVisible({ timeout: 15_000 });
  await expect(dist.locator('[data-test="new-orders"]')).not.toHaveText('0');
  await card.locator('[data-test="act-accept_deliver"]').click();

  // 5. The shop sees the new status without reloading.
  await expect(shop.locator('[data-test="order-state"]').first()).toHaveText('Confirmed', { timeout: 15_000 });

  // Packed → Out for delivery → Delivered, each seen live by the shop.
  await dist.goto(`/orders/${orderId}`);
  await hydrated(dist);
  for (const [action, label] of [['pack', 'Packed'], ['dispatch', 'Out for delivery'], ['delivered', 'Delivered']]) {
    await dist.locator(`[data-test="act-${action}"]`).click();
    await expect(dist.locator('[data-test="order-state"]').first()).toHaveText(label);
    await expect(shop.locator('[data-test="order-state"]').first()).toHaveText(label, { timeout: 15_000 });
  }
  await expect(shop.locator('[data-test="timeline"] li')).toHaveCount(5);

  // 6. Acceptance issued the GST invoice: the order page links it, and the shop downloads
  // it from its invoices dashboard as a valid PDF carrying that invoice number.
  const onOrder = shop.locator('[data-test="order-invoice-download"]');
  await expect(onOrder).toBeVisible({ timeout: 15_000 });
  const number = (await onOrder.getAttribute('data-number'))!;
  expect(number).toMatch(/^SGT\/\d{4}\/\d+$/);
  await shop.goto('/retailer/invoices');
  await hydrated(shop);
  const invoiceRow = shop.locator(`[data-test="invoice-row"][data-number="${number}"]`);
  await expect(invoiceRow).toContainText('₹252.00');
  const [download] = await Promise.all([
    shop.waitForEvent('download'),
    invoiceRow.locator('[data-test="invoice-download"]').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${number.replaceAll('/', '-')}.pdf`);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  expect(text).toContain('TAX INVOICE');
  expect(text).toContain(number);
  expect(text).toContain(tag);
});
