-- The GST-rate lookup by index, not by scanning the rate table. A rate row's HSN
-- code and a SKU's are both 4, 6 or 8 digits, so "the rate's code is a prefix of
-- the SKU's" is "the rate's code is the SKU's first 4, 6 or 8 digits": three
-- probes of the primary key (hsn, valid_from, min_unit_paise) instead of a LIKE
-- over every row. The same answer; the lookup no longer grows with the table
-- (the full GST schedule has some 12,000 codes), and it runs for every order
-- line, every offer a retailer sees and every row of a distributor's stock list.

CREATE OR REPLACE FUNCTION gst_rate_bp(p_hsn TEXT, p_on DATE, p_unit_paise BIGINT) RETURNS INT
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT rate_bp FROM hsn_rates
             WHERE hsn IN (left(p_hsn, 4), left(p_hsn, 6), left(p_hsn, 8))
               AND valid_from <= p_on AND min_unit_paise <= p_unit_paise
             ORDER BY length(hsn) DESC, valid_from DESC, min_unit_paise DESC
             LIMIT 1);
END
$$;
