-- Catalog, distributor stock, orders, their events, and the transactional outbox.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Distributor delivery options.
ALTER TABLE organisations
    ADD COLUMN delivers      BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN offers_pickup BOOLEAN NOT NULL DEFAULT true;

CREATE TABLE distributor_pincodes (
    distributor_id BIGINT NOT NULL REFERENCES organisations (id),
    pincode        TEXT NOT NULL CHECK (pincode ~ '^[1-9][0-9]{5}$'),
    PRIMARY KEY (distributor_id, pincode)
);
CREATE INDEX distributor_pincodes_pincode_idx ON distributor_pincodes (pincode);

-- Categories are proposed by manufacturers and approved by the admin.
CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 2 AND 80),
    status      TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
    proposed_by BIGINT REFERENCES organisations (id),
    decided_by  BIGINT REFERENCES users (id),
    decided_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX categories_name_key ON categories (lower(name));

-- GST rate per HSN code in basis points (1800 = 18%), valid from a date. The rate in
-- force on the invoice date is copied onto the invoice line. Some goods (apparel,
-- footwear) change rate above a unit value: min_unit_paise selects the slab.
CREATE TABLE hsn_rates (
    hsn            TEXT NOT NULL CHECK (hsn ~ '^[0-9]{4}([0-9]{2}([0-9]{2})?)?$'),
    valid_from     DATE NOT NULL,
    min_unit_paise BIGINT NOT NULL DEFAULT 0 CHECK (min_unit_paise >= 0),
    rate_bp        INT NOT NULL CHECK (rate_bp BETWEEN 0 AND 4000),
    cess_bp        INT NOT NULL DEFAULT 0 CHECK (cess_bp >= 0),
    description    TEXT NOT NULL,
    PRIMARY KEY (hsn, valid_from, min_unit_paise)
);

INSERT INTO hsn_rates (hsn, valid_from, min_unit_paise, rate_bp, description) VALUES
    ('0401', '2017-07-01', 0, 0,    'Milk and cream, not concentrated'),
    ('0405', '2017-07-01', 0, 1200, 'Butter, ghee and other milk fats'),
    ('0405', '2025-09-22', 0, 500,  'Butter, ghee and other milk fats'),
    ('0902', '2017-07-01', 0, 500,  'Tea'),
    ('1006', '2017-07-01', 0, 500,  'Rice, pre-packaged and labelled'),
    ('1101', '2017-07-01', 0, 500,  'Wheat flour (atta), pre-packaged and labelled'),
    ('1507', '2017-07-01', 0, 500,  'Soya-bean oil'),
    ('1701', '2017-07-01', 0, 500,  'Cane or beet sugar'),
    ('1905', '2017-07-01', 0, 1800, 'Biscuits, bread, pastry'),
    ('1905', '2025-09-22', 0, 500,  'Biscuits, bread, pastry'),
    ('2106', '2017-07-01', 0, 1200, 'Namkeen, bhujia and other food preparations'),
    ('2106', '2025-09-22', 0, 500,  'Namkeen, bhujia and other food preparations'),
    ('3305', '2017-07-01', 0, 1800, 'Hair oil, shampoo'),
    ('3305', '2025-09-22', 0, 500,  'Hair oil, shampoo'),
    ('3306', '2017-07-01', 0, 1800, 'Toothpaste, dental preparations'),
    ('3306', '2025-09-22', 0, 500,  'Toothpaste, dental preparations'),
    ('3401', '2017-07-01', 0, 1800, 'Toilet soap'),
    ('3401', '2025-09-22', 0, 500,  'Toilet soap'),
    ('3402', '2017-07-01', 0, 1800, 'Detergents, washing preparations'),
    ('6109', '2017-07-01', 0, 500,  'T-shirts and vests, knitted'),
    ('6109', '2025-09-22', 0, 500,  'T-shirts and vests, knitted, sale value up to Rs 2,500 a piece'),
    ('6109', '2025-09-22', 250001, 1800, 'T-shirts and vests, knitted, sale value above Rs 2,500 a piece'),
    ('6205', '2025-09-22', 0, 500,  'Men''s shirts, sale value up to Rs 2,500 a piece'),
    ('6205', '2025-09-22', 250001, 1800, 'Men''s shirts, sale value above Rs 2,500 a piece'),
    ('8415', '2017-07-01', 0, 2800, 'Air conditioners'),
    ('8415', '2025-09-22', 0, 1800, 'Air conditioners'),
    ('8471', '2017-07-01', 0, 1800, 'Laptops and computers'),
    ('8517', '2017-07-01', 0, 1800, 'Mobile phones'),
    ('8528', '2017-07-01', 0, 2800, 'Television sets'),
    ('8528', '2025-09-22', 0, 1800, 'Television sets'),
    ('9404', '2017-07-01', 0, 1800, 'Mattresses, pillows, quilts'),
    ('1704', '2025-09-22', 0, 500,  'Sugar confectionery'),
    ('2201', '2017-07-01', 0, 1800, 'Packaged drinking water'),
    ('2201', '2025-09-22', 0, 500,  'Packaged drinking water');

CREATE TABLE skus (
    id              BIGSERIAL PRIMARY KEY,
    manufacturer_id BIGINT NOT NULL REFERENCES organisations (id),
    code            TEXT NOT NULL CHECK (code ~ '^[A-Za-z0-9._/-]{1,40}$'),
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 2 AND 160),
    brand           TEXT NOT NULL CHECK (length(brand) BETWEEN 1 AND 80),
    category_id     BIGINT NOT NULL REFERENCES categories (id),
    hsn             TEXT NOT NULL CHECK (hsn ~ '^[0-9]{4}([0-9]{2}([0-9]{2})?)?$'),
    mrp_paise       BIGINT NOT NULL CHECK (mrp_paise > 0 AND mrp_paise <= 100000000000),
    unit            TEXT NOT NULL CHECK (unit IN ('pcs', 'pack', 'box', 'kg', 'g', 'litre', 'ml', 'dozen', 'set', 'pair', 'metre')),
    pack_size       INT NOT NULL DEFAULT 1 CHECK (pack_size BETWEEN 1 AND 100000),
    image           BYTEA CHECK (image IS NULL OR length(image) <= 300000),
    image_type      TEXT,
    active          BOOLEAN NOT NULL DEFAULT true,
    -- lower(name brand category) kept by the application, searched with pg_trgm.
    search_text     TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (manufacturer_id, code)
);
-- GiST trigram index: filters by word similarity (<%) and, more importantly, returns
-- the closest matches first (ORDER BY q <<-> search_text) without ranking every row.
CREATE INDEX skus_search_trgm_idx ON skus USING gist (search_text gist_trgm_ops(siglen = 96));
CREATE INDEX skus_name_idx ON skus (name);
CREATE INDEX skus_category_idx ON skus (category_id);
CREATE INDEX skus_manufacturer_idx ON skus (manufacturer_id, name);

-- Manufacturer ↔ distributor links: one side asks, the other accepts.
CREATE TABLE links (
    manufacturer_id BIGINT NOT NULL REFERENCES organisations (id),
    distributor_id  BIGINT NOT NULL REFERENCES organisations (id),
    state           TEXT NOT NULL CHECK (state IN ('invited', 'requested', 'active', 'ended')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    changed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (manufacturer_id, distributor_id)
);
CREATE INDEX links_distributor_idx ON links (distributor_id, state);

-- A distributor carrying a SKU. available = on_hand - reserved; never negative.
CREATE TABLE listings (
    id             BIGSERIAL PRIMARY KEY,
    distributor_id BIGINT NOT NULL REFERENCES organisations (id),
    sku_id         BIGINT NOT NULL REFERENCES skus (id),
    price_paise    BIGINT NOT NULL CHECK (price_paise > 0),
    on_hand        INT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved       INT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
    min_order_qty  INT NOT NULL DEFAULT 1 CHECK (min_order_qty BETWEEN 1 AND 100000),
    active         BOOLEAN NOT NULL DEFAULT true,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (distributor_id, sku_id)
);
CREATE INDEX listings_sku_idx ON listings (sku_id) WHERE active;

-- Every change to a listing's stock, with who and why.
CREATE TABLE stock_movements (
    id            BIGSERIAL PRIMARY KEY,
    listing_id    BIGINT NOT NULL REFERENCES listings (id),
    kind          TEXT NOT NULL CHECK (kind IN ('received', 'damaged', 'correction', 'reserved', 'released', 'sold')),
    on_hand_delta INT NOT NULL,
    reserved_delta INT NOT NULL,
    on_hand_after INT NOT NULL,
    reserved_after INT NOT NULL,
    order_id      BIGINT,
    note          TEXT,
    by_user       BIGINT REFERENCES users (id),
    at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_listing_idx ON stock_movements (listing_id, at DESC);

CREATE TABLE orders (
    id              BIGSERIAL PRIMARY KEY,
    retailer_id     BIGINT NOT NULL REFERENCES organisations (id),
    distributor_id  BIGINT NOT NULL REFERENCES organisations (id),
    placed_by       BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 64),
    state           TEXT NOT NULL DEFAULT 'placed' CHECK (state IN ('placed', 'accepted', 'packed', 'out_for_delivery',
                        'ready_for_pickup', 'delivered', 'picked_up', 'rejected', 'cancelled')),
    delivery_mode   TEXT CHECK (delivery_mode IN ('deliver', 'pickup')),
    line_count      INT NOT NULL CHECK (line_count > 0),
    total_paise     BIGINT NOT NULL CHECK (total_paise >= 0),
    note            TEXT,
    -- Retailer's area at order time, for reports by region.
    state_code      SMALLINT NOT NULL,
    pincode         TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (retailer_id, idempotency_key)
);
CREATE INDEX orders_distributor_idx ON orders (distributor_id, created_at DESC);
CREATE INDEX orders_distributor_state_idx ON orders (distributor_id, state, created_at DESC);
CREATE INDEX orders_retailer_idx ON orders (retailer_id, created_at DESC);

-- Price and tax copied at order time: later changes never alter an order.
CREATE TABLE order_lines (
    order_id    BIGINT NOT NULL REFERENCES orders (id),
    line_no     INT NOT NULL,
    listing_id  BIGINT NOT NULL REFERENCES listings (id),
    sku_id      BIGINT NOT NULL REFERENCES skus (id),
    name        TEXT NOT NULL,
    brand       TEXT NOT NULL,
    hsn         TEXT NOT NULL,
    unit        TEXT NOT NULL,
    qty         INT NOT NULL CHECK (qty > 0),
    unit_price_paise BIGINT NOT NULL CHECK (unit_price_paise > 0),
    mrp_paise   BIGINT NOT NULL,
    tax_rate_bp INT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_events (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    from_state TEXT,
    to_state   TEXT NOT NULL,
    by_user    BIGINT REFERENCES users (id),
    by_org     BIGINT REFERENCES organisations (id),
    via        TEXT NOT NULL DEFAULT 'web' CHECK (via IN ('web', 'whatsapp', 'system')),
    note       TEXT,
    at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- Transactional outbox: written in the same transaction as the event that causes it.
CREATE TABLE outbox (
    id                  BIGSERIAL PRIMARY KEY,
    dedupe_key          TEXT NOT NULL UNIQUE,
    recipient           TEXT NOT NULL CHECK (recipient ~ '^91[6-9][0-9]{9}$'),
    recipient_user      BIGINT REFERENCES users (id),
    template            TEXT NOT NULL,
    language            TEXT NOT NULL DEFAULT 'en',
    params              JSONB NOT NULL DEFAULT '[]',
    order_id            BIGINT REFERENCES orders (id),
    document_kind       TEXT,
    document_id         BIGINT,
    state               TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts            INT NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    provider_message_id TEXT,
    last_error          TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at             TIMESTAMPTZ
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_order_idx ON outbox (order_id);

-- The GST rate for an HSN code on a date and unit value: the longest matching HSN
-- prefix, the latest rate in force, the highest value slab the unit price reaches.
-- NULL means "no known rate": such a SKU cannot be sold.
CREATE FUNCTION gst_rate_bp(p_hsn TEXT, p_on DATE, p_unit_paise BIGINT) RETURNS INT
LANGUAGE sql STABLE AS $$
    SELECT rate_bp FROM hsn_rates
     WHERE p_hsn LIKE hsn || '%' AND valid_from <= p_on AND min_unit_paise <= p_unit_paise
     ORDER BY length(hsn) DESC, valid_from DESC, min_unit_paise DESC
     LIMIT 1
$$;

INSERT INTO categories (name, status) VALUES
    ('Biscuits', 'approved'), ('Namkeen', 'approved'), ('Dairy', 'approved'), ('Staples', 'approved'),
    ('Beverages', 'approved'), ('Personal care', 'approved'), ('Home care', 'approved'),
    ('Mattresses', 'approved'), ('Electronics', 'approved'), ('Laptops', 'approved'), ('Clothing', 'approved');
