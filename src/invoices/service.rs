//! Issuing, listing and fetching invoices and credit notes.
//!
//! Numbers: the series row (distributor, financial year, kind) is incremented with an
//! upsert inside the transaction that accepts or cancels the order. Its row lock
//! serialises concurrent issues for one distributor until commit, and a rolled-back
//! transaction rolls the number back with it, so the series has no gaps and no
//! duplicates.

use super::{BillingSettings, InvoiceFilter, InvoiceRow, StatementRow};
use crate::domain::OrgKind;
use crate::domain::invoice::{
    self, DEFAULT_PREFIX, DocKind, DocLine, Document, DocumentInput, FinancialYear, PartyDoc,
};
use crate::domain::order::DeliveryMode;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use crate::server::listing::{ListScope, by_side, list_error};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

struct PartyRow {
    legal_name: String,
    trade_name: String,
    gstin: Option<String>,
    address_line: String,
    city: String,
    pincode: String,
    state_code: i16,
    whatsapp: String,
}

impl PartyRow {
    fn doc(self) -> PartyDoc {
        let code = u8::try_from(self.state_code).unwrap_or(0);
        PartyDoc {
            state_name: crate::domain::IndianState::by_code(code)
                .map(|s| s.name.to_string())
                .unwrap_or_default(),
            legal_name: self.legal_name,
            trade_name: self.trade_name,
            gstin: self.gstin,
            address: self.address_line,
            city: self.city,
            pincode: self.pincode,
            state_code: code,
            phone: self.whatsapp,
        }
    }
}

async fn party(conn: &mut PgConnection, org_id: i64) -> Result<PartyRow, AppError> {
    sqlx::query_as!(
        PartyRow,
        "SELECT legal_name, trade_name, gstin, address_line, city, pincode, state_code, whatsapp
           FROM organisations WHERE id = $1",
        org_id
    )
    .fetch_one(conn)
    .await
    .or_internal()
}

/// What the distributor's profile lacks before it may accept orders, as a sentence.
pub async fn check_can_invoice(
    conn: &mut PgConnection,
    distributor_id: i64,
) -> Result<(), AppError> {
    let org = sqlx::query!(
        "SELECT gstin, state_code, upi_id FROM organisations WHERE id = $1",
        distributor_id
    )
    .fetch_one(conn)
    .await?;
    let missing = invoice::missing_for_invoicing(
        org.gstin.as_deref(),
        u8::try_from(org.state_code).ok(),
        org.upi_id.as_deref(),
    );
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Complete your billing settings before accepting orders: add your {}. Invoices need it.",
            missing.join(" and ")
        )))
    }
}

struct OrderHead {
    retailer_id: i64,
    distributor_id: i64,
    delivery_mode: Option<DeliveryMode>,
    placed: String,
    today: String,
    year: i32,
    month: i32,
    upi_id: Option<String>,
    invoice_prefix: Option<String>,
    round_off: bool,
}

struct LineRow {
    name: String,
    brand: String,
    hsn: String,
    unit: String,
    qty: i32,
    unit_price_paise: i64,
    tax_rate_bp: i32,
}

/// Takes the next number of a series, inside the caller's transaction.
async fn next_seq(
    conn: &mut PgConnection,
    distributor_id: i64,
    fy: FinancialYear,
    kind: DocKind,
) -> Result<i64, AppError> {
    sqlx::query_scalar!("INSERT INTO document_series (distributor_id, fy, kind, last_seq) VALUES ($1, $2, $3, 1)
         ON CONFLICT (distributor_id, fy, kind) DO UPDATE SET last_seq = document_series.last_seq + 1
         RETURNING last_seq", distributor_id, fy.0, kind.as_str())
    .fetch_one(conn)
    .await
    .or_internal()
}

/// Issues the tax invoice for an order just accepted, in the caller's transaction:
/// takes the next number, freezes the document, renders and stores the PDF, and
/// queues the WhatsApp document message to the retailer. Returns the invoice id.
pub async fn issue_invoice(
    conn: &mut PgConnection,
    order_id: i64,
    by_user: i64,
) -> Result<i64, AppError> {
    issue(conn, order_id, by_user, DocKind::Invoice, None).await
}

/// Issues a credit note reversing an order's invoice (the order was cancelled after
/// it was invoiced). No invoice, no credit note: returns None.
pub async fn issue_credit_note(
    conn: &mut PgConnection,
    order_id: i64,
    by_user: i64,
    reason: &str,
) -> Result<Option<i64>, AppError> {
    let invoiced = sqlx::query!(
        r#"SELECT id, number, to_char(issued_on, 'YYYY-MM-DD') AS "issued_on!" FROM invoices WHERE order_id = $1 AND kind = 'invoice'"#,
        order_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(invoice) = invoiced.map(|i| (i.id, i.number, i.issued_on)) else {
        return Ok(None);
    };
    issue(
        conn,
        order_id,
        by_user,
        DocKind::CreditNote,
        Some((invoice, reason)),
    )
    .await
    .map(Some)
}

/// The lines and rounding of an issued invoice, exactly as it was issued.
async fn invoiced_lines(
    conn: &mut PgConnection,
    invoice_id: i64,
) -> Result<(Vec<DocLine>, bool), AppError> {
    let data: serde_json::Value =
        sqlx::query_scalar!("SELECT data FROM invoices WHERE id = $1", invoice_id)
            .fetch_one(conn)
            .await?;
    let doc: Document = serde_json::from_value(data)?;
    Ok((doc.lines, doc.rounds_off))
}

async fn issue(
    conn: &mut PgConnection,
    order_id: i64,
    by_user: i64,
    kind: DocKind,
    against: Option<((i64, String, String), &str)>,
) -> Result<i64, AppError> {
    let head: OrderHead = sqlx::query_as!(
        OrderHead,
        r#"SELECT o.retailer_id, o.distributor_id, o.delivery_mode AS "delivery_mode: DeliveryMode",
                show_date((o.created_at AT TIME ZONE 'Asia/Kolkata')::date) AS "placed!",
                ist_today()::text AS "today!",
                extract(year FROM ist_today())::int AS "year!",
                extract(month FROM ist_today())::int AS "month!",
                d.upi_id, d.invoice_prefix, o.round_off
           FROM orders o JOIN organisations d ON d.id = o.distributor_id
          WHERE o.id = $1"#,
        order_id
    )
    .fetch_one(&mut *conn)
    .await?;
    // The rate in force on the invoice date (CGST Rules: tax at the time of supply),
    // falling back to the rate the order was placed at when the HSN has none today.
    let lines: Vec<LineRow> = sqlx::query_as!(LineRow, r#"SELECT name, brand, hsn, unit, qty AS "qty: i32", unit_price_paise AS "unit_price_paise: i64",
                COALESCE(g.rate_bp, tax_rate_bp) AS "tax_rate_bp!"
           FROM order_lines
                LEFT JOIN LATERAL gst_rate(hsn, ist_today(), unit_price_paise,
                    (SELECT s.gst_rate_id FROM skus s WHERE s.id = order_lines.sku_id)) g ON true
          WHERE order_id = $1 ORDER BY line_no"#, order_id)
    .fetch_all(&mut *conn)
    .await?;
    let supplier = party(conn, head.distributor_id).await?.doc();
    let recipient = party(conn, head.retailer_id).await?.doc();
    let fy = FinancialYear::of(head.year, u32::try_from(head.month).unwrap_or(1));
    let seq = next_seq(conn, head.distributor_id, fy, kind).await?;
    let prefix = head
        .invoice_prefix
        .clone()
        .unwrap_or_else(|| DEFAULT_PREFIX.to_string());
    let number = invoice::document_number(&prefix, fy, kind, seq)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let (refers_to, reason) = match &against {
        Some(((_, number, date), reason)) => (
            Some((number.clone(), date.clone())),
            Some(
                format!("Order #{order_id} cancelled. {reason}")
                    .trim()
                    .to_string(),
            ),
        ),
        None => (None, None),
    };
    // A credit note reverses its invoice exactly: the same lines, rates and rounding.
    let (doc_lines, round_off) = match &against {
        Some(((invoice_id, _, _), _)) => invoiced_lines(conn, *invoice_id).await?,
        None => (
            lines
                .into_iter()
                .map(|l| DocLine {
                    name: l.name,
                    brand: l.brand,
                    hsn: l.hsn,
                    qty: i64::from(l.qty),
                    unit: l.unit,
                    unit_price_paise: l.unit_price_paise,
                    discount_paise: 0,
                    rate_bp: l.tax_rate_bp,
                })
                .collect(),
            head.round_off,
        ),
    };
    let doc = Document::build(DocumentInput {
        kind,
        number,
        date: head.today.clone(),
        fy,
        order_id,
        order_placed: head.placed,
        supplier,
        recipient,
        delivery_mode: head.delivery_mode.unwrap_or(DeliveryMode::Deliver),
        lines: doc_lines,
        round_off,
        upi_id: head.upi_id.unwrap_or_default(),
        refers_to,
        reason,
    })
    .map_err(|e| internal(format!("order {order_id}: {e}")))?;
    let pdf = super::render::render(&doc).map_err(|e| internal(format!("invoice PDF: {e}")))?;
    let sha = hex::encode(Sha256::digest(&pdf));
    let data = serde_json::to_value(&doc)?;
    let t = &doc.computed;
    // An invoice falls due after the shop's days to pay (its own terms, else the
    // distributor's default), frozen with the invoice; a credit note has no due date.
    let id: i64 = sqlx::query_scalar!("INSERT INTO invoices (kind, distributor_id, retailer_id, order_id, refers_to, fy, seq, number, issued_on, issued_by,
                               supply, place_of_supply, b2b, taxable_paise, cgst_paise, sgst_paise, igst_paise, round_off_paise,
                               total_paise, data, pdf, pdf_sha256, due_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::date, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                 CASE WHEN $1 = 'invoice' THEN $9::text::date + (
                     SELECT COALESCE(t.due_days, o.default_due_days) FROM organisations o
                       LEFT JOIN shop_terms t ON t.distributor_id = o.id AND t.retailer_id = $3
                      WHERE o.id = $2) END)
         RETURNING id", kind.as_str(), head.distributor_id, head.retailer_id, order_id, against.as_ref().map(|((id, _, _), _)| *id), fy.0, seq, &doc.number, &doc.date, by_user, match doc.supply {
        crate::domain::gst::Supply::IntraState => "intra_state",
        crate::domain::gst::Supply::InterState => "inter_state",
    }, i16::from(doc.place_of_supply), doc.is_b2b(), t.taxable, t.tax.cgst, t.tax.sgst, t.tax.igst, t.round_off, t.grand_total, data, &pdf, sha)
    .fetch_one(&mut *conn)
    .await?;
    // The retailer's owner gets the document on WhatsApp (sent by the outbox worker).
    let template = match kind {
        DocKind::Invoice => "invoice_issued",
        DocKind::CreditNote => "credit_note_issued",
    };
    sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, order_id, document_kind, document_id)
         SELECT $1 || ':' || i.id || ':' || u.id, COALESCE(u.phone, r.whatsapp), u.id, $1, u.language,
                jsonb_build_object('distributor', d.trade_name, 'number', i.number, 'order', i.order_id::text, 'total_paise', i.total_paise),
                i.order_id, $1, i.id
           FROM invoices i
           JOIN organisations r ON r.id = i.retailer_id
           JOIN organisations d ON d.id = i.distributor_id
           JOIN users u ON u.org_id = r.id AND u.active AND u.role = 'owner'
          WHERE i.id = $2 AND COALESCE(u.phone, r.whatsapp) IS NOT NULL
         ON CONFLICT (dedupe_key) DO NOTHING", template, id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// `query_as!(InvoiceRow, …)` with a document row's columns and joins, then the
/// given tail (`WHERE …`), so every list of documents reads the same columns.
macro_rules! row_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            InvoiceRow,
            r#"SELECT i.id, i.kind AS "kind: DocKind", i.number, show_date(i.issued_on) AS "issued_on!", i.order_id,
                      i.retailer_id, r.trade_name AS retailer_name, i.distributor_id, d.trade_name AS distributor_name,
                      i.taxable_paise, i.cgst_paise + i.sgst_paise + i.igst_paise AS "tax_paise!", i.total_paise,
                      ref.number AS "refers_to_number?", (d.einvoice_enabled AND i.b2b AND i.kind = 'invoice') AS "einvoice!"
                 FROM invoices i
                 JOIN organisations r ON r.id = i.retailer_id
                 JOIN organisations d ON d.id = i.distributor_id
                 LEFT JOIN invoices ref ON ref.id = i.refers_to "#
                + $($tail)+
            $(, $arg)*
        )
    };
}

/// The document list of one side (`$side`: the column holding the caller's
/// organisation, $1; `$other`: the other side's name): kind ($2), issued
/// from/to ($3, $4) and a number or name ($5), newest first.
macro_rules! list_query {
    ([$($side:tt)+], $other:tt $(, $arg:expr)* $(,)?) => {
        row_query!(
            ["WHERE " + $($side)+ + " = $1
                AND ($2::text IS NULL OR i.kind = $2)
                AND ($3::text::date IS NULL OR i.issued_on >= $3::text::date)
                AND ($4::text::date IS NULL OR i.issued_on <= $4::text::date)
                AND ($5 = '' OR lower(i.number) LIKE '%' || $5 || '%' OR lower(" + $other + ") LIKE '%' || $5 || '%')
              ORDER BY i.issued_on DESC, i.id DESC LIMIT 200"]
            $(, $arg)*
        )
    };
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn list(ctx: &Ctx, f: InvoiceFilter) -> Result<Vec<InvoiceRow>, AppError> {
    let kind = match f.kind.trim() {
        "" | "all" => None,
        k => Some(
            DocKind::parse(k)
                .ok_or_else(|| AppError::field("kind", "Choose invoices or credit notes"))?
                .as_str(),
        ),
    };
    let scope = ListScope::new(ctx, &f.from, &f.to, &f.q)?;
    let org = ctx.user().org_id;
    by_side!(
        scope.retailer(),
        list_query!("i", org, kind, scope.from, scope.to, scope.q)
            .fetch_all(ctx.db())
            .await
    )
    .map_err(list_error)
}

/// The invoices of one order the caller is party to (for the order page). An
/// organisation is one side of an order or the other (see `OrgKind::PARTIES`).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn for_order(ctx: &Ctx, order_id: i64) -> Result<Vec<InvoiceRow>, AppError> {
    let org = ctx.user().org_id;
    let mine = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1 AND (retailer_id = $2 OR distributor_id = $2)) AS "mine!""#,
        order_id,
        org
    )
    .fetch_one(ctx.db())
    .await?;
    if !mine {
        return Err(not_found("Order"));
    }
    row_query!(
        ["WHERE i.order_id = $1 AND (i.retailer_id = $2 OR i.distributor_id = $2) ORDER BY i.id"],
        order_id,
        org
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

/// Months with documents of one side (`$side`: the column holding $1), per
/// retailer–distributor pair.
macro_rules! statements_query {
    ([$($side:tt)+], $other:tt, $org:expr) => {
        sqlx::query_as!(
            StatementRow,
            r#"SELECT to_char(date_trunc('month', i.issued_on), 'YYYY-MM') AS "month!",
                      i.retailer_id, r.trade_name AS retailer_name, i.distributor_id, d.trade_name AS distributor_name,
                      count(*) FILTER (WHERE i.kind = 'invoice') AS "invoices!",
                      count(*) FILTER (WHERE i.kind = 'credit_note') AS "credit_notes!",
                      COALESCE(sum(CASE WHEN i.kind = 'invoice' THEN i.total_paise ELSE -i.total_paise END), 0)::bigint AS "net_paise!"
                 FROM invoices i
                 JOIN organisations r ON r.id = i.retailer_id
                 JOIN organisations d ON d.id = i.distributor_id
                WHERE "# + $($side)+ + " = $1
                GROUP BY 1, 2, 3, 4, 5
                ORDER BY 1 DESC, 3, 5 LIMIT 500",
            $org
        )
    };
}

/// Months with documents, per retailer–distributor pair the caller is part of.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn statements(ctx: &Ctx) -> Result<Vec<StatementRow>, AppError> {
    let org = ctx.user().org_id;
    by_side!(
        ctx.user().org_kind == OrgKind::Retailer,
        statements_query!("i", org).fetch_all(ctx.db()).await
    )
    .or_internal()
}

/// The stored PDF of a document the caller is party to.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn pdf(ctx: &Ctx, id: i64) -> Result<(String, Vec<u8>), AppError> {
    let row = sqlx::query!(
        "SELECT i.number, i.pdf FROM invoices i WHERE i.id = $1 AND (i.retailer_id = $2 OR i.distributor_id = $2)",
        id,
        ctx.user().org_id
    )
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| not_found("Invoice"))?;
    Ok((row.number, row.pdf))
}

/// The frozen document of an invoice the caller is party to, and whether its
/// distributor e-invoices.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn document(ctx: &Ctx, id: i64) -> Result<(Document, bool), AppError> {
    let row = sqlx::query!(
        "SELECT i.data, d.einvoice_enabled FROM invoices i JOIN organisations d ON d.id = i.distributor_id
          WHERE i.id = $1 AND (i.retailer_id = $2 OR i.distributor_id = $2)",
        id,
        ctx.user().org_id
    )
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| not_found("Invoice"))?;
    let doc = serde_json::from_value(row.data)?;
    Ok((doc, row.einvoice_enabled))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn billing(ctx: &Ctx) -> Result<BillingSettings, AppError> {
    let mut conn = ctx.db().acquire().await?;
    billing_of(&mut conn, ctx.user().org_id).await
}

async fn billing_of(conn: &mut PgConnection, org: i64) -> Result<BillingSettings, AppError> {
    let row = sqlx::query!(
        r#"SELECT o.gstin, o.state_code, o.upi_id, o.invoice_prefix, o.round_off, o.einvoice_enabled,
                  extract(year FROM ist_today())::int AS "year!", extract(month FROM ist_today())::int AS "month!",
                  (SELECT s.last_seq FROM document_series s WHERE s.distributor_id = o.id AND s.kind = 'invoice'
                      AND s.fy = CASE WHEN extract(month FROM ist_today()) >= 4 THEN extract(year FROM ist_today())::int
                                      ELSE extract(year FROM ist_today())::int - 1 END) AS last
             FROM organisations o WHERE o.id = $1"#,
        org
    )
    .fetch_one(conn)
    .await?;
    let (gstin, state_code, upi, prefix, round_off, einvoice, year, month, last) = (
        row.gstin,
        row.state_code,
        row.upi_id,
        row.invoice_prefix,
        row.round_off,
        row.einvoice_enabled,
        row.year,
        row.month,
        row.last,
    );
    let missing = invoice::missing_for_invoicing(
        gstin.as_deref(),
        u8::try_from(state_code).ok(),
        upi.as_deref(),
    )
    .into_iter()
    .map(String::from)
    .collect();
    let prefix = prefix.unwrap_or_else(|| DEFAULT_PREFIX.to_string());
    let fy = FinancialYear::of(year, u32::try_from(month).unwrap_or(1));
    let next_number =
        invoice::document_number(&prefix, fy, DocKind::Invoice, last.unwrap_or(0) + 1)
            .unwrap_or_else(|e| e.to_string());
    Ok(BillingSettings {
        gstin,
        state_code,
        upi_id: upi.unwrap_or_default(),
        invoice_prefix: prefix,
        round_off,
        einvoice_enabled: einvoice,
        missing,
        next_number,
    })
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn save_billing(
    ctx: &Ctx,
    upi_id: &str,
    prefix: &str,
    round_off: bool,
    einvoice: bool,
) -> Result<BillingSettings, AppError> {
    let mut checks = crate::error::Checks::default();
    let upi = checks.take("upi_id", invoice::check_vpa(upi_id));
    let prefix = checks.take("invoice_prefix", invoice::check_prefix(prefix));
    checks.finish()?;
    let (Some(upi), Some(prefix)) = (upi, prefix) else {
        return Err(internal("billing settings checked above"));
    };
    let mut conn = ctx.db().acquire().await?;
    sqlx::query!("UPDATE organisations SET upi_id = $2, invoice_prefix = $3, round_off = $4, einvoice_enabled = $5, updated_at = now()
          WHERE id = $1", ctx.user().org_id, upi, prefix, round_off, einvoice)
    .execute(&mut *conn)
    .await?;
    billing_of(&mut conn, ctx.user().org_id).await
}
