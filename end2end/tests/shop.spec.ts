import { test, expect } from '@playwright/test';
import { DEMO, hydrated, login } from './helpers';

// The shop's first screen on a 360 px phone: search on top, the other filters
// folded behind one button, a cart bar with count and total always in reach,
// and every control at least 44 px tall.

test('the shop opens on search and products, filters fold, the cart bar counts and totals', async ({ page }) => {
  await login(page, DEMO.retailer);
  await page.goto('/retailer/shop');
  await hydrated(page);

  await expect(page.locator('[data-test="search"]')).toBeVisible();
  await expect(page.locator('select[name="category"]')).toBeHidden();
  const filters = page.locator('[data-test="filters"] summary');
  for (const control of [filters, page.locator('.search-row button'), page.locator('[data-test="cartbar"]')]) {
    const box = await control.boundingBox();
    expect(box!.height, 'a touch target of at least 44 px').toBeGreaterThanOrEqual(44);
  }
  await expect(page.locator('[data-test="product"]').first()).toBeInViewport();

  await filters.click();
  await expect(page.locator('select[name="category"]')).toBeVisible();
  const inStock = await page.locator('label.check').boundingBox();
  expect(inStock!.height).toBeGreaterThanOrEqual(44);

  // The bar stays at the bottom of the screen and follows the cart.
  const bar = page.locator('[data-test="cartbar"]');
  await expect(bar).toBeInViewport();
  await expect(bar).toContainText('0 items in the cart');
  await page.fill('[data-test="search"]', 'marie gold');
  await page.locator('.search-row button').click();
  await page.waitForURL(/q=marie/);
  const product = page.locator('[data-test="product"][data-name="Marie Gold Biscuits 200 g"]');
  await product.locator('[data-test="add"]').first().click();
  await expect(bar).toContainText('1 item in the cart');
  await expect(bar).toContainText('+ GST');
  await expect(bar).not.toContainText('₹0.00');

  // A filter set by the link opens the fold, and the next page's link keeps it, encoded.
  await page.goto('/retailer/shop?q=&in_stock=on&brand=' + encodeURIComponent('A & B'));
  await hydrated(page);
  await expect(page.locator('[data-test="filters"]')).toHaveAttribute('open', '');
  await expect(page.locator('input[name="brand"]')).toHaveValue('A & B');
});
