-- The GST rate schedule as the law writes it (src/catalog/gst_schedule.csv:
-- Notification 9/2025-Central Tax (Rate), its seven schedules, and the
-- exemptions of 10/2025, in force from 22 September 2025), loaded at start by
-- server::reference. One row per entry and code: a chapter (2 digits), heading
-- (4), sub-heading (6), tariff item (8), or '*' for "any chapter".
--   condition  what the entry covers beyond its code ('' = all goods of the code)
--   general    the entry applies unless a more specific one does: no condition,
--              an "other than ..." entry, or the residual entry
--   min/max_unit_paise  the sale value per piece or pair the rate depends on
--   source     the notification, schedule and serial number
-- Rows are only added: a rate change is a new row with its own date and source,
-- so an invoice's date always finds the rate then in force (and every issued
-- invoice line keeps the rate it used).
CREATE TABLE gst_rates (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hsn            TEXT NOT NULL CHECK (hsn ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8})$' OR hsn = '*'),
    valid_from     DATE NOT NULL,
    min_unit_paise BIGINT NOT NULL DEFAULT 0 CHECK (min_unit_paise >= 0),
    max_unit_paise BIGINT CHECK (max_unit_paise IS NULL OR max_unit_paise >= min_unit_paise),
    rate_bp        INT NOT NULL CHECK (rate_bp BETWEEN 0 AND 4000),
    cess_bp        INT NOT NULL DEFAULT 0 CHECK (cess_bp >= 0),
    condition      TEXT NOT NULL DEFAULT '',
    general        BOOLEAN NOT NULL,
    description    TEXT NOT NULL,
    source         TEXT NOT NULL,
    added_by       BIGINT REFERENCES users (id),
    added_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (source, hsn, valid_from)
);
CREATE INDEX gst_rates_lookup ON gst_rates (hsn, valid_from DESC)
    INCLUDE (general, condition, min_unit_paise, max_unit_paise, rate_bp);

-- The entry a SKU's maker chose where the rate depends on something the code
-- does not say (toilet soap or other soap, packaged atta or loose), and why.
ALTER TABLE skus ADD COLUMN gst_rate_id BIGINT REFERENCES gst_rates (id),
                 ADD COLUMN gst_reason TEXT CHECK (length(gst_reason) <= 200);

-- The GST rate for an HSN code on a date and unit value. With a chosen entry
-- (p_choice), that entry's code and condition as in force on the date; else,
-- and where the chosen entry's value slab does not reach, the general entry of
-- the longest matching code (no condition before "other than …", then by the
-- condition's text: domain::gst_schedule::options picks the same); the residual
-- entry ('*') last. Within one entry, the latest rate in force and the highest
-- value slab the price reaches.
DROP FUNCTION gst_rate(TEXT, DATE, BIGINT);
CREATE FUNCTION gst_rate(p_hsn TEXT, p_on DATE, p_unit_paise BIGINT, p_choice BIGINT)
RETURNS TABLE (rate_bp INT)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT g.rate_bp
      FROM gst_rates g
      LEFT JOIN gst_rates c ON c.id = p_choice
     WHERE g.hsn IN (left(p_hsn, 2), left(p_hsn, 4), left(p_hsn, 6), left(p_hsn, 8), '*')
       AND g.valid_from <= p_on
       AND g.min_unit_paise <= p_unit_paise
       AND (g.max_unit_paise IS NULL OR p_unit_paise <= g.max_unit_paise)
       AND (g.general OR (g.hsn = c.hsn AND g.condition = c.condition))
     ORDER BY (g.hsn = c.hsn AND g.condition = c.condition) IS TRUE DESC, g.hsn = '*',
              length(g.hsn) DESC, g.condition = '' DESC, g.condition COLLATE "C",
              g.valid_from DESC, g.min_unit_paise DESC
     LIMIT 1
$$;

DROP TABLE hsn_rates;
