-- Rules every query shares, defined once in SQL rather than pasted into each
-- query's text (so the queries can be static and checked at compile time).

-- Who serves a shop: approved distributors who deliver to its pincode, or who
-- have a pickup point in its postal sorting district (the pincode's first three
-- digits, about one city). `delivers` says whether this one delivers there.
-- A single SELECT in LANGUAGE sql, so the planner inlines it into the caller.
CREATE FUNCTION serving_distributors(retailer BIGINT)
RETURNS TABLE (id BIGINT, delivers BOOLEAN)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    -- One row of distributor_pincodes at most (its key), so the delivery test
    -- is read once per distributor, not once for the filter and once for the column.
    SELECT d.id, d.delivers AND dp.pincode IS NOT NULL
      FROM organisations r
      JOIN organisations d ON d.kind = 'distributor' AND d.approval = 'active'
      LEFT JOIN distributor_pincodes dp ON dp.distributor_id = d.id AND dp.pincode = r.pincode
     WHERE r.id = retailer
       AND ((d.delivers AND dp.pincode IS NOT NULL)
            OR (d.offers_pickup AND left(d.pincode, 3) = left(r.pincode, 3)))
$$;

-- Times as a shop owner reads them: Asia/Kolkata, "05 Dec 2026 14:30".
CREATE FUNCTION ist_datetime(t TIMESTAMPTZ) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY HH24:MI')
$$;

-- The same without the year, for timelines: "05 Dec 14:30".
CREATE FUNCTION ist_short(t TIMESTAMPTZ) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'Asia/Kolkata', 'DD Mon HH24:MI')
$$;

-- A date as printed on documents: "05 Dec 2026".
CREATE FUNCTION show_date(d DATE) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(d, 'DD Mon YYYY')
$$;

-- Today in India (invoices, GST rates and reports are dated in Asia/Kolkata).
CREATE FUNCTION ist_today() RETURNS DATE
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (now() AT TIME ZONE 'Asia/Kolkata')::date
$$;
