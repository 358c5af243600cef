-- Online payments (issue 18): a distributor connects its own Razorpay account;
-- each invoice (or a shop's whole due) gets a payment link for what is due; the
-- gateway's signed webhook records the payment, once however often it is sent.

-- A distributor's Razorpay account: API keys and the webhook secret it chose in
-- Razorpay's dashboard. Never sent to a browser.
CREATE TABLE payment_gateways (
    distributor_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    provider       TEXT NOT NULL DEFAULT 'razorpay' CHECK (provider = 'razorpay'),
    key_id         TEXT NOT NULL CHECK (key_id ~ '^rzp_(test|live)_[A-Za-z0-9]{6,40}$'),
    key_secret     TEXT NOT NULL CHECK (length(key_secret) BETWEEN 8 AND 100),
    webhook_secret TEXT NOT NULL CHECK (length(webhook_secret) BETWEEN 8 AND 100),
    connected_by   BIGINT REFERENCES users (id),
    connected_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A payment link made at the gateway for one invoice's due (invoice_id) or a
-- shop's whole due (invoice_id NULL). Reused while it is payable and for the
-- same amount; a new amount makes a new link and cancels the old one.
CREATE TABLE payment_links (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    distributor_id BIGINT NOT NULL REFERENCES organisations (id),
    retailer_id    BIGINT NOT NULL REFERENCES organisations (id),
    invoice_id     BIGINT REFERENCES invoices (id),
    amount_paise   BIGINT NOT NULL CHECK (amount_paise > 0),
    gateway_id     TEXT NOT NULL UNIQUE CHECK (length(gateway_id) <= 64),
    short_url      TEXT NOT NULL CHECK (short_url ~ '^https?://' AND length(short_url) <= 300),
    status         TEXT NOT NULL DEFAULT 'created'
                   CHECK (status IN ('created', 'partially_paid', 'paid', 'cancelled', 'expired')),
    expires_at     TIMESTAMPTZ NOT NULL,
    created_by     BIGINT REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payment_links_account ON payment_links (distributor_id, retailer_id, created_at DESC);

-- Which link a gateway payment paid.
ALTER TABLE payments ADD COLUMN link_id BIGINT REFERENCES payment_links (id);

-- Every verified webhook event, under the gateway's event id: a retry of the
-- same event is answered 200 and changes nothing.
CREATE TABLE gateway_events (
    event_id       TEXT PRIMARY KEY CHECK (length(event_id) <= 64),
    distributor_id BIGINT NOT NULL REFERENCES organisations (id),
    event          TEXT NOT NULL CHECK (length(event) <= 64),
    payment_id     BIGINT REFERENCES payments (id),
    outcome        TEXT NOT NULL CHECK (length(outcome) <= 200),
    received_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Connecting, replacing or disconnecting a gateway is audited.
ALTER DOMAIN audit_action DROP CONSTRAINT audit_action_check;
ALTER DOMAIN audit_action ADD CONSTRAINT audit_action_check CHECK (VALUE IN (
    'org_approval', 'category_decision', 'message_retry', 'broadcast',
    'sandbox_tap', 'sandbox_type', 'gst_rate_change', 'user_disabled', 'user_enabled',
    'password_reset', 'admin_invited', 'user_removed', 'hsn_proposal_declined',
    'payment_gateway'
));
