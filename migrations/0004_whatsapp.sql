-- WhatsApp: the sender's lease and retry fields on the outbox, delivery statuses,
-- webhook events processed once, the sandbox phone, broadcasts and monthly jobs.

CREATE TABLE broadcasts (
    id            BIGSERIAL PRIMARY KEY,
    template      TEXT NOT NULL,
    message       TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 500),
    segment       TEXT NOT NULL CHECK (segment IN ('retailers', 'distributors', 'state', 'pincode')),
    segment_value TEXT NOT NULL DEFAULT '',
    per_second    INT NOT NULL CHECK (per_second BETWEEN 1 AND 80),
    recipients    INT NOT NULL DEFAULT 0,
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE outbox
    DROP CONSTRAINT outbox_state_check,
    ADD CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    -- 'template' (outside the 24-hour window), or 'text' / 'interactive' replies inside it.
    ADD COLUMN kind            TEXT NOT NULL DEFAULT 'template' CHECK (kind IN ('template', 'text', 'interactive')),
    ADD COLUMN body            TEXT,
    ADD COLUMN buttons         JSONB,
    -- Order alerts, invoices and replies are transactional; broadcasts and summaries are
    -- not, and are skipped for users who opted out.
    ADD COLUMN transactional   BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN broadcast_id    BIGINT REFERENCES broadcasts (id),
    -- A sender owns a 'sending' row until then; after it, another process may retry it.
    ADD COLUMN lease_until     TIMESTAMPTZ,
    ADD COLUMN media_id        TEXT,
    ADD COLUMN month           TEXT,
    ADD COLUMN delivery        TEXT CHECK (delivery IN ('sent', 'delivered', 'read', 'failed')),
    ADD COLUMN delivery_at     TIMESTAMPTZ,
    ADD COLUMN delivery_error  TEXT;
CREATE INDEX outbox_lease_idx ON outbox (lease_until) WHERE state = 'sending';
CREATE UNIQUE INDEX outbox_provider_id_key ON outbox (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX outbox_broadcast_idx ON outbox (broadcast_id, state) WHERE broadcast_id IS NOT NULL;
CREATE INDEX outbox_failed_idx ON outbox (created_at DESC) WHERE state = 'failed';

-- Every webhook event, stored raw under the provider's id: a repeat is a no-op.
CREATE TABLE webhook_events (
    id           BIGSERIAL PRIMARY KEY,
    event_key    TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('status', 'message')),
    from_phone   TEXT,
    payload      JSONB NOT NULL,
    outcome      TEXT,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The last message each number sent us: replies inside 24 hours may be free text.
CREATE TABLE whatsapp_contacts (
    phone           TEXT PRIMARY KEY,
    last_inbound_at TIMESTAMPTZ NOT NULL
);

-- The built-in sandbox: what a phone would have received, as the API request body.
CREATE TABLE sandbox_messages (
    id          BIGSERIAL PRIMARY KEY,
    wamid       TEXT NOT NULL UNIQUE,
    to_phone    TEXT NOT NULL,
    request     JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_messages_phone_idx ON sandbox_messages (to_phone, id);

CREATE TABLE sandbox_media (
    id          TEXT PRIMARY KEY,
    filename    TEXT NOT NULL,
    mime        TEXT NOT NULL,
    bytes       BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Scheduled jobs: one row per job and period, so a period runs once across processes.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    messages    INT NOT NULL DEFAULT 0,
    ran_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job, period)
);

-- The named fields every order message draws on; templates pick theirs by name.
CREATE FUNCTION order_items_summary(p_names TEXT[], p_qtys INT[]) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(n || ' × ' || q, ', ' ORDER BY i)
           || CASE WHEN cardinality(p_names) > 3 THEN ' +' || (cardinality(p_names) - 3) ELSE '' END
      FROM unnest(p_names[1:3], p_qtys[1:3]) WITH ORDINALITY AS t(n, q, i)
$$;

-- The parameter object of an order message (for events after placement, which
-- builds the same object from the values it is inserting).
CREATE FUNCTION order_message_params(p_order BIGINT, p_reason TEXT) RETURNS JSONB
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'order', o.id::text,
               'retailer', r.trade_name,
               'distributor', d.trade_name,
               'items', (SELECT order_items_summary(array_agg(l.name ORDER BY l.line_no), array_agg(l.qty ORDER BY l.line_no))
                           FROM order_lines l WHERE l.order_id = o.id),
               'total_paise', o.total_paise,
               'reason', COALESCE(NULLIF(p_reason, ''), '-'),
               'pickup', COALESCE(NULLIF(concat_ws('; ', d.pickup_address, d.pickup_hours), ''), d.address_line || ', ' || d.city))
      FROM orders o
      JOIN organisations r ON r.id = o.retailer_id
      JOIN organisations d ON d.id = o.distributor_id
     WHERE o.id = p_order
$$;
