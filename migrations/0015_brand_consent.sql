-- A shop's consent to show its name to the brands whose products it buys (in
-- their re-order reports). Off by default; the time it was last given or taken
-- back is kept, and reports read the flag live, so taking it back hides the
-- shop's name at once.
ALTER TABLE organisations
    ADD COLUMN shares_identity_with_brands BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN identity_consent_changed_at TIMESTAMPTZ,
    ADD CONSTRAINT organisations_identity_consent_retailer
        CHECK (NOT shares_identity_with_brands OR kind = 'retailer');
