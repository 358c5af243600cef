import { test, expect, Page } from '@playwright/test';
import { DEMO, freshPhone, hydrated, login } from './helpers';

// Reference data and the admin's oversight: India Post's pincode directory in the
// sign-up form, the GST schedule's entries in the product form, and the audit log.

async function fill(page: Page, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'state_code') await page.selectOption(`select[name="form[${name}]"]`, value);
    else await page.fill(`input[name="form[${name}]"]`, value);
  }
}

test('a pincode shows its post offices, picks its state, and must lie in the state chosen', async ({ page }) => {
  const phone = freshPhone();
  await page.goto('/signup?as=retailer');
  await hydrated(page);
  await page.fill('input[name="form[pincode]"]', '560001');
  await expect(page.locator('[data-test="pincode-place"]')).toContainText('Bengaluru Urban, Karnataka');
  await expect(page.locator('select[name="form[state_code]"]')).toHaveValue('29');
  // Another state chosen on purpose: the server refuses and says where the pincode is.
  await fill(page, {
    legal_name: `Malleshwaram Stores ${phone.slice(-4)}`, address_line: '8th Cross, Malleshwaram', city: 'Bengaluru',
    state_code: '27', owner_name: 'Ravi Gowda', phone, password: 'Kaveri#Sugar52Lamp',
  });
  await page.click('form[data-test="signup-form"] button[type="submit"]');
  await expect(page.locator('[data-field="pincode"]')).toContainText('is in Bengaluru Urban, Karnataka, not in Maharashtra');
  await page.selectOption('select[name="form[state_code]"]', '29');
  await page.click('form[data-test="signup-form"] button[type="submit"]');
  await expect(page).toHaveURL(/\/retailer$/);
});

test('the admin finds a shop by phone, suspends it, and the audit log shows who, what and why', async ({ browser }) => {
  const phone = freshPhone();
  const name = `Audit Kirana ${phone.slice(-4)}`;
  const shop = await (await browser.newContext()).newPage();
  await shop.goto('/signup?as=retailer');
  await hydrated(shop);
  await fill(shop, {
    legal_name: name, address_line: '4 Tilak Road', city: 'Pune', state_code: '27', pincode: '411030',
    owner_name: 'Sai Kulkarni', phone, password: 'SaiKirana#30',
  });
  await shop.click('form[data-test="signup-form"] button[type="submit"]');
  await expect(shop).toHaveURL(/\/retailer$/);

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO.admin);
  await admin.goto(`/admin?approval=&q=${phone}`);
  await hydrated(admin);
  const row = admin.locator(`[data-test="org-row"][data-name="${name}"]`);
  await expect(row).toHaveCount(1);
  await row.locator('[data-test="ask-suspend"]').click();
  await row.locator('input[name="note"]').fill('GSTIN of another shop');
  await row.locator('[data-test="suspend"]').click();
  await expect(admin.locator('[data-test="approval-result"]')).toContainText(`${name} is now suspended`);

  // The shop's open session sees the suspension at once.
  await shop.reload();
  await expect(shop.locator('[data-test="approval-suspended"]')).toBeVisible();

  // Other tests act as the admin at the same time: look for this shop's entry.
  await admin.goto(`/admin/audit?q=${encodeURIComponent(name)}`);
  await hydrated(admin);
  const entry = admin.locator('[data-test="audit-row"]').first();
  await expect(entry).toHaveAttribute('data-action', 'org_approval');
  await expect(entry).toContainText(name);
  await expect(entry).toContainText('approval: active → suspended');
  await expect(entry).toContainText('Note: GSTIN of another shop');
  // Filtering by a word of the note finds it; another action does not.
  await admin.goto('/admin/audit?action=broadcast&q=GSTIN%20of%20another');
  await expect(admin.locator('[data-test="audit-empty"]')).toBeVisible();

  // The organisation's page: its owner, and the decision in its history; turning
  // the owner's log-in off signs the shop out.
  await admin.goto(`/admin?approval=&q=${phone}`);
  await admin.locator('[data-test="org-link"]').first().click();
  await expect(admin.locator('[data-test="org-title"]')).toHaveText(name);
  await expect(admin.locator('[data-test="org-history"]')).toContainText('active → suspended');
  await hydrated(admin);
  const owner = admin.locator('[data-test="user-row"][data-name="Sai Kulkarni"]');
  await owner.locator('[data-test="ask-disable"]').click();
  await owner.locator('form:has([data-test="disable"]) input[name="note"]').fill('Duplicate account');
  await owner.locator('[data-test="disable"]').click();
  await expect(admin.locator('[data-test="user-result"]')).toContainText('Sai Kulkarni can no longer log in');
  await shop.goto('/retailer');
  await expect(shop).toHaveURL(/\/login/);
});

test('a brand picks the GST entry its soap falls under', async ({ page }) => {
  const tag = `${Date.now() % 1_000_000}`;
  await login(page, DEMO.manufacturer);
  await page.goto('/manufacturer/products');
  await hydrated(page);
  const form = page.locator('form[data-test="sku-form"]');
  await form.locator('input[name="sku[code]"]').fill(`SOAP-${tag}`);
  await form.locator('input[name="sku[name]"]').fill(`Sandal bathing bar 100 g ${tag}`);
  await form.locator('input[name="sku[brand]"]').fill('Sahyadri');
  await form.locator('select[name="sku[category]"]').selectOption({ index: 1 });
  await form.locator('input[name="sku[hsn]"]').fill('34011110');
  await form.locator('input[name="sku[mrp]"]').fill('45');
  const choice = form.locator('[data-test="gst-choice"]');
  await expect(choice).toContainText('Sch. I S. No. 251');
  await expect(choice).toContainText('Sch. II S. No. 66');
  await choice.locator('label', { hasText: 'Sch. I S. No. 251' }).locator('input').check();
  await choice.locator('input[name="sku[gst_reason]"]').fill('Toilet soap in bars');
  await form.locator('[data-test="save-sku"]').click();
  await expect(page.locator('[data-test="sku-saved"]')).toContainText(`SOAP-${tag}`);
});

test('the admin adds a rate change from today and a new product takes it', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO.admin);
  await admin.goto('/admin/gst?hsn=1902');
  await hydrated(admin);
  await expect(admin.locator('[data-test="gst-row"][data-hsn="1902"]').first()).toContainText('5%');
  const today = new Date(Date.now() + 5.5 * 3600_000).toISOString().slice(0, 10);
  const form = admin.locator('form[data-test="gst-form"]');
  await form.locator('input[name="change[hsn]"]').fill('1902');
  await form.locator('input[name="change[valid_from]"]').fill(today);
  await form.locator('input[name="change[rate]"]').fill('18');
  await form.locator('input[name="change[description]"]').fill('Pasta');
  await form.locator('input[name="change[source]"]').fill('E2E 1/2026-CT(Rate) S. No. 1');
  await form.locator('[data-test="add-gst-rate"]').click();
  await expect(admin.locator('[data-test="gst-added"]')).toContainText(`HSN 1902 is 18% from ${today}`);

  const brand = await (await browser.newContext()).newPage();
  await login(brand, DEMO.manufacturer);
  await brand.goto('/manufacturer/products');
  await hydrated(brand);
  await brand.locator('form[data-test="sku-form"] input[name="sku[hsn]"]').fill('19021900');
  await expect(brand.locator('[data-test="gst-choice"]')).toContainText('18% GST: Pasta');

  await admin.goto('/admin/audit?action=gst_rate_change');
  await expect(admin.locator('[data-test="audit-row"]').first()).toContainText('HSN 1902');
});

test('the admin resets a distributor\'s password; the code on WhatsApp sets a new one', async ({ browser }) => {
  test.setTimeout(90_000);
  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO.admin);
  await admin.goto('/admin?approval=&q=9200000005');
  await hydrated(admin);
  await admin.locator('[data-test="org-link"]').first().click();
  await expect(admin.locator('[data-test="org-users"]')).toBeVisible();
  await hydrated(admin);
  const owner = admin.locator('[data-test="user-row"]').first();
  await owner.locator('[data-test="ask-reset"]').click();
  await owner.locator('[data-test="reset-password"]').click();
  await expect(admin.locator('[data-test="reset-result"]')).toContainText('old password no longer works');

  // The old password stops working.
  const dist = await (await browser.newContext()).newPage();
  await dist.goto('/login');
  await hydrated(dist);
  await dist.fill('input[name="identifier"]', '9200000005');
  await dist.fill('input[name="password"]', 'Demo@2026');
  await dist.click('form[data-test="login-form"] button[type="submit"]');
  await expect(dist.locator('[data-field="password"]')).toContainText('AuroMart has reset this account');

  // The code reached the distributor's WhatsApp (the sandbox phone).
  await admin.goto('/admin/whatsapp?phone=919200000005');
  await hydrated(admin);
  const bubble = admin.locator('[data-test="bubble"]', { hasText: 'code to set a new password' }).first();
  await expect(bubble).toBeVisible({ timeout: 20_000 });
  const code = ((await bubble.textContent()) ?? '').match(/(\d{6}) is your AuroMart code/)?.[1] ?? '';
  expect(code).toMatch(/^\d{6}$/);

  await dist.click('[data-test="forgot"]');
  await expect(dist).toHaveURL(/\/reset/);
  await hydrated(dist);
  const form = dist.locator('form[data-test="reset-form"]');
  await form.locator('input[name="phone"]').fill('9200000005');
  await form.locator('input[name="code"]').fill(code);
  await form.locator('input[name="password"]').fill('Wholesale#Mysuru2027');
  await form.locator('button[type="submit"]').click();
  await expect(dist).toHaveURL(/\/distributor$/);
});

test('an admin invites another admin from the console', async ({ page }) => {
  const phone = freshPhone();
  await login(page, DEMO.admin);
  await hydrated(page);
  await page.click('[data-test="admins"] summary');
  const form = page.locator('form[data-test="invite-admin"]');
  await form.locator('input[name="name"]').fill('Meera Joshi');
  await form.locator('input[name="phone"]').fill(phone);
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('[data-test="invite-result"]')).toContainText('Meera Joshi is invited');
  await expect(page.locator('[data-test="admin-list"]')).toContainText('Meera Joshi');
});

test('the admin removes a distributor\'s staff member, who is signed out at once', async ({ browser }) => {
  const staff = await (await browser.newContext()).newPage();
  await login(staff, '9200000101');
  await expect(staff).toHaveURL(/\/distributor/);

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO.admin);
  await admin.goto(`/admin?approval=&q=${DEMO.distributor}`);
  await hydrated(admin);
  await admin.locator('[data-test="org-link"]').first().click();
  await expect(admin.locator('[data-test="org-users"]')).toBeVisible();
  await hydrated(admin);
  const row = admin.locator('[data-test="user-row"][data-name="Sachin Pawar"]');
  // The owner has no remove button: an organisation always keeps its owner.
  await expect(admin.locator('[data-test="user-row"]').first().locator('[data-test="ask-remove"]')).toHaveCount(0);
  await row.locator('[data-test="ask-remove"]').click();
  await row.locator('form:has([data-test="remove-user"]) input[name="note"]').fill('Left the business');
  await row.locator('[data-test="remove-user"]').click();
  await expect(admin.locator('[data-test="remove-result"]')).toContainText('Sachin Pawar is removed');
  await expect(admin.locator('[data-test="user-row"][data-name="Sachin Pawar"]')).toHaveAttribute('data-removed', 'true');

  await staff.goto('/distributor');
  await expect(staff).toHaveURL(/\/login/);
  await admin.goto('/admin/audit?action=user_removed');
  await expect(admin.locator('[data-test="audit-row"]').first()).toContainText('Sachin Pawar');
});

test('a brand proposes an HSN code the schedule lacks; the admin declines it with a reason', async ({ browser }) => {
  const brand = await (await browser.newContext()).newPage();
  await login(brand, DEMO.manufacturer);
  await brand.goto('/manufacturer/products');
  await hydrated(brand);
  const hsn = `7700${String(Date.now() % 10_000).padStart(4, '0')}`;
  await brand.locator('form[data-test="sku-form"] input[name="sku[hsn]"]').fill(hsn);
  const box = brand.locator('[data-test="propose-hsn"]');
  await box.locator('summary').click();
  await box.locator('[data-test="proposal-description"]').fill('Test metal sheets');
  await box.locator('[data-test="proposal-rate"]').fill('18');
  await box.locator('[data-test="send-proposal"]').click();
  await expect(box.locator('[data-test="proposal-sent"]')).toContainText(`HSN ${hsn}`);
  await expect(brand.locator(`[data-test="my-proposal"][data-hsn="${hsn}"]`)).toContainText('Waiting for the admin');

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO.admin);
  await admin.goto('/admin/gst');
  await hydrated(admin);
  const row = admin.locator(`[data-test="hsn-proposal"][data-hsn="${hsn}"]`);
  await expect(row).toContainText('Test metal sheets at 18%');
  await row.locator('[data-test="ask-decline-proposal"]').click();
  await row.locator('input[name="note"]').fill('Metal sheets fall under chapter 72 or 73');
  await row.locator('[data-test="decline-proposal"]').click();
  await expect(admin.locator('[data-test="proposal-declined"]')).toContainText(`HSN ${hsn}`);

  await brand.reload();
  await expect(brand.locator(`[data-test="my-proposal"][data-hsn="${hsn}"]`)).toContainText('Declined: Metal sheets fall under chapter 72 or 73');
});

test('a distributor typing delivery pincodes sees their post offices and districts', async ({ page }) => {
  await login(page, '9200000003');
  await page.goto('/distributor/delivery');
  await hydrated(page);
  const area = page.locator('[data-test="pincodes"]');
  await area.fill('411038, 411037, 411010');
  const hint = page.locator('[data-test="pincodes-place"]');
  await expect(hint).toContainText('2 pincodes in Pune, Maharashtra');
  await expect(hint).toContainText('India Post has no 411010');
  await area.fill('411038, 411037, 411038');
  await expect(hint).toContainText('411038: ');
  await expect(hint).toContainText('Kothrud');
});
