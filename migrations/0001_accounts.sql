-- Organisations, their members, sessions and log-in attempts.
-- Every tenant row hangs off organisations.id; later tables (skus, listings, orders,
-- invoices, outbox, rollups) reference org ids the same way.

CREATE TABLE organisations (
    id               BIGSERIAL PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('retailer', 'distributor', 'manufacturer', 'platform')),
    legal_name       TEXT NOT NULL CHECK (length(legal_name) BETWEEN 2 AND 200),
    trade_name       TEXT NOT NULL CHECK (length(trade_name) BETWEEN 2 AND 200),
    -- Validated with its check character in the application; optional for retailers.
    gstin            TEXT CHECK (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
    address_line     TEXT NOT NULL CHECK (length(address_line) BETWEEN 2 AND 300),
    city             TEXT NOT NULL CHECK (length(city) BETWEEN 2 AND 100),
    state_code       SMALLINT NOT NULL CHECK (state_code BETWEEN 1 AND 38),
    pincode          TEXT NOT NULL CHECK (pincode ~ '^[1-9][0-9]{5}$'),
    -- International digits without '+', as WhatsApp wants them.
    whatsapp         TEXT NOT NULL CHECK (whatsapp ~ '^91[6-9][0-9]{9}$'),
    approval         TEXT NOT NULL DEFAULT 'pending' CHECK (approval IN ('pending', 'active', 'suspended')),
    approval_note    TEXT,
    approval_changed_at TIMESTAMPTZ,
    approval_changed_by BIGINT,
    -- Distributor trading profile (used by ordering and invoicing).
    upi_id           TEXT,
    invoice_prefix   TEXT CHECK (invoice_prefix ~ '^[A-Z0-9/-]{1,8}$'),
    einvoice_enabled BOOLEAN NOT NULL DEFAULT false,
    pickup_address   TEXT,
    pickup_hours     TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (kind = 'retailer' OR kind = 'platform' OR gstin IS NOT NULL),
    CHECK (gstin IS NULL OR substr(gstin, 1, 2)::smallint = state_code)
);
-- One registration, one organisation.
CREATE UNIQUE INDEX organisations_gstin_key ON organisations (gstin) WHERE gstin IS NOT NULL;
CREATE INDEX organisations_kind_approval_idx ON organisations (kind, approval, created_at);
CREATE INDEX organisations_pincode_idx ON organisations (pincode);

CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
    phone           TEXT CHECK (phone ~ '^91[6-9][0-9]{9}$'),
    email           TEXT CHECK (email = lower(email) AND position('@' IN email) > 1),
    password_hash   TEXT NOT NULL,
    whatsapp_opt_in BOOLEAN NOT NULL DEFAULT true,
    language        TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'hi', 'mr')),
    active          BOOLEAN NOT NULL DEFAULT true,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at   TIMESTAMPTZ,
    CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
CREATE UNIQUE INDEX users_phone_key ON users (phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX users_email_key ON users (email) WHERE email IS NOT NULL;
CREATE INDEX users_org_idx ON users (org_id);

ALTER TABLE organisations
    ADD CONSTRAINT organisations_approval_changed_by_fkey FOREIGN KEY (approval_changed_by) REFERENCES users (id);

-- Sessions: the cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- Failed log-ins per identifier (normalised phone or e-mail), for the lock-out rule.
CREATE TABLE login_failures (
    id          BIGSERIAL PRIMARY KEY,
    identifier  TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_identifier_at_idx ON login_failures (identifier, at DESC);

-- Who changed an organisation's approval, and why: the admin's audit trail.
CREATE TABLE approval_events (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations (id),
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT,
    by_user    BIGINT NOT NULL REFERENCES users (id),
    at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX approval_events_org_idx ON approval_events (org_id, at);
