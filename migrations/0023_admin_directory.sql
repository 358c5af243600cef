-- The admin's directory: every organisation and user, found by any name,
-- phone, e-mail, GSTIN or pincode (trigram indexes answer "%text%"), paged by
-- id. Disabling and re-enabling a user are audited.
CREATE INDEX organisations_directory_trgm ON organisations USING gin (
    (legal_name || ' ' || trade_name || ' ' || coalesce(gstin, '') || ' ' || pincode || ' ' || whatsapp)
    gin_trgm_ops);
CREATE INDEX users_directory_trgm ON users USING gin (
    (name || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '')) gin_trgm_ops);
CREATE INDEX users_org_last_login ON users (org_id, last_login_at);
CREATE INDEX organisations_kind_state ON organisations (kind, state_code, id);

ALTER DOMAIN audit_action DROP CONSTRAINT audit_action_check;
ALTER DOMAIN audit_action ADD CONSTRAINT audit_action_check CHECK (VALUE IN (
    'org_approval', 'category_decision', 'message_retry', 'broadcast',
    'sandbox_tap', 'sandbox_type', 'gst_rate_change', 'user_disabled', 'user_enabled'
));
