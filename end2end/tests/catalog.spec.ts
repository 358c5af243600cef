import { test, expect } from '@playwright/test';
import { hydrated, login } from './helpers';

// A manufacturer imports a large spreadsheet in parts (with a progress bar and a
// lost part retried), then gives one product a photo taken on the phone.
test('a 6,000-row CSV imports in parts with progress, then a product gets a photo', async ({ browser }) => {
  test.setTimeout(120_000);
  const tag = String(Date.now()).slice(-7);
  const page = await (await browser.newContext()).newPage();
  await login(page, '9100000001');
  await page.goto('/manufacturer/products');
  await hydrated(page);

  // Slow every part down a little so the progress bar is seen, and lose the
  // answer to the second part once: the page must send it again by itself.
  let parts = 0;
  await page.route('**/api/catalog/import_part', async (route) => {
    parts += 1;
    if (parts === 2) {
      await route.abort('connectionreset');
      return;
    }
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  let csv = 'code,name,brand,category,hsn,mrp,unit,pack_size\n';
  for (let i = 0; i < 6000; i++) {
    csv += `E2E${tag}-${i},Import test biscuit ${tag} no ${i},Sahyadri,Biscuits,1905,${10 + (i % 50)}.00,pack,1\n`;
  }
  await page.locator('[data-test="csv-file"]').setInputFiles({
    name: 'products.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf-8'),
  });
  await expect(page.locator('[data-test="csv-progress"]')).toBeVisible();
  await expect(page.locator('[data-test="csv-status"]')).toContainText('of 6,000 rows');
  await expect(page.locator('[data-test="csv-ok"]')).toHaveText('Imported 6000 new and updated 0 products.', { timeout: 60_000 });
  expect(parts).toBe(4); // three parts of 2,500 / 2,500 / 1,000 rows, one sent twice

  // The photo: made here as a PNG, shrunk by the page, re-encoded by the server.
  const code = `E2E${tag}-5999`;
  await page.fill('input[type="search"]', code.toLowerCase());
  const sku = page.locator(`[data-test="sku"][data-code="${code}"]`);
  await expect(page.locator('[data-test="sku"]')).toHaveCount(1);
  const png = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 1200;
    c.height = 900;
    const g = c.getContext('2d')!;
    g.fillStyle = '#f59e0b';
    g.fillRect(0, 0, 1200, 900);
    g.fillStyle = '#0f766e';
    g.fillRect(300, 200, 600, 500);
    return c.toDataURL('image/png').split(',')[1];
  });
  await sku.locator('[data-test="photo-file"]').setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: Buffer.from(png, 'base64'),
  });
  const thumb = page.locator(`[data-test="sku"][data-code="${code}"] [data-test="sku-thumb"]`);
  await expect(thumb).toBeVisible();
  await expect(thumb).toHaveAttribute('src', /\/media\/sku\/\d+\/1\/thumb\.jpg$/);
  const size = await thumb.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(size).toEqual([160, 160]);

  // A file that is not a photo is refused with a reason.
  await page.locator(`[data-test="sku"][data-code="${code}"] [data-test="photo-file"]`).setInputFiles({
    name: 'notes.png',
    mimeType: 'image/png',
    buffer: Buffer.from('not really a picture'),
  });
  await expect(page.locator(`[data-test="sku"][data-code="${code}"] [data-test="photo-error"]`)).toContainText('could not be read');
});
