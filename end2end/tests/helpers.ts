import { Page, expect } from '@playwright/test';
import * as zlib from 'node:zlib';

export const PASSWORD = 'Demo@2026';
export const DEMO = {
  admin: '9000000001',
  manufacturer: '9100000001',
  distributor: '9200000001',
  retailer: '9300000001',
};

/** A fresh mobile number per test run, so sign-ups never collide. */
export function freshPhone(): string {
  const n = (Date.now() * 1000 + Math.floor(Math.random() * 1000)) % 100_000_000;
  return `97${String(n).padStart(8, '0')}`;
}

/** A valid GSTIN (check character per the GSTN algorithm) in the given state. */
export function gstin(state: string, seed: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const l = (k: number) => alphabet[10 + (k % 26)];
  const first14 = `${state}AAB${l(seed)}${l(Math.floor(seed / 26))}${String(seed % 10000).padStart(4, '0')}F1Z`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const p = alphabet.indexOf(first14[i]) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(p / 36) + (p % 36);
  }
  return first14 + alphabet[(36 - (sum % 36)) % 36];
}

/** Waits until the WASM has hydrated the page (buttons respond to Leptos). */
export async function hydrated(page: Page) {
  const ready = () => page.waitForFunction(() => (window as any).__auromart_hydrated === true, undefined, { timeout: 20_000 });
  try {
    await ready();
  } catch {
    // A streamed page has been seen to stall now and then (leptos-rs/leptos#4851 and
    // kin): say so in the log, reload once, and fail if it happens again.
    console.warn(`page ${page.url()} did not hydrate in 20 s; reloading once`);
    await page.reload();
    await ready();
  }
}

export async function login(page: Page, phone: string, password = PASSWORD) {
  await page.goto('/login');
  await hydrated(page);
  await page.fill('input[name="identifier"]', phone);
  await page.fill('input[name="password"]', password);
  await page.click('form[data-test="login-form"] button[type="submit"]');
  if (password === PASSWORD) {
    await page.waitForURL((url) => url.pathname !== '/login');
  }
}

export async function expectDashboard(page: Page, kind: string) {
  await expect(page.locator('[data-test="dashboard"]')).toHaveAttribute('data-kind', kind);
}

/** Places the cart's order with a distributor, opens its page and returns the order id. */
export async function placeAndOpen(shop: Page, distributor: string): Promise<string> {
  await shop.locator('[data-test="cart"] [data-test="place"]').click();
  const placed = shop.locator('[data-test="placed"]');
  await expect(placed).toContainText(`placed with ${distributor}`);
  const orderId = (await placed.textContent())!.match(/#(\d+)/)![1];
  await shop.goto(`/orders/${orderId}`);
  await hydrated(shop);
  await expect(shop.locator('[data-test="order-state"]').first()).toHaveText('Placed');
  return orderId;
}

/** "₹1,23,456.50" as paise (123456 50). */
export function paise(text: string): number {
  const digits = text.replace(/[^0-9-]/g, '');
  return Number(digits);
}

/** The text of one file inside a zip (an .xlsx), read with Node's own inflate. */
export function zipEntry(zip: Buffer, name: string): string {
  // A zip is local entries, then a central directory, then its end record.
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const skip = nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(data, data + size);
      return (method === 8 ? zlib.inflateRawSync(raw) : raw).toString('utf8');
    }
    at += 46 + skip;
  }
  throw new Error(`${name} is not in the zip`);
}

/** How wide the page is against the window, and the first element that sticks out. */
export async function widthOf(page: Page): Promise<{ doc: number; view: number; widest: string }> {
  return page.evaluate(() => {
    const view = window.innerWidth;
    let widest = '';
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = (el as HTMLElement).getBoundingClientRect();
      if (r.right > view + 1 && widest === '') widest = `${el.tagName}.${(el as HTMLElement).className} right=${Math.round(r.right)}`;
    }
    return { doc: document.documentElement.scrollWidth, view, widest };
  });
}
