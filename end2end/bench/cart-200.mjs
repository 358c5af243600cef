// Measures how fast a 200-line cart reacts in Chromium: the time from typing a
// new quantity to the totals on screen showing it (median and worst of 20 edits).
// Needs a running AuroMart with the demo:
//   bash .ci/start            (in another terminal)
//   node end2end/bench/cart-200.mjs [http://127.0.0.1:3000]
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
await page.goto(`${base}/login`);
await page.waitForFunction(() => window.__auromart_hydrated === true);
await page.fill('input[name="identifier"]', '9300000007');
await page.fill('input[name="password"]', 'Demo@2026');
await page.click('form[data-test="login-form"] button[type="submit"]');
await page.waitForURL((u) => u.pathname !== '/login');

// A cart of 200 lines for one distributor, as the shop page would store it.
await page.evaluate(() => {
  const items = Array.from({ length: 200 }, (_, i) => ({
    listing_id: 1_000_000 + i, sku_id: i + 1, name: `Product ${i + 1}`, unit: 'pack',
    price_paise: 1000 + i * 37, rate_bp: [0, 500, 1800][i % 3], available: 1000, min_order_qty: 1, qty: 1 + (i % 5),
  }));
  localStorage.setItem('auromart.carts.v1', JSON.stringify([{ distributor_id: 1, distributor_name: 'Bench Distributor', key: 'benchkey0001', items }]));
});
await page.goto(`${base}/retailer/cart`);
await page.waitForFunction(() => window.__auromart_hydrated === true);
await page.waitForFunction(() => document.querySelectorAll('[data-test="cart-line"]').length === 200);

const times = [];
for (let n = 0; n < 20; n++) {
  const ms = await page.evaluate(async (n) => {
    const input = document.querySelectorAll('[data-test="qty"]')[(n * 37) % 200];
    const total = document.querySelector('[data-test="total"]');
    const before = total.textContent;
    const start = performance.now();
    input.value = String(10 + n);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    while (total.textContent === before) await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - start;
  }, n);
  times.push(ms);
}
times.sort((a, b) => a - b);
console.log(`200-line cart, change a quantity → totals updated: median ${times[10].toFixed(1)} ms, worst ${times[19].toFixed(1)} ms (20 edits, includes the next frame)`);
await browser.close();
