import { test, expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import { DEMO, hydrated, login } from './helpers';

// The client is split (`cargo leptos build --split`): each signed-in page is a
// lazy route in one of the split modules of `lazy_pages!` in app.rs. Here every
// page is opened both ways a user opens it — a fresh load (the server-rendered
// page hydrates after fetching its module) and a tap on a link (the router
// fetches the module, then shows the page) — and what each fresh load downloads
// from /pkg/ is recorded as served (brotli when the browser accepts it).

const ROLES: Record<string, string[]> = {
  [DEMO.retailer]: ['/retailer/shop', '/retailer/cart', '/retailer', '/retailer/invoices', '/retailer/accounts', '/retailer/reports'],
  [DEMO.distributor]: ['/distributor', '/distributor/stock', '/distributor/brands', '/distributor/delivery',
    '/distributor/invoices', '/distributor/accounts', '/distributor/billing', '/distributor/reports'],
  [DEMO.manufacturer]: ['/manufacturer', '/manufacturer/products', '/manufacturer/distributors', '/manufacturer/reports'],
  [DEMO.admin]: ['/admin', '/admin/categories', '/admin/whatsapp', '/admin/reports', '/admin/audit', '/admin/gst'],
};

type Load = { path: string; files: Record<string, number>; gzip: number };

/** Opens `path` as a fresh load with an empty cache; returns what /pkg/ sent. */
async function freshLoad(page: Page, path: string): Promise<Load> {
  const files: Record<string, number> = {};
  const seen: Promise<void>[] = [];
  const onResponse = (res: import('@playwright/test').Response) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/pkg/')) return;
    seen.push(res.request().sizes().then((s) => { files[url.pathname.slice(5)] = s.responseBodySize; }));
  };
  page.on('response', onResponse);
  await page.goto(path);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  page.off('response', onResponse);
  await Promise.all(seen);
  return { path, files, gzip: Object.values(files).reduce((a, b) => a + b, 0) };
}

const chunks = (l: Load) => Object.keys(l.files).filter((f) => f.endsWith('.wasm'));

test('each page loads its own WASM chunk, by a fresh load and by a tap on a link', async ({ browser }) => {
  test.setTimeout(240_000);
  const loads: Load[] = [];
  for (const [who, paths] of Object.entries(ROLES)) {
    // No HTTP cache and no service worker: each fresh load counts every byte.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    // A panic's message reaches the console (console_error_panic_hook) before the trap.
    const console_: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') console_.push(`${page.url()}: ${m.text().slice(0, 500)}`); });
    await login(page, who);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    for (const path of paths) {
      const load = await freshLoad(page, path);
      expect(chunks(load).length, `${path} loads the main module and its page's chunk`).toBeGreaterThan(1);
      await expect(page.locator('main.page')).not.toBeEmpty();
      loads.push(load);
    }
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });

    // By navigation: from the role's first page, follow the top bar's link to each other page.
    await page.goto(paths[0]);
    await hydrated(page);
    for (const path of paths.slice(1)) {
      const link = page.locator(`nav.rolenav a[href="${path}"]`);
      await expect(link, `the sections bar links to ${path}`).toHaveCount(1);
      // A mark on this document: a full page load would wipe it.
      await page.evaluate(() => { (window as any).__sameDocument = true; });
      await link.click();
      await page.waitForURL((u) => u.pathname === path);
      await expect(link).toHaveAttribute('aria-current', 'page');
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => (window as any).__sameDocument), `${path} opened by the client's router`).toBe(true);
      await expect(page.locator('main.page')).not.toBeEmpty();
    }
    expect(errors, `no errors on ${who}'s pages; console errors: ${console_.join('\n')}`).toEqual([]);
    await context.close();
  }

  const byPath = Object.fromEntries(loads.map((l) => [l.path, l]));
  const shop = byPath['/retailer/shop'];
  // The shop does not carry the distributor's, brand's or admin's pages: each of those
  // fetches a chunk the shop never loads.
  for (const other of ['/distributor/reports', '/manufacturer/reports', '/admin/reports', '/distributor/stock', '/manufacturer/products']) {
    const extra = chunks(byPath[other]).filter((c) => !chunks(shop).includes(c));
    expect(extra.length, `${other} has code of its own, not in the shop's download`).toBeGreaterThan(0);
  }
  const report = loads.map((l) => ({ path: l.path, gzip: l.gzip, files: l.files }));
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/wasm-per-page.json', JSON.stringify(report, null, 2));
  console.log('What a fresh load of each page downloads from /pkg/ (bytes as sent: brotli when the browser accepts it):');
  for (const l of loads) console.log(`  ${l.path.padEnd(28)} ${String(l.gzip).padStart(9)}  (${chunks(l).length} WASM files)`);
});
