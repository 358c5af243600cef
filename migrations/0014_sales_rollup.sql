-- Report rollups: what was ordered, per India day × distributor × shop × SKU ×
-- stage, kept by triggers in the same transaction as the orders and lines they
-- count, so they can never disagree with the orders (a test recomputes them).

-- The India calendar day of a moment (orders are dated in Asia/Kolkata).
CREATE FUNCTION ist_day(t TIMESTAMPTZ) RETURNS DATE
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (t AT TIME ZONE 'Asia/Kolkata')::date
$$;

-- Where an order's goods stand, for reports:
--   open       placed, not yet answered
--   confirmed  accepted, packed, out for delivery or ready for pickup (invoiced)
--   fulfilled  delivered or picked up
--   rejected   refused by the distributor
--   withdrawn  cancelled by the shop before acceptance
--   cancelled  cancelled after acceptance (a credit note reversed its invoice)
CREATE DOMAIN sales_stage AS TEXT
    CHECK (VALUE IN ('open', 'confirmed', 'fulfilled', 'rejected', 'withdrawn', 'cancelled'));

-- The stage of an order in `state`, which was in `before` until this state came.
CREATE FUNCTION sales_stage_of(state order_state, before order_state) RETURNS sales_stage
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (CASE state
        WHEN 'placed' THEN 'open'
        WHEN 'accepted' THEN 'confirmed'
        WHEN 'packed' THEN 'confirmed'
        WHEN 'out_for_delivery' THEN 'confirmed'
        WHEN 'ready_for_pickup' THEN 'confirmed'
        WHEN 'delivered' THEN 'fulfilled'
        WHEN 'picked_up' THEN 'fulfilled'
        WHEN 'rejected' THEN 'rejected'
        WHEN 'cancelled' THEN CASE WHEN before = 'placed' THEN 'withdrawn' ELSE 'cancelled' END
    END)::sales_stage
$$;

-- The shop's place (state, pincode) is the order's, as delivered to.
-- value_paise is the goods' value before tax (quantity × the order's unit price).
CREATE TABLE sales_daily (
    day DATE NOT NULL,
    distributor_id BIGINT NOT NULL,
    retailer_id BIGINT NOT NULL,
    sku_id BIGINT NOT NULL,
    stage sales_stage NOT NULL,
    state_code SMALLINT NOT NULL,
    pincode TEXT NOT NULL,
    manufacturer_id BIGINT NOT NULL,
    orders INTEGER NOT NULL CHECK (orders >= 0),
    qty BIGINT NOT NULL CHECK (qty >= 0),
    value_paise BIGINT NOT NULL CHECK (value_paise >= 0),
    PRIMARY KEY (distributor_id, day, retailer_id, sku_id, stage, state_code, pincode)
);
CREATE INDEX sales_daily_retailer ON sales_daily (retailer_id, day);
CREATE INDEX sales_daily_manufacturer ON sales_daily (manufacturer_id, day);
CREATE INDEX sales_daily_day ON sales_daily (day);

-- Per India day × distributor × shop × stage: orders, their lines and their
-- grand total with tax (what the shop pays), for order counts and values.
CREATE TABLE orders_daily (
    day DATE NOT NULL,
    distributor_id BIGINT NOT NULL,
    retailer_id BIGINT NOT NULL,
    stage sales_stage NOT NULL,
    state_code SMALLINT NOT NULL,
    pincode TEXT NOT NULL,
    orders INTEGER NOT NULL CHECK (orders >= 0),
    lines INTEGER NOT NULL CHECK (lines >= 0),
    total_paise BIGINT NOT NULL CHECK (total_paise >= 0),
    PRIMARY KEY (distributor_id, day, retailer_id, stage, state_code, pincode)
);
CREATE INDEX orders_daily_retailer ON orders_daily (retailer_id, day);
CREATE INDEX orders_daily_day ON orders_daily (day);

-- Adds (sign 1) or takes away (sign -1) one order at a stage, in both rollups.
-- Taking away updates rows that must be there (an exception otherwise: a rollup
-- that disagreed with its orders would be a bug to stop at, not to paper over),
-- then drops the rows it emptied.
CREATE FUNCTION sales_rollup_apply(the_order BIGINT, at_stage sales_stage, sign INTEGER) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    o orders%ROWTYPE;
    o_day DATE;
    n INTEGER;
    skus INTEGER;
BEGIN
    SELECT * INTO STRICT o FROM orders WHERE id = the_order;
    o_day := ist_day(o.created_at);
    IF sign > 0 THEN
        INSERT INTO orders_daily AS s (day, distributor_id, retailer_id, stage, state_code, pincode,
                                       orders, lines, total_paise)
        VALUES (o_day, o.distributor_id, o.retailer_id, at_stage, o.state_code, o.pincode,
                1, o.line_count, o.total_paise)
        ON CONFLICT (distributor_id, day, retailer_id, stage, state_code, pincode) DO UPDATE
           SET orders = s.orders + 1,
               lines = s.lines + EXCLUDED.lines,
               total_paise = s.total_paise + EXCLUDED.total_paise;
        INSERT INTO sales_daily AS s (day, distributor_id, retailer_id, sku_id, stage, state_code, pincode,
                                      manufacturer_id, orders, qty, value_paise)
        SELECT o_day, o.distributor_id, o.retailer_id, l.sku_id, at_stage, o.state_code, o.pincode,
               k.manufacturer_id, 1, sum(l.qty), sum(l.qty::bigint * l.unit_price_paise)
          FROM order_lines l JOIN skus k ON k.id = l.sku_id
         WHERE l.order_id = the_order
         GROUP BY l.sku_id, k.manufacturer_id
        ON CONFLICT (distributor_id, day, retailer_id, sku_id, stage, state_code, pincode) DO UPDATE
           SET orders = s.orders + 1,
               qty = s.qty + EXCLUDED.qty,
               value_paise = s.value_paise + EXCLUDED.value_paise;
        RETURN;
    END IF;
    UPDATE orders_daily s
       SET orders = s.orders - 1, lines = s.lines - o.line_count, total_paise = s.total_paise - o.total_paise
     WHERE s.distributor_id = o.distributor_id AND s.day = o_day AND s.retailer_id = o.retailer_id
       AND s.stage = at_stage AND s.state_code = o.state_code AND s.pincode = o.pincode;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 1 THEN
        RAISE EXCEPTION 'orders_daily lacks order % at stage %', the_order, at_stage;
    END IF;
    UPDATE sales_daily s
       SET orders = s.orders - 1, qty = s.qty - l.qty, value_paise = s.value_paise - l.value_paise
      FROM (SELECT sku_id, sum(qty) AS qty, sum(qty::bigint * unit_price_paise) AS value_paise
              FROM order_lines WHERE order_id = the_order GROUP BY sku_id) l
     WHERE s.distributor_id = o.distributor_id AND s.day = o_day AND s.retailer_id = o.retailer_id
       AND s.sku_id = l.sku_id AND s.stage = at_stage AND s.state_code = o.state_code AND s.pincode = o.pincode;
    GET DIAGNOSTICS n = ROW_COUNT;
    SELECT count(DISTINCT sku_id) INTO skus FROM order_lines WHERE order_id = the_order;
    IF n <> skus THEN
        RAISE EXCEPTION 'sales_daily lacks % of % products of order % at stage %', skus - n, skus, the_order, at_stage;
    END IF;
    DELETE FROM orders_daily s
     WHERE s.distributor_id = o.distributor_id AND s.day = o_day AND s.retailer_id = o.retailer_id
       AND s.stage = at_stage AND s.orders = 0;
    DELETE FROM sales_daily s
     WHERE s.distributor_id = o.distributor_id AND s.day = o_day AND s.retailer_id = o.retailer_id
       AND s.stage = at_stage AND s.orders = 0;
END
$$;

-- A new order counts as open (its lines follow in the same statement).
CREATE FUNCTION orders_daily_placed() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO orders_daily AS s (day, distributor_id, retailer_id, stage, state_code, pincode,
                                   orders, lines, total_paise)
    VALUES (ist_day(NEW.created_at), NEW.distributor_id, NEW.retailer_id, sales_stage_of(NEW.state, NULL),
            NEW.state_code, NEW.pincode, 1, NEW.line_count, NEW.total_paise)
    ON CONFLICT (distributor_id, day, retailer_id, stage, state_code, pincode) DO UPDATE
       SET orders = s.orders + 1,
           lines = s.lines + EXCLUDED.lines,
           total_paise = s.total_paise + EXCLUDED.total_paise;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_daily_placed AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_daily_placed();

-- New lines, all of one statement at once (an order's lines come in one statement).
CREATE FUNCTION sales_daily_lines_added() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_daily AS s (day, distributor_id, retailer_id, sku_id, stage, state_code, pincode,
                                  manufacturer_id, orders, qty, value_paise)
    SELECT ist_day(o.created_at), o.distributor_id, o.retailer_id, a.sku_id,
           sales_stage_of(o.state, NULL), o.state_code, o.pincode,
           k.manufacturer_id, count(DISTINCT o.id), sum(a.qty), sum(a.qty::bigint * a.unit_price_paise)
      FROM added a
      JOIN orders o ON o.id = a.order_id
      JOIN skus k ON k.id = a.sku_id
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (distributor_id, day, retailer_id, sku_id, stage, state_code, pincode) DO UPDATE
       SET orders = s.orders + EXCLUDED.orders,
           qty = s.qty + EXCLUDED.qty,
           value_paise = s.value_paise + EXCLUDED.value_paise;
    RETURN NULL;
END
$$;

CREATE TRIGGER sales_daily_lines_added AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sales_daily_lines_added();

-- A state change moves the order from its old stage to its new one.
CREATE FUNCTION sales_rollup_state_changed() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    was sales_stage := sales_stage_of(OLD.state, NULL);
    becomes sales_stage := sales_stage_of(NEW.state, OLD.state);
BEGIN
    IF was IS DISTINCT FROM becomes THEN
        PERFORM sales_rollup_apply(NEW.id, was, -1);
        PERFORM sales_rollup_apply(NEW.id, becomes, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sales_rollup_state_changed AFTER UPDATE OF state ON orders
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION sales_rollup_state_changed();

-- The orders already placed.
CREATE TEMPORARY TABLE order_stages ON COMMIT DROP AS
SELECT o.id,
       sales_stage_of(o.state, (SELECT e.from_state FROM order_events e
                                 WHERE e.order_id = o.id AND e.to_state = o.state
                                 ORDER BY e.id DESC LIMIT 1)) AS stage
  FROM orders o;

INSERT INTO orders_daily (day, distributor_id, retailer_id, stage, state_code, pincode, orders, lines, total_paise)
SELECT ist_day(o.created_at), o.distributor_id, o.retailer_id, st.stage, o.state_code, o.pincode,
       count(*), sum(o.line_count), sum(o.total_paise)
  FROM orders o JOIN order_stages st ON st.id = o.id
 GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO sales_daily (day, distributor_id, retailer_id, sku_id, stage, state_code, pincode,
                         manufacturer_id, orders, qty, value_paise)
SELECT ist_day(o.created_at), o.distributor_id, o.retailer_id, l.sku_id, st.stage,
       o.state_code, o.pincode, k.manufacturer_id,
       count(DISTINCT o.id), sum(l.qty), sum(l.qty::bigint * l.unit_price_paise)
  FROM orders o
  JOIN order_stages st ON st.id = o.id
  JOIN order_lines l ON l.order_id = o.id
  JOIN skus k ON k.id = l.sku_id
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
