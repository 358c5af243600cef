-- Functions called once per order line are PL/pgSQL, not SQL: PostgreSQL plans
-- a (non-inlinable) SQL function's body again on every call of the query that
-- uses it, while PL/pgSQL keeps its plans for the connection's life. Same
-- results, a fraction of the planning work on the order path.

CREATE OR REPLACE FUNCTION gst_rate_bp(p_hsn TEXT, p_on DATE, p_unit_paise BIGINT) RETURNS INT
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT rate_bp FROM hsn_rates
             WHERE p_hsn LIKE hsn || '%' AND valid_from <= p_on AND min_unit_paise <= p_unit_paise
             ORDER BY length(hsn) DESC, valid_from DESC, min_unit_paise DESC
             LIMIT 1);
END
$$;

CREATE OR REPLACE FUNCTION order_items_summary(p_names TEXT[], p_qtys INT[]) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT string_agg(n || ' × ' || q, ', ' ORDER BY i)
                   || CASE WHEN cardinality(p_names) > 3 THEN ' +' || (cardinality(p_names) - 3) ELSE '' END
              FROM unnest(p_names[1:3], p_qtys[1:3]) WITH ORDINALITY AS t(n, q, i));
END
$$;
