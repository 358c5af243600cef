import { test, expect, Browser, Page } from '@playwright/test';
import { hydrated, login, paise, placeAndOpen } from './helpers';

// A distributor no other browser test uses, and three of its Bengaluru shops
// (one per test, so the tests run side by side).
const NAMMA = { phone: '9200000004', name: 'Namma Distributors' };
const BENGALURU_SHOP = '9300000004';
const HELD_SHOP = '9300000011';
const REMINDED_SHOP = '9300000018';
const ADMIN = '9000000001';
const FAKE_RAZORPAY = `http://127.0.0.1:${process.env.FAKE_RAZORPAY_PORT ?? 3190}`;

async function signedIn(browser: Browser, phone: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await login(page, phone);
  return page;
}

async function shopName(shop: Page): Promise<string> {
  const name = ((await shop.locator('[data-test="who"] .org').first().textContent()) ?? '').trim();
  expect(name.length).toBeGreaterThan(2);
  return name;
}

/** The shop orders the first product the distributor offers; returns the order id. */
async function order(shop: Page, distributor: string): Promise<string> {
  await shop.goto('/retailer/shop');
  await hydrated(shop);
  const add = shop.locator(`[data-test="offer"][data-distributor="${distributor}"] [data-test="add"]`).first();
  await add.click();
  await expect(add).toContainText('In cart');
  await shop.goto('/retailer/cart');
  await hydrated(shop);
  return placeAndOpen(shop, distributor);
}

async function accept(dist: Page, orderId: string) {
  await dist.goto(`/orders/${orderId}`);
  await hydrated(dist);
  await dist.locator('[data-test="act-accept_deliver"]').click();
  await expect(dist.locator('[data-test="order-state"]').first()).toHaveText('Confirmed');
}

/** Opens the distributor's account page of a shop by its name. */
async function openAccount(dist: Page, name: string) {
  await dist.goto('/distributor/accounts');
  await hydrated(dist);
  await dist.locator(`[data-test="account-row"][data-name="${name}"] a`).click();
  await expect(dist.locator('[data-test="account-title"]')).toHaveText(name);
  await hydrated(dist);
}

test('the shop pays through the gateway; the webhook settles the invoice and both sides see it live', async ({ browser, request }) => {
  test.setTimeout(150_000);
  const dist = await signedIn(browser, NAMMA.phone);
  // The owner connects a Razorpay account (the fake's merchant, set up as in Razorpay's dashboard).
  await dist.goto('/distributor/accounts');
  await hydrated(dist);
  const webhook = ((await dist.locator('[data-test="webhook-url"]').textContent()) ?? '').trim();
  expect(webhook).toMatch(/\/webhooks\/razorpay\/\d+$/);
  const keys = { key_id: 'rzp_test_E2eNamma0001', key_secret: 'e2e-key-secret-1', webhook_secret: 'e2e-webhook-secret-1' };
  await request.post(`${FAKE_RAZORPAY}/_fake/merchant`, { data: { ...keys, webhook_url: webhook } });
  const form = dist.locator('form[data-test="gateway-form"]');
  // A wrong secret is refused by Razorpay with a message.
  await form.locator('input[name="key_id"]').fill(keys.key_id);
  await form.locator('input[name="key_secret"]').fill('not-the-secret');
  await form.locator('input[name="webhook_secret"]').fill(keys.webhook_secret);
  await form.locator('[data-test="connect"]').click();
  await expect(dist.locator('[data-test="gateway"] .banner.danger')).toContainText('refused the API keys');
  await form.locator('input[name="key_secret"]').fill(keys.key_secret);
  await form.locator('[data-test="connect"]').click();
  await expect(dist.locator('[data-test="gateway-saved"]')).toContainText('is connected');
  await expect(dist.locator('[data-test="gateway-status"]')).toContainText(keys.key_id);

  const shop = await signedIn(browser, BENGALURU_SHOP);
  const name = await shopName(shop);
  const orderId = await order(shop, NAMMA.name);
  await accept(dist, orderId);

  // Both sides have the account open.
  await openAccount(dist, name);
  const owed = paise((await dist.locator('[data-test="account-balance"]').textContent()) ?? '');
  expect(owed).toBeGreaterThan(0);
  await shop.goto('/retailer/accounts');
  await hydrated(shop);
  await shop.locator(`[data-test="account-row"][data-name="${NAMMA.name}"] a`).click();
  await hydrated(shop);
  await expect(shop.locator('[data-test="account-balance"]')).toContainText('due');

  // The shop taps "Pay online" (a plain link to the gateway's page, in a tab of its own).
  const pay = shop.locator('[data-test="pay-all"]');
  await expect(pay).toContainText('online');
  const href = (await pay.getAttribute('href'))!;
  const checkout = await shop.context().newPage();
  await checkout.goto(href);
  await expect(checkout).toHaveURL(/127\.0\.0\.1:\d+\/pay\/plink_/);
  expect(paise((await checkout.locator('[data-test="rzp-amount"]').textContent()) ?? '')).toBe(owed);
  // Part of it first: the invoice is part-paid, live on both sides.
  const part = Math.floor(owed / 3);
  await checkout.locator('[data-test="rzp-pay-amount"]').fill((part / 100).toFixed(2));
  await checkout.locator('[data-test="rzp-pay"]').click();
  await expect(checkout.locator('[data-test="rzp-done"]')).toBeVisible();
  await expect.poll(async () => paise((await dist.locator('[data-test="account-balance"]').textContent()) ?? ''), { timeout: 15_000 })
    .toBe(owed - part);
  await expect.poll(async () => paise((await shop.locator('[data-test="account-balance"]').textContent()) ?? ''), { timeout: 15_000 })
    .toBe(owed - part);
  await expect(shop.locator('[data-test="open-invoice"]').first()).toContainText('Part-paid');
  // Then the rest, through a fresh link for what is left.
  const rest = (await shop.locator('[data-test="pay-all"]').getAttribute('href'))!;
  await checkout.goto(rest);
  expect(paise((await checkout.locator('[data-test="rzp-amount"]').textContent()) ?? '')).toBe(owed - part);
  await checkout.locator('[data-test="rzp-pay"]').click();
  await expect(checkout.locator('[data-test="rzp-done"]')).toBeVisible();
  await expect(dist.locator('[data-test="account-balance"]')).toHaveText('Settled', { timeout: 15_000 });
  await expect(shop.locator('[data-test="account-balance"]')).toHaveText('Settled', { timeout: 15_000 });
  // Each payment once, though the gateway sent each event twice.
  await expect(dist.locator('[data-test="statement-line"][data-kind="payment"]')).toHaveCount(2);
  await expect(shop.locator('[data-test="pay-all"]')).toHaveCount(0);
});

test('an order over the credit limit is held with the reason on both sides until the owner approves it', async ({ browser }) => {
  test.setTimeout(150_000);
  const shop = await signedIn(browser, HELD_SHOP);
  const dist = await signedIn(browser, NAMMA.phone);
  const name = await shopName(shop);
  const first = await order(shop, NAMMA.name);
  await accept(dist, first);
  // The owner gives the shop a limit below what it owes.
  await openAccount(dist, name);
  const terms = dist.locator('form[data-test="terms-form"]');
  await terms.locator('input[name="credit_limit"]').fill('1');
  await terms.locator('button[type="submit"]').click();
  await expect(dist.locator('[data-test="terms-saved"]')).toContainText('credit limit ₹1.00');

  const held = await order(shop, NAMMA.name);
  await expect(shop.locator('[data-test="hold"]')).toContainText("Waiting for the distributor's approval: Over the credit limit");
  await dist.goto(`/orders/${held}`);
  await hydrated(dist);
  await expect(dist.locator('[data-test="hold"]')).toContainText('Held for your approval: Over the credit limit');
  await expect(dist.locator('[data-test="act-accept_deliver"]')).toHaveCount(0);
  await dist.locator('[data-test="approve-hold"]').click();
  await expect(dist.locator('[data-test="hold"]')).toHaveCount(0);
  await dist.locator('[data-test="act-accept_deliver"]').click();
  await expect(dist.locator('[data-test="order-state"]').first()).toHaveText('Confirmed');
  // The shop's page follows live.
  await expect(shop.locator('[data-test="order-state"]').first()).toHaveText('Confirmed', { timeout: 15_000 });
  await expect(shop.locator('[data-test="hold"]')).toHaveCount(0);
});

test('a payment reminder reaches the shop on WhatsApp and none follows for a paid invoice', async ({ browser }) => {
  test.setTimeout(150_000);
  const dist = await signedIn(browser, NAMMA.phone);
  const shop = await signedIn(browser, REMINDED_SHOP);
  const name = await shopName(shop);
  // Reminders 15 days before the due date: with the default 15 days to pay,
  // the day an invoice is issued.
  await dist.goto('/distributor/accounts');
  await hydrated(dist);
  await dist.locator('form[data-test="reminder-form"] input[name="days"]').fill('-15');
  await dist.locator('form[data-test="reminder-form"] button').click();
  await expect(dist.locator('[data-test="reminders-saved"]')).toContainText('15 days before');
  const first = await order(shop, NAMMA.name);
  await accept(dist, first);

  // The shop's phone (the sandbox) gets the reminder within the job's 2 s look.
  const admin = await signedIn(browser, ADMIN);
  const phone = `91${REMINDED_SHOP}`;
  const reminders = admin.locator('[data-test="bubble"]', { hasText: `Reminder from ${NAMMA.name}` });
  const count = async () => {
    await admin.goto(`/admin/whatsapp?phone=${phone}`);
    await hydrated(admin);
    return reminders.count();
  };
  await expect.poll(count, { timeout: 30_000, intervals: [1_000] }).toBe(1);
  await openAccount(dist, name);
  const firstNumber = (await dist.locator('[data-test="open-invoice"]').first().getAttribute('data-number'))!;
  await expect(reminders.first()).toContainText(firstNumber);

  // Paid in cash: a second invoice later that day is reminded of alone.
  const owed = paise((await dist.locator('[data-test="account-balance"]').textContent()) ?? '');
  const form = dist.locator('form[data-test="payment-form"]');
  await form.locator('[data-test="amount"]').fill((owed / 100).toFixed(2));
  await form.locator('[data-test="method"]').selectOption('cash');
  await form.locator('[data-test="record-payment"]').click();
  await expect(dist.locator('[data-test="account-balance"]')).toHaveText('Settled');
  const second = await order(shop, NAMMA.name);
  await accept(dist, second);
  await expect.poll(count, { timeout: 30_000, intervals: [1_000] }).toBe(2);
  await expect(reminders.nth(1)).not.toContainText(firstNumber);
});
