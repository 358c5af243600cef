-- Payment reminders on WhatsApp (issue 18): the distributor chooses the days,
-- relative to each invoice's due date, on which the shop is reminded of what is
-- still due (e.g. {-3, 0, 7, 15}: three days before, on the day, a week and
-- fifteen days after). Each reminder goes once; none once the invoice is paid;
-- none to a shop that replied STOP (the messages are not transactional).
ALTER TABLE organisations
    ADD COLUMN reminder_days SMALLINT[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(reminder_days) <= 6 AND -30 <= ALL (reminder_days) AND 90 >= ALL (reminder_days));

-- One row per invoice and reminder day, written with the message: never twice.
CREATE TABLE payment_reminders (
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id),
    day_offset  SMALLINT NOT NULL,
    sent_on     DATE NOT NULL,
    PRIMARY KEY (invoice_id, day_offset)
);

-- Invoices by due date, for the reminders' daily look.
CREATE INDEX invoices_due ON invoices ((COALESCE(due_on, issued_on))) WHERE kind = 'invoice';
