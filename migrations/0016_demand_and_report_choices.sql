-- Demand that orders alone do not show, for the brands' visibility report:
--   refused_stock    a shop tried to order more than the distributor had (the
--                    order was refused); qty is the shortfall, what it asked
--                    for beyond what was available
--   unserved_search  a shop's search found the product and no distributor
--                    serving the shop had any in stock; qty is 0
-- One row per India day, kind, shop, distributor (none for a search) and SKU:
-- a shop retrying the same cart, or searching again, counts once a day, with
-- the largest shortfall it met. Rejected and cancelled orders are in the
-- rollups already (stage 'rejected' / 'cancelled').
CREATE DOMAIN demand_kind AS TEXT CHECK (VALUE IN ('refused_stock', 'unserved_search'));

CREATE TABLE demand_events (
    day DATE NOT NULL DEFAULT ist_today(),
    kind demand_kind NOT NULL,
    retailer_id BIGINT NOT NULL REFERENCES organisations (id),
    distributor_id BIGINT REFERENCES organisations (id),
    sku_id BIGINT NOT NULL REFERENCES skus (id),
    manufacturer_id BIGINT NOT NULL REFERENCES organisations (id),
    state_code SMALLINT NOT NULL,
    pincode TEXT NOT NULL,
    qty BIGINT NOT NULL CHECK (qty >= 0),
    times INTEGER NOT NULL DEFAULT 1 CHECK (times >= 1),
    first_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT demand_events_once_a_day
        UNIQUE NULLS NOT DISTINCT (day, kind, retailer_id, distributor_id, sku_id),
    CHECK ((kind = 'unserved_search') = (distributor_id IS NULL))
);
CREATE INDEX demand_events_manufacturer ON demand_events (manufacturer_id, day);

-- What the owner lets staff download: when false, a staff member's downloads
-- are limited to periods of at most 92 days (a quarter); the page says so.
ALTER TABLE organisations
    ADD COLUMN staff_long_downloads BOOLEAN NOT NULL DEFAULT true;

-- The report period each user last chose, so a report opens where they left
-- it (`period` a preset name, `from`/`to` for a custom range, `grp` the
-- grouping, `compare` whether the period before is shown).
CREATE TABLE report_choices (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    period TEXT NOT NULL CHECK (length(period) <= 20),
    from_day TEXT NOT NULL CHECK (length(from_day) <= 10),
    to_day TEXT NOT NULL CHECK (length(to_day) <= 10),
    grp TEXT NOT NULL CHECK (length(grp) <= 10),
    compare BOOLEAN NOT NULL DEFAULT true,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
