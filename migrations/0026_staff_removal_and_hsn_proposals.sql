-- Removing a staff member (issue 17). The user row stays, because orders,
-- invoices and the audit log name who did what; the person can no longer log in
-- and their phone and e-mail are free for another account. The former contact
-- is kept in the audit log's "before". Owners are never removed (an
-- organisation always has its owner); admins are, down to the last one.
ALTER TABLE users
    ADD COLUMN removed_at TIMESTAMPTZ,
    ADD COLUMN removed_by BIGINT REFERENCES users (id);
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users ADD CONSTRAINT users_check
    CHECK (phone IS NOT NULL OR email IS NOT NULL OR removed_at IS NOT NULL);
ALTER TABLE users ADD CONSTRAINT users_removed_check
    CHECK (removed_at IS NULL OR (NOT active AND role = 'staff' AND phone IS NULL AND email IS NULL));

-- An HSN code the GST schedule does not name, proposed by a brand for the
-- admin to add (with the rate and source the brand believes apply) or decline
-- with a reason. One open proposal per brand and code; adding a rate whose code
-- covers it closes it as added.
CREATE TABLE hsn_proposals (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    manufacturer_id BIGINT NOT NULL REFERENCES organisations (id),
    hsn             TEXT NOT NULL CHECK (hsn ~ '^([0-9]{4}|[0-9]{6}|[0-9]{8})$'),
    description     TEXT NOT NULL CHECK (length(description) BETWEEN 3 AND 200),
    rate_bp         INT CHECK (rate_bp BETWEEN 0 AND 4000),
    source          TEXT NOT NULL DEFAULT '' CHECK (length(source) <= 200),
    proposed_by     BIGINT NOT NULL REFERENCES users (id),
    proposed_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    outcome         TEXT CHECK (outcome IN ('added', 'declined')),
    outcome_note    TEXT NOT NULL DEFAULT '' CHECK (length(outcome_note) <= 500),
    decided_by      BIGINT REFERENCES users (id),
    decided_at      TIMESTAMPTZ,
    CHECK ((outcome IS NULL) = (decided_at IS NULL))
);
CREATE UNIQUE INDEX hsn_proposals_open ON hsn_proposals (manufacturer_id, hsn) WHERE outcome IS NULL;
CREATE INDEX hsn_proposals_queue ON hsn_proposals (proposed_at) WHERE outcome IS NULL;
CREATE INDEX hsn_proposals_brand ON hsn_proposals (manufacturer_id, proposed_at DESC);

ALTER DOMAIN audit_action DROP CONSTRAINT audit_action_check;
ALTER DOMAIN audit_action ADD CONSTRAINT audit_action_check CHECK (VALUE IN (
    'org_approval', 'category_decision', 'message_retry', 'broadcast',
    'sandbox_tap', 'sandbox_type', 'gst_rate_change', 'user_disabled', 'user_enabled',
    'password_reset', 'admin_invited', 'user_removed', 'hsn_proposal_declined'
));
