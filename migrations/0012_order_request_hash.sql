-- An order's idempotency key is bound to the request it first carried: the
-- SHA-256 of the distributor, the lines (sorted) and the note. A retry with the
-- same key and the same request returns the order; the same key with another
-- cart is a conflict, not a silent answer with the first order. Orders placed
-- before this column have none and keep the old behaviour.
ALTER TABLE orders ADD COLUMN request_hash BYTEA;
