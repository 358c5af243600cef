-- One-time codes to set a new password, sent on WhatsApp: asked for by the
-- user ("forgot password") or forced by an admin (the old password stops
-- working at once). A code is kept only as its SHA-256, expires, is used once,
-- and allows five wrong tries.
CREATE TABLE password_resets (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    code_hash    BYTEA NOT NULL,
    requested_by BIGINT REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at DESC);

ALTER DOMAIN audit_action DROP CONSTRAINT audit_action_check;
ALTER DOMAIN audit_action ADD CONSTRAINT audit_action_check CHECK (VALUE IN (
    'org_approval', 'category_decision', 'message_retry', 'broadcast',
    'sandbox_tap', 'sandbox_type', 'gst_rate_change', 'user_disabled', 'user_enabled',
    'password_reset'
));
