-- GST tax invoices and credit notes (CGST Rules rule 46 and 53).
--
-- A document is issued inside the transaction that accepts (or cancels) its order:
-- the series row is locked and incremented there, so numbers are consecutive, never
-- duplicated and never reused (a rolled-back transaction takes its number back).
-- An issued document's data and PDF never change: a trigger refuses UPDATE and DELETE.

-- Prefixes leave room for "/2627/" and five digits inside rule 46's 16 characters.
UPDATE organisations
   SET invoice_prefix = NULLIF(left(regexp_replace(invoice_prefix, '[^A-Z0-9]', '', 'g'), 5), '')
 WHERE invoice_prefix IS NOT NULL;
ALTER TABLE organisations DROP CONSTRAINT organisations_invoice_prefix_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_invoice_prefix_check
    CHECK (invoice_prefix ~ '^[A-Z0-9]{1,5}$');
-- Whether invoices carry a round-off line to whole rupees.
ALTER TABLE organisations ADD COLUMN round_off BOOLEAN NOT NULL DEFAULT true;
UPDATE organisations SET upi_id = NULL WHERE upi_id !~ '^[a-z0-9._-]{2,200}@[a-z]{2,64}$';
ALTER TABLE organisations ADD CONSTRAINT organisations_upi_id_check
    CHECK (upi_id ~ '^[a-z0-9._-]{2,200}@[a-z]{2,64}$');

-- Frozen on the order at placement, so the cart, the order and the invoice show the
-- same total even if the distributor changes the setting in between.
ALTER TABLE orders ADD COLUMN round_off BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE document_series (
    distributor_id BIGINT NOT NULL REFERENCES organisations (id),
    fy             INT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    last_seq       BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    PRIMARY KEY (distributor_id, fy, kind)
);

CREATE TABLE invoices (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    distributor_id  BIGINT NOT NULL REFERENCES organisations (id),
    retailer_id     BIGINT NOT NULL REFERENCES organisations (id),
    order_id        BIGINT NOT NULL REFERENCES orders (id),
    -- The invoice a credit note reverses.
    refers_to       BIGINT REFERENCES invoices (id),
    fy              INT NOT NULL,
    seq             BIGINT NOT NULL CHECK (seq > 0),
    number          TEXT NOT NULL CHECK (number ~ '^[A-Za-z0-9/-]{1,16}$'),
    issued_on       DATE NOT NULL,
    issued_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    issued_by       BIGINT REFERENCES users (id),
    supply          TEXT NOT NULL CHECK (supply IN ('intra_state', 'inter_state')),
    place_of_supply SMALLINT NOT NULL,
    b2b             BOOLEAN NOT NULL,
    taxable_paise   BIGINT NOT NULL,
    cgst_paise      BIGINT NOT NULL,
    sgst_paise      BIGINT NOT NULL,
    igst_paise      BIGINT NOT NULL,
    round_off_paise BIGINT NOT NULL,
    total_paise     BIGINT NOT NULL CHECK (total_paise >= 0),
    -- The frozen document as issued (parties, lines, every figure): the PDF and the
    -- e-invoice export are made from it, never from live rows.
    data            JSONB NOT NULL,
    pdf             BYTEA NOT NULL,
    pdf_sha256      TEXT NOT NULL,
    UNIQUE (distributor_id, kind, fy, seq),
    UNIQUE (distributor_id, number),
    UNIQUE (order_id, kind),
    CHECK ((kind = 'credit_note') = (refers_to IS NOT NULL))
);
CREATE INDEX invoices_distributor_idx ON invoices (distributor_id, issued_on DESC, id DESC);
CREATE INDEX invoices_retailer_idx ON invoices (retailer_id, issued_on DESC, id DESC);

CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued invoices and credit notes cannot be changed or deleted'
        USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_immutable();
