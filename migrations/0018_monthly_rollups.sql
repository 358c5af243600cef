-- Monthly rollups for reports over long periods: the daily rollups of migration
-- 0014, summed by India month, for months that have ended ("folded").
--
--   orders_monthly  month × distributor × shop × stage: orders, lines, total, last day
--   distributor_monthly  month × distributor × stage: orders, lines, total
--   sales_monthly   month × distributor × SKU × stage × state: orders, qty, goods value
--
-- A month is folded once, by `fold_rollups()` (run at start and every hour by the
-- server, idempotent, one process at a time), at least a day after it ended.
-- From then on, any change to that month's daily rows (an old order delivered,
-- cancelled or credited late) is applied to the monthly rows by row triggers in
-- the same transaction, so a folded month always equals the sum of its days.
-- Orders placed today never touch these tables: the triggers fire only for
-- days before the current month. Readers take folded whole months from here and
-- every other day from the daily rollups (`orders_span`, `sales_span`), so a
-- report reads about 30 times fewer rows over a year and gets the same figures.

-- The first day of the last month folded (NULL: none yet).
CREATE TABLE rollup_folds (
    one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    folded_through DATE CHECK (extract(day FROM folded_through) = 1)
);
INSERT INTO rollup_folds DEFAULT VALUES;

CREATE TABLE orders_monthly (
    month DATE NOT NULL CHECK (extract(day FROM month) = 1),
    distributor_id BIGINT NOT NULL,
    retailer_id BIGINT NOT NULL,
    stage sales_stage NOT NULL,
    orders INTEGER NOT NULL CHECK (orders >= 0),
    lines INTEGER NOT NULL CHECK (lines >= 0),
    total_paise BIGINT NOT NULL CHECK (total_paise >= 0),
    last_day DATE NOT NULL,
    PRIMARY KEY (distributor_id, month, retailer_id, stage) INCLUDE (orders, lines, total_paise, last_day)
);
CREATE INDEX orders_monthly_retailer ON orders_monthly (retailer_id, month)
    INCLUDE (distributor_id, stage, orders, lines, total_paise, last_day);
CREATE INDEX orders_monthly_month ON orders_monthly (month)
    INCLUDE (distributor_id, retailer_id, stage, orders, lines, total_paise, last_day);

CREATE TABLE distributor_monthly (
    month DATE NOT NULL CHECK (extract(day FROM month) = 1),
    distributor_id BIGINT NOT NULL,
    stage sales_stage NOT NULL,
    orders INTEGER NOT NULL CHECK (orders >= 0),
    lines INTEGER NOT NULL CHECK (lines >= 0),
    total_paise BIGINT NOT NULL CHECK (total_paise >= 0),
    PRIMARY KEY (month, distributor_id, stage) INCLUDE (orders, lines, total_paise)
);
CREATE INDEX distributor_monthly_distributor ON distributor_monthly (distributor_id, month)
    INCLUDE (stage, orders, lines, total_paise);

CREATE TABLE sales_monthly (
    month DATE NOT NULL CHECK (extract(day FROM month) = 1),
    distributor_id BIGINT NOT NULL,
    sku_id BIGINT NOT NULL,
    stage sales_stage NOT NULL,
    state_code SMALLINT NOT NULL,
    manufacturer_id BIGINT NOT NULL,
    orders INTEGER NOT NULL CHECK (orders >= 0),
    qty BIGINT NOT NULL CHECK (qty >= 0),
    value_paise BIGINT NOT NULL CHECK (value_paise >= 0),
    PRIMARY KEY (distributor_id, month, sku_id, stage, state_code) INCLUDE (manufacturer_id, orders, qty, value_paise)
);
CREATE INDEX sales_monthly_manufacturer ON sales_monthly (manufacturer_id, month)
    INCLUDE (distributor_id, sku_id, stage, state_code, orders, qty, value_paise);
CREATE INDEX sales_monthly_month ON sales_monthly (month)
    INCLUDE (distributor_id, sku_id, stage, state_code, manufacturer_id, orders, qty, value_paise);

CREATE FUNCTION month_of(d DATE) RETURNS DATE
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_trunc('month', d::timestamp)::date
$$;

-- The India month now, by the wall clock (not the transaction's start), for the
-- triggers below: a row of the current month is never in a folded month.
CREATE FUNCTION ist_month_now() RETURNS DATE
LANGUAGE sql VOLATILE AS $$
    SELECT month_of((clock_timestamp() AT TIME ZONE 'Asia/Kolkata')::date)
$$;

-- Adds (sign 1) or takes away (sign -1) one daily row in its folded month.
CREATE FUNCTION orders_monthly_add(r orders_daily, sign INTEGER) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    m DATE := month_of(r.day);
    left_orders INTEGER;
BEGIN
    IF r.orders = 0 THEN
        RETURN; -- a daily row emptied on its way out: not counted in the month
    END IF;
    IF sign > 0 THEN
        INSERT INTO distributor_monthly AS s (month, distributor_id, stage, orders, lines, total_paise)
        VALUES (m, r.distributor_id, r.stage, r.orders, r.lines, r.total_paise)
        ON CONFLICT (month, distributor_id, stage) DO UPDATE
           SET orders = s.orders + EXCLUDED.orders, lines = s.lines + EXCLUDED.lines,
               total_paise = s.total_paise + EXCLUDED.total_paise;
        INSERT INTO orders_monthly AS s (month, distributor_id, retailer_id, stage, orders, lines, total_paise, last_day)
        VALUES (m, r.distributor_id, r.retailer_id, r.stage, r.orders, r.lines, r.total_paise, r.day)
        ON CONFLICT (distributor_id, month, retailer_id, stage) DO UPDATE
           SET orders = s.orders + EXCLUDED.orders, lines = s.lines + EXCLUDED.lines,
               total_paise = s.total_paise + EXCLUDED.total_paise,
               last_day = greatest(s.last_day, EXCLUDED.last_day);
        RETURN;
    END IF;
    UPDATE distributor_monthly s
       SET orders = s.orders - r.orders, lines = s.lines - r.lines, total_paise = s.total_paise - r.total_paise
     WHERE s.month = m AND s.distributor_id = r.distributor_id AND s.stage = r.stage
    RETURNING s.orders INTO left_orders;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'distributor_monthly lacks % % %', m, r.distributor_id, r.stage;
    END IF;
    IF left_orders = 0 THEN
        DELETE FROM distributor_monthly s WHERE s.month = m AND s.distributor_id = r.distributor_id AND s.stage = r.stage;
    END IF;
    UPDATE orders_monthly s
       SET orders = s.orders - r.orders, lines = s.lines - r.lines, total_paise = s.total_paise - r.total_paise
     WHERE s.distributor_id = r.distributor_id AND s.month = m AND s.retailer_id = r.retailer_id AND s.stage = r.stage
    RETURNING s.orders INTO left_orders;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'orders_monthly lacks % % % %', m, r.distributor_id, r.retailer_id, r.stage;
    END IF;
    IF left_orders = 0 THEN
        DELETE FROM orders_monthly s
         WHERE s.distributor_id = r.distributor_id AND s.month = m AND s.retailer_id = r.retailer_id AND s.stage = r.stage;
    ELSE
        UPDATE orders_monthly s
           SET last_day = (SELECT max(d.day) FROM orders_daily d
                            WHERE d.retailer_id = r.retailer_id AND d.distributor_id = r.distributor_id
                              AND d.stage = r.stage AND d.orders > 0
                              AND d.day >= m AND d.day < (m + interval '1 month')::date)
         WHERE s.distributor_id = r.distributor_id AND s.month = m AND s.retailer_id = r.retailer_id AND s.stage = r.stage;
    END IF;
END
$$;

CREATE FUNCTION sales_monthly_add(r sales_daily, sign INTEGER) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    m DATE := month_of(r.day);
    left_orders INTEGER;
BEGIN
    IF r.orders = 0 THEN
        RETURN; -- a daily row emptied on its way out: not counted in the month
    END IF;
    IF sign > 0 THEN
        INSERT INTO sales_monthly AS s (month, distributor_id, sku_id, stage, state_code, manufacturer_id,
                                        orders, qty, value_paise)
        VALUES (m, r.distributor_id, r.sku_id, r.stage, r.state_code, r.manufacturer_id, r.orders, r.qty, r.value_paise)
        ON CONFLICT (distributor_id, month, sku_id, stage, state_code) DO UPDATE
           SET orders = s.orders + EXCLUDED.orders, qty = s.qty + EXCLUDED.qty,
               value_paise = s.value_paise + EXCLUDED.value_paise;
        RETURN;
    END IF;
    UPDATE sales_monthly s
       SET orders = s.orders - r.orders, qty = s.qty - r.qty, value_paise = s.value_paise - r.value_paise
     WHERE s.distributor_id = r.distributor_id AND s.month = m AND s.sku_id = r.sku_id AND s.stage = r.stage
       AND s.state_code = r.state_code
    RETURNING s.orders INTO left_orders;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'sales_monthly lacks % % % % %', m, r.distributor_id, r.sku_id, r.stage, r.state_code;
    END IF;
    IF left_orders = 0 THEN
        DELETE FROM sales_monthly s
         WHERE s.distributor_id = r.distributor_id AND s.month = m AND s.sku_id = r.sku_id AND s.stage = r.stage
           AND s.state_code = r.state_code;
    END IF;
END
$$;

-- A daily row of an earlier month changed: if its month is folded, so does the
-- monthly row. FOR SHARE waits for a fold under way (which holds the row FOR
-- UPDATE), and a fold waits for this transaction: the fold then sees its change.
CREATE FUNCTION orders_monthly_follow() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    folded DATE;
BEGIN
    SELECT folded_through INTO folded FROM rollup_folds FOR SHARE;
    IF TG_OP IN ('UPDATE', 'DELETE') AND month_of(OLD.day) <= folded THEN
        PERFORM orders_monthly_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND month_of(NEW.day) <= folded THEN
        PERFORM orders_monthly_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION sales_monthly_follow() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    folded DATE;
BEGIN
    SELECT folded_through INTO folded FROM rollup_folds FOR SHARE;
    IF TG_OP IN ('UPDATE', 'DELETE') AND month_of(OLD.day) <= folded THEN
        PERFORM sales_monthly_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND month_of(NEW.day) <= folded THEN
        PERFORM sales_monthly_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_monthly_inserted AFTER INSERT ON orders_daily
    FOR EACH ROW WHEN (NEW.day < ist_month_now()) EXECUTE FUNCTION orders_monthly_follow();
CREATE TRIGGER orders_monthly_updated AFTER UPDATE ON orders_daily
    FOR EACH ROW WHEN (OLD.day < ist_month_now() OR NEW.day < ist_month_now())
    EXECUTE FUNCTION orders_monthly_follow();
CREATE TRIGGER orders_monthly_deleted AFTER DELETE ON orders_daily
    FOR EACH ROW WHEN (OLD.day < ist_month_now()) EXECUTE FUNCTION orders_monthly_follow();
CREATE TRIGGER sales_monthly_inserted AFTER INSERT ON sales_daily
    FOR EACH ROW WHEN (NEW.day < ist_month_now()) EXECUTE FUNCTION sales_monthly_follow();
CREATE TRIGGER sales_monthly_updated AFTER UPDATE ON sales_daily
    FOR EACH ROW WHEN (OLD.day < ist_month_now() OR NEW.day < ist_month_now())
    EXECUTE FUNCTION sales_monthly_follow();
CREATE TRIGGER sales_monthly_deleted AFTER DELETE ON sales_daily
    FOR EACH ROW WHEN (OLD.day < ist_month_now()) EXECUTE FUNCTION sales_monthly_follow();

-- Folds every month that ended at least a day ago and is not folded yet;
-- returns how many months it folded. Safe to call from several processes.
CREATE FUNCTION fold_rollups() RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    folded DATE;
    target DATE := month_of(ist_today() - 1) - 1;  -- the last day of the month before yesterday's
    m DATE;
    n INTEGER := 0;
BEGIN
    target := month_of(target);
    SELECT folded_through INTO folded FROM rollup_folds FOR UPDATE;
    IF folded >= target THEN
        RETURN 0;
    END IF;
    m := COALESCE((folded + interval '1 month')::date,
                  month_of(LEAST((SELECT min(day) FROM orders_daily), (SELECT min(day) FROM sales_daily))),
                  target);
    WHILE m <= target LOOP
        INSERT INTO orders_monthly (month, distributor_id, retailer_id, stage, orders, lines, total_paise, last_day)
        SELECT m, distributor_id, retailer_id, stage, sum(orders), sum(lines), sum(total_paise), max(day)
          FROM orders_daily
         WHERE day >= m AND day < (m + interval '1 month')::date AND orders > 0
         GROUP BY distributor_id, retailer_id, stage;
        INSERT INTO distributor_monthly (month, distributor_id, stage, orders, lines, total_paise)
        SELECT m, distributor_id, stage, sum(orders), sum(lines), sum(total_paise)
          FROM orders_daily
         WHERE day >= m AND day < (m + interval '1 month')::date AND orders > 0
         GROUP BY distributor_id, stage;
        INSERT INTO sales_monthly (month, distributor_id, sku_id, stage, state_code, manufacturer_id, orders, qty, value_paise)
        SELECT m, distributor_id, sku_id, stage, state_code, manufacturer_id, sum(orders), sum(qty), sum(value_paise)
          FROM sales_daily
         WHERE day >= m AND day < (m + interval '1 month')::date AND orders > 0
         GROUP BY distributor_id, sku_id, stage, state_code, manufacturer_id;
        n := n + 1;
        m := (m + interval '1 month')::date;
    END LOOP;
    UPDATE rollup_folds SET folded_through = target;
    RETURN n;
END
$$;

-- How a period [d_from, d_to] is read: the folded whole months from
-- rollup_months_from(d_from) to rollup_months_to(d_from, d_to) from the monthly
-- rollups, the days before and after them from the daily ones. With no folded
-- whole month inside, months_to is the day before months_from and every day is
-- read from the daily rollups.
CREATE FUNCTION rollup_months_from(d_from DATE) RETURNS DATE
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (month_of(d_from - 1) + interval '1 month')::date
$$;

CREATE FUNCTION rollup_months_to(d_from DATE, d_to DATE) RETURNS DATE
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT greatest(rollup_months_from(d_from) - 1,
                    least(month_of(d_to + 1) - 1,
                          COALESCE((SELECT (folded_through + interval '1 month')::date - 1 FROM rollup_folds),
                                   '-infinity'::date)))
$$;

-- The orders rollup over [d_from, d_to]: callers filter by their tenant key
-- (distributor_id or retailer_id), which PostgreSQL pushes into each branch.
CREATE FUNCTION orders_span(d_from DATE, d_to DATE)
RETURNS TABLE (distributor_id BIGINT, retailer_id BIGINT, stage sales_stage, orders INTEGER, lines INTEGER,
               total_paise BIGINT, last_day DATE)
LANGUAGE sql STABLE AS $$
    SELECT m.distributor_id, m.retailer_id, m.stage, m.orders, m.lines, m.total_paise, m.last_day
      FROM orders_monthly m
     WHERE m.month BETWEEN rollup_months_from(d_from) AND rollup_months_to(d_from, d_to)
    UNION ALL
    SELECT d.distributor_id, d.retailer_id, d.stage, d.orders, d.lines, d.total_paise, d.day
      FROM orders_daily d
     WHERE d.day BETWEEN d_from AND least(d_to, rollup_months_from(d_from) - 1)
    UNION ALL
    SELECT d.distributor_id, d.retailer_id, d.stage, d.orders, d.lines, d.total_paise, d.day
      FROM orders_daily d
     WHERE d.day BETWEEN greatest(d_from, rollup_months_to(d_from, d_to) + 1) AND d_to
$$;

-- Each distributor's orders over [d_from, d_to], without the shop, with the
-- month of each row (for totals and monthly series, a distributor's or the
-- platform's).
CREATE FUNCTION distributor_span(d_from DATE, d_to DATE)
RETURNS TABLE (distributor_id BIGINT, stage sales_stage, month DATE, orders INTEGER, lines INTEGER, total_paise BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT m.distributor_id, m.stage, m.month, m.orders, m.lines, m.total_paise
      FROM distributor_monthly m
     WHERE m.month BETWEEN rollup_months_from(d_from) AND rollup_months_to(d_from, d_to)
    UNION ALL
    SELECT d.distributor_id, d.stage, month_of(d.day), d.orders, d.lines, d.total_paise
      FROM orders_daily d
     WHERE d.day BETWEEN d_from AND least(d_to, rollup_months_from(d_from) - 1)
    UNION ALL
    SELECT d.distributor_id, d.stage, month_of(d.day), d.orders, d.lines, d.total_paise
      FROM orders_daily d
     WHERE d.day BETWEEN greatest(d_from, rollup_months_to(d_from, d_to) + 1) AND d_to
$$;

-- The sales rollup over [d_from, d_to], without the shop (for by-product,
-- by-category and by-state figures): callers filter by distributor_id or
-- manufacturer_id.
CREATE FUNCTION sales_span(d_from DATE, d_to DATE)
RETURNS TABLE (distributor_id BIGINT, sku_id BIGINT, stage sales_stage, state_code SMALLINT,
               manufacturer_id BIGINT, orders INTEGER, qty BIGINT, value_paise BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT m.distributor_id, m.sku_id, m.stage, m.state_code, m.manufacturer_id, m.orders, m.qty, m.value_paise
      FROM sales_monthly m
     WHERE m.month BETWEEN rollup_months_from(d_from) AND rollup_months_to(d_from, d_to)
    UNION ALL
    SELECT d.distributor_id, d.sku_id, d.stage, d.state_code, d.manufacturer_id, d.orders, d.qty, d.value_paise
      FROM sales_daily d
     WHERE d.day BETWEEN d_from AND least(d_to, rollup_months_from(d_from) - 1)
    UNION ALL
    SELECT d.distributor_id, d.sku_id, d.stage, d.state_code, d.manufacturer_id, d.orders, d.qty, d.value_paise
      FROM sales_daily d
     WHERE d.day BETWEEN greatest(d_from, rollup_months_to(d_from, d_to) + 1) AND d_to
$$;

SELECT fold_rollups();
