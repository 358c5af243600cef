-- Getting paid (issue 18): payments a distributor receives from a shop, their
-- allocation to invoices, reversals, and each shop's payment terms and credit
-- limit. A shop's account (khata) is derived from invoices, credit notes and
-- these rows (domain::ledger); no balance is stored.

-- Days a shop has to pay an invoice, unless its own terms say otherwise.
ALTER TABLE organisations
    ADD COLUMN default_due_days INTEGER NOT NULL DEFAULT 15 CHECK (default_due_days BETWEEN 0 AND 365);

-- A shop's terms with one distributor: days to pay (NULL: the distributor's
-- default) and a credit limit (NULL: none).
CREATE TABLE shop_terms (
    distributor_id     BIGINT NOT NULL REFERENCES organisations (id),
    retailer_id        BIGINT NOT NULL REFERENCES organisations (id),
    due_days           INTEGER CHECK (due_days BETWEEN 0 AND 365),
    credit_limit_paise BIGINT CHECK (credit_limit_paise >= 0),
    updated_by         BIGINT REFERENCES users (id),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (distributor_id, retailer_id)
);

-- When an invoice falls due: its date plus the shop's terms when it was issued
-- (frozen like the rest of the invoice). NULL for credit notes, and for
-- invoices issued before payments existed (due on their date).
ALTER TABLE invoices ADD COLUMN due_on DATE;

-- A payment received (kind 'payment') or one taken back (kind 'reversal',
-- naming the payment and the reason). Never edited or deleted.
--   method     cash, cheque, bank (NEFT/IMPS/RTGS), upi (to the distributor's
--              UPI id), gateway (through a payment gateway)
--   reference  the UTR, cheque number or gateway payment id; unique per
--              distributor among payments
--   request_key  the form's idempotency key: a retried submit records once
--   gateway_event  the gateway's event id: a retried webhook records once
CREATE TABLE payments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    distributor_id BIGINT NOT NULL REFERENCES organisations (id),
    retailer_id    BIGINT NOT NULL REFERENCES organisations (id),
    kind           TEXT NOT NULL CHECK (kind IN ('payment', 'reversal')),
    reverses       BIGINT UNIQUE REFERENCES payments (id),
    amount_paise   BIGINT NOT NULL CHECK (amount_paise > 0),
    received_on    DATE NOT NULL,
    method         TEXT NOT NULL CHECK (method IN ('cash', 'cheque', 'bank', 'upi', 'gateway')),
    reference      TEXT NOT NULL DEFAULT '' CHECK (length(reference) <= 40),
    note           TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    request_key    TEXT CHECK (length(request_key) BETWEEN 8 AND 64),
    gateway_event  TEXT UNIQUE,
    recorded_by    BIGINT REFERENCES users (id),
    recorded_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind = 'payment' OR note <> ''),
    UNIQUE (distributor_id, request_key)
);
CREATE UNIQUE INDEX payments_reference ON payments (distributor_id, upper(reference))
    WHERE kind = 'payment' AND reference <> '';
CREATE INDEX payments_account ON payments (distributor_id, retailer_id, received_on, id);
CREATE INDEX payments_retailer ON payments (retailer_id, distributor_id);
CREATE INDEX invoices_account ON invoices (distributor_id, retailer_id, issued_on, id);
CREATE INDEX invoices_refers_to ON invoices (refers_to) WHERE refers_to IS NOT NULL;

-- Part of a payment applied to an invoice of the same account.
CREATE TABLE payment_allocations (
    payment_id BIGINT NOT NULL REFERENCES payments (id),
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    paise      BIGINT NOT NULL CHECK (paise > 0),
    PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id);

CREATE FUNCTION payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments are never changed: record a reversal with its reason'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_append_only();
CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
    FOR EACH STATEMENT EXECUTE FUNCTION payments_append_only();
CREATE TRIGGER payment_allocations_append_only BEFORE UPDATE OR DELETE ON payment_allocations
    FOR EACH ROW EXECUTE FUNCTION payments_append_only();
CREATE TRIGGER payment_allocations_no_truncate BEFORE TRUNCATE ON payment_allocations
    FOR EACH STATEMENT EXECUTE FUNCTION payments_append_only();
