-- The report queries read the rollups through indexes that hold every column
-- they use, so PostgreSQL answers them from the index alone (index-only scans)
-- instead of fetching each row from a heap ordered by day. Measured on three
-- years of history (benches/reports.rs): a brand's year went from one index
-- range plus 81,000 scattered row fetches (0.9 s) to 41 ms. The number of
-- indexes stays the same, so an order's rollup writes touch as many as before.
ALTER TABLE sales_daily
    DROP CONSTRAINT sales_daily_pkey,
    ADD CONSTRAINT sales_daily_pkey
        PRIMARY KEY (distributor_id, day, retailer_id, sku_id, stage, state_code, pincode)
        INCLUDE (manufacturer_id, orders, qty, value_paise);
DROP INDEX sales_daily_day, sales_daily_manufacturer, sales_daily_retailer;
CREATE INDEX sales_daily_day ON sales_daily (day)
    INCLUDE (distributor_id, retailer_id, sku_id, stage, state_code, pincode, manufacturer_id, orders, qty, value_paise);
CREATE INDEX sales_daily_manufacturer ON sales_daily (manufacturer_id, day)
    INCLUDE (distributor_id, retailer_id, sku_id, stage, state_code, pincode, orders, qty, value_paise);
CREATE INDEX sales_daily_retailer ON sales_daily (retailer_id, day)
    INCLUDE (distributor_id, sku_id, stage, orders, qty, value_paise);

ALTER TABLE orders_daily
    DROP CONSTRAINT orders_daily_pkey,
    ADD CONSTRAINT orders_daily_pkey
        PRIMARY KEY (distributor_id, day, retailer_id, stage, state_code, pincode)
        INCLUDE (orders, lines, total_paise);
DROP INDEX orders_daily_day, orders_daily_retailer;
CREATE INDEX orders_daily_day ON orders_daily (day)
    INCLUDE (distributor_id, retailer_id, stage, state_code, pincode, orders, lines, total_paise);
CREATE INDEX orders_daily_retailer ON orders_daily (retailer_id, day)
    INCLUDE (distributor_id, stage, orders, lines, total_paise);
