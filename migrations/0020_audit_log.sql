-- What the platform's admins did, append-only: who, when, what, on which row,
-- before and after. Rows are written in the transaction of the action they
-- record; the table refuses UPDATE, DELETE and TRUNCATE, whoever asks.
CREATE DOMAIN audit_action AS TEXT CHECK (VALUE IN (
    'org_approval', 'category_decision', 'message_retry', 'broadcast',
    'sandbox_tap', 'sandbox_type'
));

CREATE TABLE audit_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_user_id BIGINT REFERENCES users (id),
    -- Who it was at the time ("Name (phone)"), kept even if the user changes.
    actor         TEXT NOT NULL,
    action        audit_action NOT NULL,
    -- The row acted on: a table's name and id, and how it read at the time.
    subject_table TEXT NOT NULL,
    subject_id    BIGINT,
    subject       TEXT NOT NULL,
    before        JSONB,
    after         JSONB,
    note          TEXT,
    request_id    TEXT
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action_at ON audit_log (action, at DESC, id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_table, subject_id, at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
