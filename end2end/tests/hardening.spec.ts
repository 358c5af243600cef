import { test, expect, Browser, Page } from '@playwright/test';
import { DEMO, hydrated, login, placeAndOpen, widthOf } from './helpers';

// Every page each role can open, at the 360 px phone width of the config.
const PAGES: Record<string, string[]> = {
  anonymous: ['/', '/login', '/signup', '/offline', '/login?error=check&fields=identifier,password'],
  [DEMO.retailer]: ['/retailer', '/retailer/shop', '/retailer/cart', '/retailer/invoices', '/retailer/reports'],
  [DEMO.distributor]: ['/distributor', '/distributor/stock', '/distributor/brands', '/distributor/delivery',
    '/distributor/invoices', '/distributor/billing', '/distributor/reports', '/distributor/reports?period=this_fy'],
  [DEMO.manufacturer]: ['/manufacturer', '/manufacturer/products', '/manufacturer/distributors', '/manufacturer/reports'],
  [DEMO.admin]: ['/admin', '/admin/categories', '/admin/whatsapp', '/admin/reports'],
};

/** A shop (by its mobile number) puts Shree Ganesh Traders' first offer in its cart and
 * places the order; returns the shop's page, on the order, and the order id. */
async function shopOrders(browser: Browser, phone: string): Promise<[Page, string]> {
  const shop = await (await browser.newContext()).newPage();
  await login(shop, phone);
  await shop.goto('/retailer/shop');
  await hydrated(shop);
  await shop.locator('[data-test="offer"][data-distributor="Shree Ganesh Traders"] [data-test="add"]').first().click();
  await shop.goto('/retailer/cart');
  await hydrated(shop);
  return [shop, await placeAndOpen(shop, 'Shree Ganesh Traders')];
}

/** The demo distributor, signed in in a context of its own, accepts the order for delivery. */
async function distributorAccepts(browser: Browser, orderId: string): Promise<Page> {
  const dist = await (await browser.newContext()).newPage();
  await login(dist, DEMO.distributor);
  await dist.goto(`/orders/${orderId}`);
  await hydrated(dist);
  await dist.locator('[data-test="act-accept_deliver"]').click();
  await expect(dist.locator('[data-test="order-state"]').first()).toHaveText('Confirmed');
  return dist;
}

/** Records Content-Security-Policy violations from the page's first script on. */
async function watchPolicy(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__cspViolation(`${location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  return seen;
}

for (const [who, paths] of Object.entries(PAGES)) {
  test(`every page of ${who === 'anonymous' ? 'a visitor' : who} fits a 360 px phone and hydrates under the CSP`, async ({ page }) => {
    test.setTimeout(120_000);
    const violations = await watchPolicy(page);
    // A hydration mismatch panics in the WASM: any uncaught error fails the page.
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    if (who !== 'anonymous') await login(page, who);
    const visit = [...paths];
    if (who === DEMO.retailer || who === DEMO.distributor) {
      // One of the role's orders too.
      await page.goto(who === DEMO.retailer ? '/retailer' : '/distributor');
      const first = page.locator('[data-test="order-row"]').first();
      if (await first.count()) visit.push(`/orders/${await first.getAttribute('data-id')}`);
    }
    for (const path of visit) {
      await page.goto(path);
      await hydrated(page);
      await page.waitForLoadState('networkidle');
      const w = await widthOf(page);
      expect(w.doc, `${path} scrolls sideways (${w.widest})`).toBeLessThanOrEqual(w.view);
    }
    expect(violations, 'no Content-Security-Policy violations').toEqual([]);
    expect(errors, 'no errors while hydrating').toEqual([]);
  });
}

test('with an order and its invoice, the lists and the order page still fit 360 px on both sides', async ({ browser }) => {
  test.setTimeout(90_000);
  const [shop, orderId] = await shopOrders(browser, '9300000021');
  const dist = await distributorAccepts(browser, orderId);
  for (const [page, paths] of [[shop, ['/retailer/invoices', '/retailer', `/orders/${orderId}`]],
    [dist, ['/distributor/invoices', '/distributor', `/orders/${orderId}`]]] as [Page, string[]][]) {
    for (const path of paths) {
      await page.goto(path);
      await hydrated(page);
      if (path.endsWith('/invoices')) await expect(page.locator('[data-test="invoice-row"]').first()).toBeVisible();
      const w = await widthOf(page);
      expect(w.doc, `${path} scrolls sideways (${w.widest})`).toBeLessThanOrEqual(w.view);
    }
  }
  // The totals and the PDF button are on screen, not off to the right.
  const row = dist.locator('[data-test="invoice-row"]').first();
  await dist.goto('/distributor/invoices');
  await hydrated(dist);
  const box = await row.locator('[data-test="invoice-download"]').boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(360);
});

test('destructive actions ask first, and the next normal step comes first', async ({ browser }) => {
  test.setTimeout(90_000);
  const [shop, orderId] = await shopOrders(browser, '9300000014');

  // The distributor accepts; on the accepted order "Mark packed" comes before "Cancel order".
  const dist = await distributorAccepts(browser, orderId);
  // What shows before any question is opened: each plain button, each question's opener.
  const buttons = await dist.locator('.row-actions > form [data-test^="act-"], .row-actions > details > summary').evaluateAll(
    (els) => els.map((e) => e.getAttribute('data-test')));
  expect(buttons[0]).toBe('act-pack');
  expect(buttons.at(-1)).toBe('ask-cancel');

  // A shop's cancel is two taps: the first only asks.
  const [other] = await shopOrders(browser, '9300000010');
  await expect(other.locator('[data-test="act-cancel"]')).toBeHidden();
  await other.locator('[data-test="ask-cancel"]').click();
  await expect(other.locator('.confirm-box')).toContainText('This cannot be undone');
  await other.locator('[data-test="act-cancel"]').click();
  await expect(other.locator('[data-test="order-state"]').first()).toHaveText('Cancelled');
});
