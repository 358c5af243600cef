-- The GST rate and the order's item summary as SQL table functions, which
-- PostgreSQL inlines where they are called in FROM (LATERAL): planned once with
-- the query that uses them, instead of a PL/pgSQL call (and its own query) per
-- row. They run for every order line, every offer a retailer sees and every row
-- of a distributor's stock list; the rules stay in one place each.
--
-- The rate lookup also probes the rate table's key instead of scanning it. A
-- rate row's HSN code and a SKU's are both 4, 6 or 8 digits, so "the rate's code
-- is a prefix of the SKU's" is "the rate's code is the SKU's first 4, 6 or 8
-- digits": three probes of the primary key (hsn, valid_from, min_unit_paise)
-- instead of a LIKE over every row. The same answer; the lookup no longer grows
-- with the table (the full GST schedule has some 12,000 codes).

-- The GST rate for an HSN code on a date and unit value: the longest matching HSN
-- prefix, the latest rate in force, the highest value slab the unit price reaches.
-- No row means "no known rate": such a SKU cannot be sold.
CREATE FUNCTION gst_rate(p_hsn TEXT, p_on DATE, p_unit_paise BIGINT) RETURNS TABLE (rate_bp INT)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT h.rate_bp FROM hsn_rates h
     WHERE h.hsn IN (left(p_hsn, 4), left(p_hsn, 6), left(p_hsn, 8))
       AND h.valid_from <= p_on AND h.min_unit_paise <= p_unit_paise
     ORDER BY length(h.hsn) DESC, h.valid_from DESC, h.min_unit_paise DESC
     LIMIT 1
$$;
DROP FUNCTION gst_rate_bp(TEXT, DATE, BIGINT);

-- "Marie biscuits × 2, Tea 500 g × 1 +3": the first three lines and how many more.
DROP FUNCTION order_items_summary(TEXT[], INT[]);
CREATE FUNCTION order_items_summary(p_names TEXT[], p_qtys INT[]) RETURNS TABLE (items TEXT)
LANGUAGE sql IMMUTABLE ROWS 1 AS $$
    SELECT string_agg(n || ' × ' || q, ', ' ORDER BY i)
           || CASE WHEN cardinality(p_names) > 3 THEN ' +' || (cardinality(p_names) - 3) ELSE '' END
      FROM unnest(p_names[1:3], p_qtys[1:3]) WITH ORDINALITY AS t(n, q, i)
$$;

CREATE OR REPLACE FUNCTION order_message_params(p_order BIGINT, p_reason TEXT) RETURNS JSONB
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'order', o.id::text,
               'retailer', r.trade_name,
               'distributor', d.trade_name,
               'items', (SELECT s.items
                           FROM (SELECT array_agg(l.name ORDER BY l.line_no) AS names, array_agg(l.qty ORDER BY l.line_no) AS qtys
                                   FROM order_lines l WHERE l.order_id = o.id) a,
                                LATERAL order_items_summary(a.names, a.qtys) s),
               'total_paise', o.total_paise,
               'reason', COALESCE(NULLIF(p_reason, ''), '-'),
               'pickup', COALESCE(NULLIF(concat_ws('; ', d.pickup_address, d.pickup_hours), ''), d.address_line || ', ' || d.city))
      FROM orders o
      JOIN organisations r ON r.id = o.retailer_id
      JOIN organisations d ON d.id = o.distributor_id
     WHERE o.id = p_order
$$;
