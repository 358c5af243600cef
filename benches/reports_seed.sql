-- Three years of synthetic order history for the reports benchmark
-- (benches/reports.rs). Parameters come as settings (SET bench.x = ...):
--   bench.lines        order lines for the whole platform (10,000,000)
--   bench.big_share    the large distributor's share of them (0.2)
--   bench.shops        retailers (5,000)
--   bench.skus         SKUs (20,000)
--   bench.brands       manufacturers (40)
--   bench.distributors distributors (100), the first one the large one
--   bench.hash         the password hash every bench user signs in with
-- Places are real cities with their pincodes' first three digits; the last
-- three digits, the businesses, products and orders are made up. Seasonality:
-- Sundays quiet, Mondays busy, October–November (festivals) and March (year
-- end) strong, June–July (monsoon) soft, 20 % growth over the three years.
-- Loaded with triggers and foreign-key checks off (session_replication_role),
-- consistent by construction; the rollups are then rebuilt by the same
-- statements as migration 0014's backfill and folded by migration 0018's.

SELECT setseed(0.2026);
SET session_replication_role = replica;

CREATE TEMPORARY TABLE bench_places (n INT, state_code SMALLINT, city TEXT, prefix TEXT, weight INT);
INSERT INTO bench_places VALUES
    (0, 27, 'Pune', '411', 6), (1, 27, 'Mumbai', '400', 6), (2, 27, 'Nagpur', '440', 3),
    (3, 27, 'Nashik', '422', 2), (4, 29, 'Bengaluru', '560', 4), (5, 24, 'Ahmedabad', '380', 3),
    (6, 33, 'Chennai', '600', 3), (7, 9, 'Lucknow', '226', 3), (8, 7, 'Delhi', '110', 4),
    (9, 36, 'Hyderabad', '500', 3), (10, 19, 'Kolkata', '700', 3), (11, 8, 'Jaipur', '302', 2);

INSERT INTO organisations (kind, legal_name, trade_name, address_line, city, state_code, pincode, whatsapp, approval)
VALUES ('platform', 'AuroMart Bench Platform', 'AuroMart Bench', '1 Baner Road', 'Pune', 27, '411045', '919000000001', 'active');

INSERT INTO organisations (kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode, whatsapp, approval)
SELECT 'manufacturer', 'Bench Brand ' || i || ' Private Limited', 'Bench Brand ' || i,
       '27AABCB' || lpad(i::text, 4, '0') || 'C1Z1', 'Plot ' || i || ', MIDC', 'Pune', 27, '411026',
       '9191' || lpad(i::text, 8, '0'), 'active'
  FROM generate_series(1, current_setting('bench.brands')::int) i;

-- Distributor 1 is the large one, in Pune; the others go round the places.
INSERT INTO organisations (kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode, whatsapp, approval)
SELECT 'distributor', 'Bench Distributor ' || i, 'Bench Distributor ' || i,
       lpad(p.state_code::text, 2, '0') || 'AABFD' || lpad(i::text, 4, '0') || 'F1Z1',
       'Shop ' || i || ', Market Yard', p.city, p.state_code, p.prefix || '001', '9192' || lpad(i::text, 8, '0'), 'active'
  FROM generate_series(1, current_setting('bench.distributors')::int) i
  JOIN bench_places p ON p.n = (i - 1) % 12;

-- Shops spread over the places by weight.
CREATE TEMPORARY TABLE bench_place_slots AS
SELECT p.*, row_number() OVER (ORDER BY p.n, g) - 1 AS slot
  FROM bench_places p, generate_series(1, 6) g WHERE g <= p.weight;
INSERT INTO organisations (kind, legal_name, trade_name, address_line, city, state_code, pincode, whatsapp, approval,
                           shares_identity_with_brands)
SELECT 'retailer', 'Bench Shop ' || i, 'Bench Shop ' || i, 'Shop ' || i || ', Main Road', p.city, p.state_code,
       p.prefix || lpad(((i * 7) % 60 + 1)::text, 3, '0'), '9193' || lpad(i::text, 8, '0'), 'active', i % 5 = 0
  FROM generate_series(1, current_setting('bench.shops')::int) i
  JOIN bench_place_slots p ON p.slot = i % (SELECT count(*) FROM bench_place_slots);

INSERT INTO users (org_id, role, name, phone, password_hash)
SELECT id, 'owner', 'Owner of ' || trade_name, whatsapp, current_setting('bench.hash') FROM organisations;

INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, search_text)
SELECT b.id, 'BR-' || k, 'Bench product ' || k, b.trade_name,
       (SELECT id FROM categories ORDER BY id OFFSET k % (SELECT count(*) FROM categories) LIMIT 1),
       (ARRAY['1905', '2106', '3401', '3305', '0402', '1006', '2201', '3402', '9404', '8516'])[1 + k % 10],
       1000 + (k * 7919) % 250000, 'pcs', 'bench product ' || k
  FROM generate_series(1, current_setting('bench.skus')::int) k
  JOIN organisations b ON b.kind = 'manufacturer'
                      AND b.trade_name = 'Bench Brand ' || (1 + k % current_setting('bench.brands')::int);

INSERT INTO links (manufacturer_id, distributor_id, state)
SELECT m.id, d.id, 'active' FROM organisations m, organisations d
 WHERE m.kind = 'manufacturer' AND d.kind = 'distributor';

-- The large distributor carries 8,000 products, the others 1,000 each.
CREATE TEMPORARY TABLE bench_dists AS
SELECT d.id, row_number() OVER (ORDER BY d.id) AS n FROM organisations d WHERE d.kind = 'distributor';
INSERT INTO listings (distributor_id, sku_id, price_paise, on_hand)
SELECT DISTINCT ON (d.id, s.id) d.id, s.id, s.mrp_paise * (85 + (s.id + d.id) % 11) / 100, (s.id * 37 + d.id * 11) % 500
  FROM bench_dists d
  CROSS JOIN LATERAL generate_series(1, CASE WHEN d.n = 1 THEN 8000 ELSE 1000 END) g
  JOIN skus s ON s.id = (SELECT min(id) FROM skus) + (d.n * 997 + g * 13) % current_setting('bench.skus')::int;
CREATE TEMPORARY TABLE bench_listing AS
SELECT l.distributor_id, row_number() OVER (PARTITION BY l.distributor_id ORDER BY l.id) - 1 AS n,
       l.id AS listing_id, l.sku_id, l.price_paise
  FROM listings l;
CREATE INDEX ON bench_listing (distributor_id, n);
CREATE TEMPORARY TABLE bench_listing_count AS
SELECT distributor_id, count(*) AS cnt FROM bench_listing GROUP BY 1;

-- Who buys from whom: the large distributor serves 1,000 shops, each other
-- about 50; a shop may have two.
CREATE TEMPORARY TABLE bench_shop AS
SELECT r.id AS retailer_id, u.id AS user_id, r.state_code, r.pincode, row_number() OVER (ORDER BY r.id) AS n
  FROM organisations r JOIN users u ON u.org_id = r.id WHERE r.kind = 'retailer';
CREATE TEMPORARY TABLE bench_dist_shop_n AS
SELECT d.id AS distributor_id, s.retailer_id, s.user_id, s.state_code, s.pincode,
       row_number() OVER (PARTITION BY d.id ORDER BY s.n) - 1 AS k
  FROM bench_dists d JOIN bench_shop s
    ON (d.n = 1 AND s.n <= 1000) OR (d.n > 1 AND s.n % (current_setting('bench.distributors')::int - 1) = d.n - 2);
CREATE INDEX ON bench_dist_shop_n (distributor_id, k);
CREATE TEMPORARY TABLE bench_shop_count AS
SELECT distributor_id, count(*) AS cnt FROM bench_dist_shop_n GROUP BY 1;

-- Each day's share of the orders.
CREATE TEMPORARY TABLE bench_days AS
SELECT day, w / sum(w) OVER () AS share FROM (
    SELECT day::date AS day,
           (CASE extract(isodow FROM day) WHEN 7 THEN 0.45 WHEN 1 THEN 1.15 WHEN 6 THEN 1.05 ELSE 1.0 END)
         * (CASE extract(month FROM day) WHEN 10 THEN 1.45 WHEN 11 THEN 1.3 WHEN 3 THEN 1.2
                                         WHEN 6 THEN 0.85 WHEN 7 THEN 0.85 ELSE 1.0 END)
         * (1 + 0.2 * (day::date - (ist_today() - 1095)) / 1095.0) AS w
      FROM generate_series(ist_today() - 1095, ist_today() - 1, interval '1 day') day) t;

-- Orders per distributor and day; five lines an order on average.
CREATE TEMPORARY TABLE bench_plan AS
SELECT d.id AS distributor_id, bd.day,
       floor(bd.share * (CASE WHEN d.n = 1
                              THEN current_setting('bench.lines')::numeric * current_setting('bench.big_share')::numeric
                              ELSE current_setting('bench.lines')::numeric * (1 - current_setting('bench.big_share')::numeric)
                                   / (current_setting('bench.distributors')::int - 1) END) / 5 + random())::int AS n
  FROM bench_dists d CROSS JOIN bench_days bd;

INSERT INTO orders (retailer_id, distributor_id, placed_by, idempotency_key, state, delivery_mode, line_count,
                    total_paise, state_code, pincode, created_at, updated_at)
SELECT s.retailer_id, p.distributor_id, s.user_id, 'bench-' || p.distributor_id || '-' || p.day || '-' || i,
       CASE WHEN p.day > ist_today() - 3 THEN (ARRAY['placed', 'accepted', 'packed', 'out_for_delivery'])[1 + i % 4]
            WHEN (i * 7919 + p.day - date '2020-01-01') % 100 < 5 THEN 'rejected'
            WHEN (i * 7919 + p.day - date '2020-01-01') % 100 < 8 THEN 'cancelled'
            ELSE 'delivered' END,
       'deliver', 1, 0, s.state_code, s.pincode,
       (p.day + time '09:00' + make_interval(mins => (i * 37) % 660)) AT TIME ZONE 'Asia/Kolkata',
       (p.day + time '09:00' + make_interval(mins => (i * 37) % 660)) AT TIME ZONE 'Asia/Kolkata'
  FROM bench_plan p
  CROSS JOIN LATERAL generate_series(1, p.n) i
  JOIN bench_shop_count c ON c.distributor_id = p.distributor_id
  JOIN bench_dist_shop_n s ON s.distributor_id = p.distributor_id
                          AND s.k = (p.distributor_id * 7919 + (p.day - date '2020-01-01')::bigint * 104729 + i::bigint * 15485863) % c.cnt;

-- A shop reorders its regulars: four lines in five come from its own basket
-- of 150 of the distributor's products (100 of them among the distributor's
-- 400 best sellers, which every shop stocks), the fifth from anything listed.
-- A product appears once an order.
INSERT INTO order_lines (order_id, line_no, listing_id, sku_id, name, brand, hsn, unit, qty, unit_price_paise,
                         mrp_paise, tax_rate_bp)
SELECT DISTINCT ON (o.id, lp.listing_id)
       o.id, l, lp.listing_id, lp.sku_id, k.name, k.brand, k.hsn, k.unit, 1 + (o.id + l * 7) % 12, lp.price_paise,
       k.mrp_paise, CASE WHEN k.hsn IN ('1905', '2106', '0402', '1006') THEN 500 ELSE 1800 END
  FROM orders o
  CROSS JOIN LATERAL generate_series(1, 1 + (o.id * 7 % 9)::int) l
  CROSS JOIN LATERAL (SELECT (o.id * 31 + l * 131) % 150 AS slot, (o.id * 13 + l * 7) % 10 AS pick) b
  JOIN bench_listing_count c ON c.distributor_id = o.distributor_id
  JOIN bench_listing lp ON lp.distributor_id = o.distributor_id
                       AND lp.n = CASE WHEN b.pick < 8 AND b.slot < 100
                                       THEN (o.retailer_id * 17 + b.slot * 7) % least(400, c.cnt)
                                       WHEN b.pick < 8 THEN (o.retailer_id * 7919 + b.slot * 53) % c.cnt
                                       ELSE (o.id * 31 + l * 131) % c.cnt END
  JOIN skus k ON k.id = lp.sku_id
 ORDER BY o.id, lp.listing_id, l;

UPDATE orders o SET line_count = t.n, total_paise = t.total
  FROM (SELECT order_id, count(*) AS n,
               sum(qty::bigint * unit_price_paise + qty::bigint * unit_price_paise * tax_rate_bp / 10000) AS total
          FROM order_lines GROUP BY 1) t
 WHERE o.id = t.order_id;

-- Why orders were rejected, and the step before a cancellation.
INSERT INTO order_events (order_id, from_state, to_state, by_org, via, note, at)
SELECT id, 'placed', state, distributor_id, 'web',
       CASE WHEN state = 'rejected' THEN (ARRAY['Out of stock', 'Credit limit reached', 'Outside delivery area', NULL])[1 + id % 4] END,
       created_at + interval '2 hours'
  FROM orders WHERE state IN ('rejected', 'cancelled');

-- The rollups, as migration 0014 fills them from the orders placed.
CREATE TEMPORARY TABLE order_stages AS
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

-- The monthly rollups, as migration 0018 folds them (the history was written
-- with its triggers off, after the migration had folded an empty database).
TRUNCATE orders_monthly, distributor_monthly, sales_monthly;
UPDATE rollup_folds SET folded_through = NULL;
SELECT fold_rollups();

SET session_replication_role = origin;
