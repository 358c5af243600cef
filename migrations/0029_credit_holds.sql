-- Credit holds (issue 18): an order that would take a shop past its credit
-- limit, or from a shop with dues too long overdue, waits for the
-- distributor's approval with the reason shown to both sides.

-- Hold a shop's new orders while any due is more than this many days past its
-- due date (NULL: never).
ALTER TABLE organisations
    ADD COLUMN hold_overdue_days INTEGER CHECK (hold_overdue_days BETWEEN 0 AND 365);

-- Why an order was held when placed, and who let it through (approved once, or
-- the limit raised). An order held and not released cannot be accepted.
ALTER TABLE orders
    ADD COLUMN hold_kind TEXT CHECK (hold_kind IN ('credit_limit', 'overdue')),
    ADD COLUMN hold_reason TEXT CHECK (length(hold_reason) <= 300),
    ADD COLUMN hold_released_by BIGINT REFERENCES users (id),
    ADD COLUMN hold_released_at TIMESTAMPTZ,
    ADD CONSTRAINT orders_hold_reason CHECK ((hold_kind IS NULL) = (hold_reason IS NULL)),
    ADD CONSTRAINT orders_hold_release CHECK (hold_released_at IS NULL OR hold_kind IS NOT NULL);
CREATE INDEX orders_held ON orders (distributor_id, retailer_id)
    WHERE hold_kind IS NOT NULL AND hold_released_at IS NULL;
