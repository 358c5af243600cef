-- Another admin invited by an existing one is audited.
ALTER DOMAIN audit_action DROP CONSTRAINT audit_action_check;
ALTER DOMAIN audit_action ADD CONSTRAINT audit_action_check CHECK (VALUE IN (
    'org_approval', 'category_decision', 'message_retry', 'broadcast',
    'sandbox_tap', 'sandbox_type', 'gst_rate_change', 'user_disabled', 'user_enabled',
    'password_reset', 'admin_invited'
));
