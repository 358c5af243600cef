// A fake Razorpay for the browser tests, started by playwright.config.ts. It
// speaks the part of Razorpay's Payment Links API v1 AuroMart uses (Basic auth
// with the merchant's keys, INR amounts in paise, unique reference ids), shows
// a checkout page for each link, and when the shop pays there it posts the
// webhook Razorpay would: `payment_link.paid` or `payment_link.partially_paid`,
// signed with the merchant's webhook secret (X-Razorpay-Signature: hex
// HMAC-SHA256 of the raw body) under an X-Razorpay-Event-Id, and delivers it
// twice, as Razorpay's retries do. A test registers its merchant first
// (POST /_fake/merchant), as a distributor does in Razorpay's dashboard.
import http from 'node:http';
import crypto from 'node:crypto';

const port = Number(process.env.FAKE_RAZORPAY_PORT ?? 3190);
const merchants = new Map(); // key_id -> { key_secret, webhook_url, webhook_secret }
const links = new Map(); // id -> link
let next = 0;

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
}
const error = (res, status, description) =>
  send(res, status, { error: { code: 'BAD_REQUEST_ERROR', description } });

function body(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function merchantOf(req) {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Basic ')) return null;
  const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
  const m = merchants.get(id);
  return m && m.key_secret === secret ? { id, ...m } : null;
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const rupees = (paise) => `₹${(paise / 100).toFixed(2)}`;

async function deliver(m, event) {
  const raw = JSON.stringify(event);
  const signature = crypto.createHmac('sha256', m.webhook_secret).update(raw).digest('hex');
  const eventId = `evt_${crypto.randomBytes(7).toString('hex')}`;
  const statuses = [];
  // Razorpay may deliver an event more than once: the second must change nothing.
  for (let i = 0; i < 2; i++) {
    let status = 0;
    for (let attempt = 0; attempt < 5 && status !== 200; attempt++) {
      try {
        const r = await fetch(m.webhook_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId },
          body: raw,
        });
        status = r.status;
      } catch {
        status = 0;
      }
      if (status !== 200) await new Promise((r) => setTimeout(r, 300));
    }
    statuses.push(status);
  }
  return statuses;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  const path = url.pathname;
  if (path === '/_fake/health') return send(res, 200, { ok: true });
  if (path === '/_fake/merchant' && req.method === 'POST') {
    const m = JSON.parse(await body(req));
    merchants.set(m.key_id, { key_secret: m.key_secret, webhook_url: m.webhook_url, webhook_secret: m.webhook_secret });
    return send(res, 200, { ok: true });
  }
  if (path === '/_fake/links') return send(res, 200, [...links.values()]);

  if (path === '/v1/payment_links' && req.method === 'GET') {
    if (!merchantOf(req)) return error(res, 401, 'The api key provided is invalid');
    const ref = url.searchParams.get('reference_id');
    return send(res, 200, { payment_links: [...links.values()].filter((l) => !ref || l.reference_id === ref) });
  }
  if (path === '/v1/payment_links' && req.method === 'POST') {
    const m = merchantOf(req);
    if (!m) return error(res, 401, 'The api key provided is invalid');
    let r;
    try {
      r = JSON.parse(await body(req));
    } catch {
      return error(res, 400, 'The request body is not JSON');
    }
    if (!Number.isInteger(r.amount) || r.amount < 100) return error(res, 400, 'The amount must be at least INR 1.00');
    if (r.currency !== 'INR') return error(res, 400, 'Currency is not supported');
    if (typeof r.reference_id !== 'string' || !r.reference_id || r.reference_id.length > 40) return error(res, 400, 'The reference id is invalid');
    if ([...links.values()].some((l) => l.reference_id === r.reference_id)) return error(res, 400, 'Payment Link with this reference_id already exists');
    const id = `plink_E2e${String(++next).padStart(10, '0')}`;
    const link = {
      id, key_id: m.id, amount: r.amount, amount_paid: 0, currency: 'INR', status: 'created', reference_id: r.reference_id,
      description: r.description, customer: r.customer, accept_partial: r.accept_partial,
      short_url: `http://127.0.0.1:${port}/pay/${id}`, expire_by: r.expire_by, created_at: Math.floor(Date.now() / 1000),
    };
    links.set(id, link);
    return send(res, 200, link);
  }
  const cancel = path.match(/^\/v1\/payment_links\/([A-Za-z0-9_]+)\/cancel$/);
  if (cancel && req.method === 'POST') {
    if (!merchantOf(req)) return error(res, 401, 'The api key provided is invalid');
    const l = links.get(cancel[1]);
    if (!l) return error(res, 400, 'The id provided does not exist');
    if (!['created', 'partially_paid'].includes(l.status)) return error(res, 400, 'Payment link cannot be cancelled');
    l.status = 'cancelled';
    return send(res, 200, l);
  }

  // The checkout page a payment link opens, and what paying there does.
  const pay = path.match(/^\/pay\/([A-Za-z0-9_]+)$/);
  if (pay) {
    const l = links.get(pay[1]);
    if (!l) return send(res, 404, '<h1>No such payment link</h1>', 'text/html; charset=utf-8');
    const left = l.amount - l.amount_paid;
    if (req.method === 'GET') {
      const payable = ['created', 'partially_paid'].includes(l.status);
      return send(res, 200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Pay ${rupees(left)}</title></head><body>
<h1>Fake Razorpay checkout</h1><p data-test="rzp-description">${escape(l.description)}</p>
<p>Amount due: <strong data-test="rzp-amount">${rupees(left)}</strong> (status: <span data-test="rzp-status">${escape(l.status)}</span>)</p>
${payable ? `<form method="post"><label>Pay (₹) <input name="amount" data-test="rzp-pay-amount" value="${(left / 100).toFixed(2)}"></label>
<button type="submit" data-test="rzp-pay">Pay with UPI</button></form>` : ''}
</body></html>`, 'text/html; charset=utf-8');
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      const amount = Math.round(Number(form.get('amount')) * 100);
      if (!['created', 'partially_paid'].includes(l.status)) return send(res, 409, '<h1>This link cannot be paid</h1>', 'text/html; charset=utf-8');
      if (!Number.isInteger(amount) || amount < 100 || amount > left) return send(res, 400, '<h1>Enter an amount from ₹1 up to what is due</h1>', 'text/html; charset=utf-8');
      l.amount_paid += amount;
      l.status = l.amount_paid >= l.amount ? 'paid' : 'partially_paid';
      const payId = `pay_E2e${crypto.randomBytes(6).toString('hex')}`;
      const now = Math.floor(Date.now() / 1000);
      const event = {
        entity: 'event', account_id: 'acc_E2eMerchant01', event: `payment_link.${l.status}`,
        contains: ['payment_link', 'order', 'payment'],
        payload: {
          payment_link: { entity: { id: l.id, status: l.status, amount: l.amount, amount_paid: l.amount_paid, currency: 'INR', reference_id: l.reference_id } },
          order: { entity: { id: `order_${payId}`, amount, status: 'paid' } },
          payment: { entity: { id: payId, entity: 'payment', amount, currency: 'INR', status: 'captured', method: 'upi', captured: true,
            vpa: 'shop@okaxis', created_at: now, acquirer_data: { rrn: String(600000000000 + next), upi_transaction_id: `E2E${next}` } } },
        },
        created_at: now,
      };
      const statuses = await deliver(merchants.get(l.key_id), event);
      return send(res, 200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paid</title></head><body>
<h1 data-test="rzp-done">Payment of ${rupees(amount)} successful</h1><p>Payment id <code>${payId}</code>; webhook answered ${statuses.join(', ')}.</p>
</body></html>`, 'text/html; charset=utf-8');
    }
  }
  send(res, 404, { error: { description: 'not found' } });
});

server.listen(port, '127.0.0.1', () => console.log(`fake Razorpay on http://127.0.0.1:${port}`));
