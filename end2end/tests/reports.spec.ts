import { test, expect, Browser, Page } from '@playwright/test';
import * as fs from 'node:fs';
import { hydrated, login, paise, placeAndOpen, widthOf, zipEntry } from './helpers';

// Each test uses demo businesses no other browser test touches, so the figures
// it reads change only by what it does (the tests run two at a time).
const VIDARBHA = { phone: '9200000003', name: 'Vidarbha Distributors' };
const MUMBADEVI = { phone: '9200000002', name: 'Mumbadevi Wholesale' };
const PUNE_SHOP = '9300000028';
const NAGPUR_SHOP = '9300000023';
const MUMBAI_SHOP = '9300000036';
const SAHYADRI = '9100000001';

async function signedIn(browser: Browser, phone: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await login(page, phone);
  return page;
}

/** The shop orders Marie Gold biscuits from `distributor`; returns the order id. */
async function orderMarie(shop: Page, distributor: string): Promise<string> {
  await shop.goto('/retailer/shop?q=marie');
  await hydrated(shop);
  const product = shop.locator('[data-test="product"][data-name="Marie Gold Biscuits 200 g"]');
  await product.locator(`[data-test="offer"][data-distributor="${distributor}"] [data-test="add"]`).click();
  await expect(product.locator(`[data-test="offer"][data-distributor="${distributor}"] [data-test="add"]`)).toContainText('In cart');
  await shop.goto('/retailer/cart');
  await hydrated(shop);
  return placeAndOpen(shop, distributor);
}

/** The distributor takes the order through `actions` on its page. */
async function walk(dist: Page, orderId: string, actions: [string, string][]) {
  await dist.goto(`/orders/${orderId}`);
  await hydrated(dist);
  for (const [action, label] of actions) {
    await dist.locator(`[data-test="act-${action}"]`).click();
    await expect(dist.locator('[data-test="order-state"]').first()).toHaveText(label);
  }
}

async function figure(page: Page, test: string): Promise<number> {
  return paise((await page.locator(`[data-test="${test}"]`).textContent()) ?? '');
}

test("a shop's spend this month grows by the order it received", async ({ browser }) => {
  test.setTimeout(120_000);
  const shop = await signedIn(browser, PUNE_SHOP);
  await shop.goto('/retailer/reports');
  await hydrated(shop);
  const before = await figure(shop, 'figure-total');
  const orderId = await orderMarie(shop, 'Shree Ganesh Traders');
  const total = paise((await shop.locator('[data-test="order-total"]').first().textContent()) ?? '');
  expect(total).toBeGreaterThan(0);
  const dist = await signedIn(browser, '9200000001');
  await walk(dist, orderId, [['accept_deliver', 'Confirmed'], ['pack', 'Packed'], ['dispatch', 'Out for delivery'], ['delivered', 'Delivered']]);

  // On the phone (360 px): the reports page and the home's glance both show it.
  await shop.goto('/retailer/reports');
  await hydrated(shop);
  await expect(shop.locator('[data-test="figure-total"]')).toHaveText(new RegExp(`^₹`));
  expect(await figure(shop, 'figure-total')).toBe(before + total);
  await expect(shop.locator('[data-test="by-party"]')).toContainText('Shree Ganesh Traders');
  const w = await widthOf(shop);
  expect(w.doc, `the report scrolls sideways (${w.widest})`).toBeLessThanOrEqual(w.view);
  // Tapping a bar shows its value.
  const bars = shop.locator('[data-test="sales-chart"] .bar');
  await bars.last().click();
  await expect(shop.locator('[data-test="chart-value"]')).toContainText('₹');
  await shop.goto('/retailer');
  await hydrated(shop);
  expect(await figure(shop, 'glance-total')).toBe(before + total);

  // At desktop width the same page lays out without sideways scrolling.
  await shop.setViewportSize({ width: 1280, height: 900 });
  await shop.goto('/retailer/reports?period=last_month');
  await hydrated(shop);
  await expect(shop.locator('[data-test="period-shown"]')).toContainText('compared with');
  // A reversed range is refused beside the form, and nothing else is shown.
  await shop.goto('/retailer/reports?period=custom&from=2026-11-20&to=2026-11-10');
  await hydrated(shop);
  await expect(shop.locator('[data-test="period-error"]')).toContainText('before the start date');
  await expect(shop.locator('[data-test="report-figures"]')).toHaveCount(0);
  // The page opens at the last period chosen (the bad one was not kept), and
  // the comparison can be turned off.
  await shop.goto('/retailer/reports');
  await hydrated(shop);
  await expect(shop.locator('select[name="period"]')).toHaveValue('last_month');
  await shop.locator('select[name="compare"]').selectOption('off');
  await shop.locator('[data-test="period-form"] button[type="submit"]').click();
  await expect(shop).toHaveURL(/compare=off/);
  await expect(shop.locator('[data-test="period-shown"]')).not.toContainText('compared with');
  await expect(shop.locator('[data-test="figure-total-change"]')).toHaveCount(0);
  // A figure leads to the rows behind it: the orders of the period.
  await shop.goto('/retailer/reports?period=this_month');
  await hydrated(shop);
  await shop.locator('[data-test="figure-orders-link"]').click();
  await expect(shop).toHaveURL(/\/retailer\?state=&from=\d{4}-\d{2}-01&to=/);
  await expect(shop.locator(`[data-test="order-row"][data-id="${orderId}"]`)).toBeVisible();
});

test("a distributor's Excel download of the month has the page's totals", async ({ browser }) => {
  test.setTimeout(120_000);
  const shop = await signedIn(browser, MUMBAI_SHOP);
  const orderId = await orderMarie(shop, MUMBADEVI.name);
  const dist = await signedIn(browser, MUMBADEVI.phone);
  await dist.setViewportSize({ width: 1280, height: 900 });
  await walk(dist, orderId, [['accept_deliver', 'Confirmed']]);
  await dist.goto('/distributor/reports?period=this_month');
  await hydrated(dist);
  const card = dist.locator('[data-test="by-product"]');
  const foot = card.locator('tfoot td');
  await expect(foot.first()).toHaveText('Total');
  const pageValue = paise((await foot.nth(5).textContent()) ?? '');
  expect(pageValue).toBeGreaterThan(0);
  const [download] = await Promise.all([
    dist.waitForEvent('download'),
    card.locator('[data-test="xlsx-by-product"]').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^sales-products-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const sheet = zipEntry(fs.readFileSync((await download.path())!), 'xl/worksheets/sheet1.xml');
  // The last row is the totals row: its value cell holds the page's total in rupees.
  const rows = sheet.split('<row ');
  const last = rows[rows.length - 1];
  expect(last).toContain(`<v>${pageValue / 100}</v>`);
  // And the CSV's totals row says the same.
  const [csv] = await Promise.all([
    dist.waitForEvent('download'),
    card.locator('[data-test="download-by-product"]').click(),
  ]);
  const text = fs.readFileSync((await csv.path())!, 'utf8');
  const totals = text.trim().split('\r\n').pop()!;
  expect(totals.startsWith('Total,')).toBe(true);
  expect(totals.endsWith(`,${(pageValue / 100).toFixed(2)}`)).toBe(true);
  // And the PDF, made from the same table.
  const [pdf] = await Promise.all([
    dist.waitForEvent('download'),
    card.locator('[data-test="pdf-by-product"]').click(),
  ]);
  expect(pdf.suggestedFilename()).toMatch(/^sales-products-.*\.pdf$/);
  expect(fs.readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
});

test('a brand sees the district, and the shop by name only after it agrees', async ({ browser }) => {
  test.setTimeout(120_000);
  const shop = await signedIn(browser, NAGPUR_SHOP);
  await shop.goto('/retailer');
  await hydrated(shop);
  await shop.click('details.profile summary');
  const shopName = ((await shop.locator('[data-test="org-card"] h2').textContent()) ?? '').trim();
  expect(shopName.length).toBeGreaterThan(2);
  await expect(shop.locator('[data-test="brand-consent"]')).toHaveAttribute('data-shares', 'false');
  const orderId = await orderMarie(shop, VIDARBHA.name);
  const dist = await signedIn(browser, VIDARBHA.phone);
  await walk(dist, orderId, [['accept_deliver', 'Confirmed']]);

  const brand = await signedIn(browser, SAHYADRI);
  await brand.goto('/manufacturer/reports');
  await hydrated(brand);
  await expect(brand.locator('[data-test="by-district"]')).toContainText('Nagpur');
  await expect(brand.locator('[data-test="by-district"]')).toContainText('Maharashtra');
  await expect(brand.locator('main')).not.toContainText(shopName);

  // The shop's owner lets brands see its name; the brand's report shows it at once.
  await shop.goto('/retailer');
  await hydrated(shop);
  await shop.click('details.profile summary');
  await shop.locator('[data-test="toggle-brand-consent"]').click();
  await expect(shop.locator('[data-test="brand-consent"]')).toHaveAttribute('data-shares', 'true');
  await brand.reload();
  await hydrated(brand);
  await expect(brand.locator('[data-test="named-shops"]')).toContainText(shopName);

  // Taken back, it is gone again.
  await shop.locator('[data-test="toggle-brand-consent"]').click();
  await expect(shop.locator('[data-test="brand-consent"]')).toHaveAttribute('data-shares', 'false');
  await brand.reload();
  await hydrated(brand);
  await expect(brand.locator('[data-test="by-district"]')).toContainText('Nagpur');
  await expect(brand.locator('main')).not.toContainText(shopName);

  // Stock, sales and demand lists every product the distributors carry: the
  // filter keeps Marie's row (the totals add up what is shown), a heading sorts.
  const vis = brand.locator('[data-test="visibility"]');
  expect(await vis.locator('tbody tr').count()).toBeGreaterThan(5);
  await vis.locator('[data-test="table-filter"]').fill('marie');
  await expect(vis.locator('tbody tr')).toHaveCount(1);
  await expect(vis.locator('tfoot td').first()).toHaveText('Total of 1 shown');
  await vis.locator('[data-test="table-filter"]').fill('');
  const stock = async () =>
    (await vis.locator('tbody tr td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  await vis.locator('[data-test="sort-3"]').click();
  await expect(vis.locator('th').nth(3)).toHaveAttribute('aria-sort', 'descending');
  const down = await stock();
  expect(down).toEqual([...down].sort((a, b) => b - a));
  await vis.locator('[data-test="sort-3"]').click();
  await expect(vis.locator('th').nth(3)).toHaveAttribute('aria-sort', 'ascending');
  const up = await stock();
  expect(up).toEqual([...up].sort((a, b) => a - b));
});
