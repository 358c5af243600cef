//! The khata's use cases. Every figure comes from invoices, credit notes,
//! payments and allocations through `domain::ledger`; writes to one account
//! take its advisory lock, so two payments on the same invoice at once are
//! applied one after the other.

use super::{
    Account, AccountRow, LedgerLine, Method, OpenItem, PaymentInput, PaymentRow, Receivables, Terms,
};
use crate::domain::OrgKind;
use crate::domain::ledger::{self, Allocation, Charge, EntryKind, OpenInvoice};
use crate::domain::money::Paise;
use crate::error::{AppError, Checks};
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use chrono::NaiveDate;
use sqlx::PgConnection;
use std::collections::BTreeMap;

/// The most one payment or credit limit may be: ₹10 crore.
const MAX_PAISE: i64 = 10_000_000_000;

/// (distributor, retailer): one account.
pub(super) type Pair = (i64, i64);

/// An invoice's facts as the account needs them.
struct Fact {
    pair: Pair,
    id: i64,
    number: String,
    issued_on: String,
    due_on: String,
    days_past: i32,
    total: i64,
    credited: i64,
    allocated: i64,
}

/// Per account: money paid and not applied, payments this month, the last one.
#[derive(Default)]
struct Paid {
    unapplied: i64,
    this_month: i64,
    last: Option<String>,
}

/// The account of the caller's organisation with `other`: the caller is its
/// distributor or its retailer, and the two have traded (an order between them).
/// Anything else looks like a missing account.
pub(super) async fn pair_of(ctx: &Ctx, other: i64) -> Result<Pair, AppError> {
    let me = ctx.user().org_id;
    let pair = match ctx.user().org_kind {
        OrgKind::Distributor => (me, other),
        OrgKind::Retailer => (other, me),
        _ => return Err(not_found("Account")),
    };
    let traded = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM orders WHERE distributor_id = $1 AND retailer_id = $2) AS "traded!""#,
        pair.0,
        pair.1
    )
    .fetch_one(ctx.db())
    .await?;
    if traded {
        Ok(pair)
    } else {
        Err(not_found("Account"))
    }
}

/// Serialises writes to one account until the transaction ends.
pub(super) async fn lock(conn: &mut PgConnection, (d, r): Pair) -> Result<(), AppError> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('khata:' || $1::bigint || ':' || $2::bigint, 0))",
        d,
        r
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every invoice of the accounts of `d` and/or `r`, oldest first per account.
async fn facts(
    conn: &mut PgConnection,
    d: Option<i64>,
    r: Option<i64>,
) -> Result<Vec<Fact>, AppError> {
    let rows = sqlx::query!(
        // Credit notes and live allocations summed per invoice once (hash joins),
        // not looked up invoice by invoice: a distributor's receivables read
        // every invoice of every shop.
        r#"WITH credited AS (
             SELECT n.refers_to AS id, sum(n.total_paise)::bigint AS paise FROM invoices n
              WHERE n.kind = 'credit_note' AND ($1::bigint IS NULL OR n.distributor_id = $1)
                AND ($2::bigint IS NULL OR n.retailer_id = $2)
              GROUP BY 1),
           allocated AS (
             SELECT x.invoice_id AS id, sum(x.paise)::bigint AS paise
               FROM payment_allocations x JOIN payments p ON p.id = x.payment_id
              WHERE ($1::bigint IS NULL OR p.distributor_id = $1) AND ($2::bigint IS NULL OR p.retailer_id = $2)
                AND NOT EXISTS (SELECT 1 FROM payments v WHERE v.reverses = p.id)
              GROUP BY 1)
           SELECT i.distributor_id, i.retailer_id, i.id, i.number, i.issued_on::text AS "issued_on!",
                  COALESCE(i.due_on, i.issued_on)::text AS "due_on!",
                  (ist_today() - COALESCE(i.due_on, i.issued_on)) AS "days_past!",
                  i.total_paise, COALESCE(c.paise, 0) AS "credited!", COALESCE(a.paise, 0) AS "allocated!"
             FROM invoices i
             LEFT JOIN credited c ON c.id = i.id
             LEFT JOIN allocated a ON a.id = i.id
            WHERE i.kind = 'invoice' AND ($1::bigint IS NULL OR i.distributor_id = $1)
              AND ($2::bigint IS NULL OR i.retailer_id = $2)
            ORDER BY i.distributor_id, i.retailer_id, i.issued_on, i.id"#,
        d,
        r
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|x| Fact {
            pair: (x.distributor_id, x.retailer_id),
            id: x.id,
            number: x.number,
            issued_on: x.issued_on,
            due_on: x.due_on,
            days_past: x.days_past,
            total: x.total_paise,
            credited: x.credited,
            allocated: x.allocated,
        })
        .collect())
}

/// Live payments (not reversed) of the accounts of `d` and/or `r`.
async fn paid(
    conn: &mut PgConnection,
    d: Option<i64>,
    r: Option<i64>,
) -> Result<BTreeMap<Pair, Paid>, AppError> {
    let rows = sqlx::query!(
        r#"WITH applied AS (
             SELECT a.payment_id, sum(a.paise)::bigint AS applied
               FROM payment_allocations a JOIN payments q ON q.id = a.payment_id
              WHERE ($1::bigint IS NULL OR q.distributor_id = $1) AND ($2::bigint IS NULL OR q.retailer_id = $2)
              GROUP BY 1)
           SELECT p.distributor_id, p.retailer_id,
                  sum(p.amount_paise - COALESCE(x.applied, 0))::bigint AS "unapplied!",
                  COALESCE(sum(p.amount_paise) FILTER (WHERE p.received_on >= date_trunc('month', ist_today())), 0)::bigint
                      AS "this_month!",
                  max(p.received_on)::text AS last
             FROM payments p
             LEFT JOIN applied x ON x.payment_id = p.id
            WHERE p.kind = 'payment' AND NOT EXISTS (SELECT 1 FROM payments v WHERE v.reverses = p.id)
              AND ($1::bigint IS NULL OR p.distributor_id = $1) AND ($2::bigint IS NULL OR p.retailer_id = $2)
            GROUP BY 1, 2"#,
        d,
        r
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|x| {
            (
                (x.distributor_id, x.retailer_id),
                Paid {
                    unapplied: x.unapplied,
                    this_month: x.this_month,
                    last: x.last,
                },
            )
        })
        .collect())
}

/// One account's figures today.
pub(super) struct State {
    pub balance: i64,
    pub open: Vec<OpenItem>,
    pub ageing: [i64; 5],
    pub advance: i64,
}

impl State {
    /// The open invoices as `domain::ledger` allocates over them.
    pub fn open_invoices(&self) -> Vec<OpenInvoice> {
        self.open
            .iter()
            .map(|o| OpenInvoice {
                id: o.invoice_id,
                issued_on: o.issued_on.clone(),
                due_paise: o.due_paise,
            })
            .collect()
    }
}

fn state_of(facts: &[&Fact], unapplied: i64) -> State {
    let charges: Vec<Charge> = facts
        .iter()
        .map(|f| Charge {
            id: f.id,
            issued_on: f.issued_on.clone(),
            total_paise: f.total,
            credited_paise: f.credited,
            allocated_paise: f.allocated,
        })
        .collect();
    let dues = ledger::dues(&charges, unapplied);
    let balance = facts
        .iter()
        .map(|f| f.total - f.credited - f.allocated)
        .sum::<i64>()
        - unapplied;
    let open: Vec<OpenItem> = dues
        .iter()
        .filter(|o| o.due_paise > 0)
        .filter_map(|o| {
            let f = facts.iter().find(|f| f.id == o.id)?;
            Some(OpenItem {
                invoice_id: f.id,
                number: f.number.clone(),
                issued_on: f.issued_on.clone(),
                due_on: f.due_on.clone(),
                total_paise: f.total,
                due_paise: o.due_paise,
                unpaid: o.due_paise == f.total - f.credited,
                days_past: i64::from(f.days_past),
            })
        })
        .collect();
    let owed: i64 = open.iter().map(|o| o.due_paise).sum();
    let ageing = ledger::ageing(
        &open
            .iter()
            .map(|o| (o.days_past, o.due_paise))
            .collect::<Vec<_>>(),
    );
    State {
        balance,
        advance: (owed - balance).max(0),
        open,
        ageing,
    }
}

/// One account's state, read inside `conn` (under its lock when writing).
pub(super) async fn state(conn: &mut PgConnection, pair: Pair) -> Result<State, AppError> {
    let facts = facts(conn, Some(pair.0), Some(pair.1)).await?;
    let paid = paid(conn, Some(pair.0), Some(pair.1)).await?;
    let unapplied = paid.get(&pair).map_or(0, |p| p.unapplied);
    Ok(state_of(&facts.iter().collect::<Vec<_>>(), unapplied))
}

async fn terms(conn: &mut PgConnection, (d, r): Pair) -> Result<Terms, AppError> {
    let t = sqlx::query!(
        r#"SELECT o.default_due_days, t.due_days, t.credit_limit_paise
             FROM organisations o LEFT JOIN shop_terms t ON t.distributor_id = o.id AND t.retailer_id = $2
            WHERE o.id = $1"#,
        d,
        r
    )
    .fetch_one(conn)
    .await?;
    Ok(Terms {
        due_days: t.due_days.unwrap_or(t.default_due_days),
        default_days: t.due_days.is_none(),
        credit_limit_paise: t.credit_limit_paise,
    })
}

fn parse_day(field: &'static str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "Enter a date like 2026-12-07"))
}

/// 1 April of the financial year `day` is in.
fn fy_start(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let year = if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(day)
}

pub(super) async fn today(conn: &mut PgConnection) -> Result<NaiveDate, AppError> {
    Ok(sqlx::query_scalar!(r#"SELECT ist_today() AS "d!""#)
        .fetch_one(conn)
        .await?)
}

/// A payment the distributor received, applied to the open invoices it names
/// (or oldest first); what is not applied stays as an advance, which the
/// distributor must confirm. A retried submit (same form key) records once.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn record(ctx: &Ctx, input: PaymentInput) -> Result<PaymentRow, AppError> {
    let mut c = Checks::new();
    let amount = match Paise::parse(&input.amount) {
        Ok(p) if p.0 > 0 && p.0 <= MAX_PAISE => Some(p.0),
        Ok(p) if p.0 > 0 => {
            c.add("amount", "Record at most ₹10 crore in one payment");
            None
        }
        Ok(_) => {
            c.add("amount", "Enter an amount above zero");
            None
        }
        Err(e) => {
            c.add("amount", e.to_string());
            None
        }
    };
    let method = Method::parse(input.method.trim()).filter(|m| Method::BY_HAND.contains(m));
    if method.is_none() {
        c.add("method", "Choose cash, cheque, bank transfer or UPI");
    }
    let reference = c
        .take("reference", crate::domain::text::clean(&input.reference))
        .unwrap_or_default()
        .to_uppercase();
    if reference.chars().count() > 40
        || !reference
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "-/ ".contains(ch))
    {
        c.add(
            "reference",
            "Use up to 40 letters and digits, as printed on the slip",
        );
    }
    if let Some(label) = method.and_then(Method::reference_label)
        && reference.is_empty()
    {
        c.add("reference", format!("Enter the {}", label.to_lowercase()));
    }
    let note = c
        .take("note", crate::domain::text::clean(&input.note))
        .unwrap_or_default()
        .to_string();
    if note.chars().count() > 300 {
        c.add("note", "Keep the note under 300 characters");
    }
    let key = input.request_key.trim();
    if !(8..=64).contains(&key.len())
        || !key
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    {
        c.add("request_key", "Reload the page and try again");
    }
    let received = parse_day("received_on", &input.received_on);
    let mut chosen = Vec::new();
    for a in &input.allocations {
        if a.amount.trim().is_empty() {
            continue;
        }
        match Paise::parse(&a.amount) {
            Ok(p) => chosen.push(Allocation {
                invoice_id: a.invoice_id,
                paise: p.0,
            }),
            Err(e) => c.add("allocations", e.to_string()),
        }
    }
    let received = match received {
        Ok(d) => Some(d),
        Err(e) => {
            c.add("received_on", e.to_string());
            None
        }
    };
    c.finish()?;
    let (Some(amount), Some(method), Some(received)) = (amount, method, received) else {
        return Err(internal("checked above"));
    };
    let pair = pair_of(ctx, input.retailer_id).await?;
    let mut tx = ctx.db().begin().await?;
    lock(&mut tx, pair).await?;
    // A retried submit: the payment it recorded.
    if let Some(id) = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE distributor_id = $1 AND request_key = $2",
        pair.0,
        key
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        tx.commit().await?;
        return payment_row(ctx.db(), pair.0, id).await;
    }
    let today = today(&mut tx).await?;
    if received > today {
        return Err(AppError::field(
            "received_on",
            "A payment cannot be received in the future",
        ));
    }
    if received < today - chrono::Days::new(3_650) {
        return Err(AppError::field(
            "received_on",
            "That is more than ten years ago: check the date",
        ));
    }
    if !reference.is_empty()
        && let Some(earlier) = sqlx::query!(
            r#"SELECT received_on::text AS "on!", amount_paise FROM payments
                WHERE distributor_id = $1 AND upper(reference) = $2 AND kind = 'payment'"#,
            pair.0,
            reference
        )
        .fetch_optional(&mut *tx)
        .await?
    {
        return Err(AppError::field(
            "reference",
            format!(
                "{reference} is already recorded: {} on {}",
                Paise(earlier.amount_paise),
                earlier.on
            ),
        ));
    }
    let open = state(&mut tx, pair).await?.open_invoices();
    let (allocations, advance) = if chosen.is_empty() {
        ledger::allocate_oldest_first(&open, amount)
    } else {
        let advance = ledger::check_allocation(&open, amount, &chosen)
            .map_err(|e| AppError::field("allocations", e.to_string()))?;
        (chosen, advance)
    };
    if advance > 0 && !input.advance_ok {
        let owed: i64 = open.iter().map(|o| o.due_paise).sum();
        return Err(AppError::field(
            "advance_ok",
            if allocations.is_empty() && owed == 0 {
                format!(
                    "Nothing is due: {} will be kept as an advance. Tick the box to confirm.",
                    Paise(advance)
                )
            } else {
                format!(
                    "{} is not applied to any invoice and will be kept as an advance. Tick the box to confirm.",
                    Paise(advance)
                )
            },
        ));
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO payments (distributor_id, retailer_id, kind, amount_paise, received_on, method, reference, note,
                               request_key, recorded_by)
         VALUES ($1, $2, 'payment', $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        pair.0,
        pair.1,
        amount,
        received,
        method.as_str(),
        reference,
        note,
        key,
        ctx.user().user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    insert_allocations(&mut tx, id, &allocations).await?;
    let shown = if reference.is_empty() {
        method.label().to_string()
    } else {
        format!("{} {reference}", method.label())
    };
    queue_receipt(&mut tx, id, pair, &shown).await?;
    tx.commit().await?;
    announce(ctx.state(), pair);
    payment_row(ctx.db(), pair.0, id).await
}

/// Tells both sides' open pages that the account changed (after the commit).
pub(super) fn announce(state: &crate::server::AppState, (d, r): Pair) {
    state
        .notifier
        .send(crate::orders::live::Change::account(d, r));
}

/// Queues the receipt of payment `id` to the shop's owner on WhatsApp (sent by
/// the outbox worker), with what is still due after it; `shown` is how it was
/// paid ("UPI 4123…").
pub(super) async fn queue_receipt(
    conn: &mut PgConnection,
    id: i64,
    pair: Pair,
    shown: &str,
) -> Result<(), AppError> {
    let due = state(conn, pair).await?.balance.max(0);
    sqlx::query!(
        "INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, document_kind, document_id)
         SELECT 'payment_received:' || p.id || ':' || u.id, COALESCE(u.phone, r.whatsapp), u.id, 'payment_received',
                u.language,
                jsonb_build_object('distributor', d.trade_name, 'amount_paise', p.amount_paise,
                                   'date', to_char(p.received_on, 'DD Mon YYYY'), 'reference', $2::text,
                                   'due_paise', $3::bigint),
                'receipt', p.id
           FROM payments p
           JOIN organisations r ON r.id = p.retailer_id
           JOIN organisations d ON d.id = p.distributor_id
           JOIN users u ON u.org_id = r.id AND u.active AND u.role = 'owner'
          WHERE p.id = $1 AND COALESCE(u.phone, r.whatsapp) IS NOT NULL
         ON CONFLICT (dedupe_key) DO NOTHING",
        id,
        shown,
        due
    )
    .execute(&mut *conn)
    .await?;
    super::reminders::skip_pending(conn, pair).await?;
    Ok(())
}

pub(super) async fn insert_allocations(
    conn: &mut PgConnection,
    payment: i64,
    allocations: &[Allocation],
) -> Result<(), AppError> {
    let invoices: Vec<i64> = allocations.iter().map(|a| a.invoice_id).collect();
    let paise: Vec<i64> = allocations.iter().map(|a| a.paise).collect();
    sqlx::query!(
        "INSERT INTO payment_allocations (payment_id, invoice_id, paise)
         SELECT $1, i, p FROM UNNEST($2::bigint[], $3::bigint[]) AS t (i, p)",
        payment,
        &invoices,
        &paise
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a payment back (a bounced cheque, a mistake) with the reason: its
/// invoices are due again. Only the owner; never twice.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn reverse(ctx: &Ctx, payment_id: i64, reason: &str) -> Result<PaymentRow, AppError> {
    let reason =
        crate::domain::text::clean(reason).map_err(|e| AppError::field("reason", e.to_string()))?;
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(AppError::field(
            "reason",
            "Say why in under 300 characters: both sides see it",
        ));
    }
    let d = ctx.user().org_id;
    let mut tx = ctx.db().begin().await?;
    let p = sqlx::query!(
        "SELECT retailer_id, kind, amount_paise, method FROM payments WHERE id = $1 AND distributor_id = $2",
        payment_id,
        d
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Payment"))?;
    if p.kind != "payment" {
        return Err(AppError::Conflict("A reversal cannot be reversed.".into()));
    }
    lock(&mut tx, (d, p.retailer_id)).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO payments (distributor_id, retailer_id, kind, reverses, amount_paise, received_on, method, note,
                               recorded_by)
         VALUES ($1, $2, 'reversal', $3, $4, ist_today(), $5, $6, $7)
         ON CONFLICT (reverses) DO NOTHING RETURNING id",
        d,
        p.retailer_id,
        payment_id,
        p.amount_paise,
        p.method,
        reason,
        ctx.user().user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("This payment is already reversed.".into()))?;
    tx.commit().await?;
    announce(ctx.state(), (d, p.retailer_id));
    payment_row(ctx.db(), d, id).await
}

/// A payment or reversal of distributor `d` with what it applied.
pub(super) async fn payment_row(
    db: &sqlx::PgPool,
    d: i64,
    id: i64,
) -> Result<PaymentRow, AppError> {
    let mut rows = payment_rows(db, d, None, Some(id), None).await?;
    rows.pop().ok_or_else(|| not_found("Payment"))
}

/// Payments and reversals of distributor `d` (one account, one id, or from a
/// date), newest first.
async fn payment_rows(
    db: &sqlx::PgPool,
    d: i64,
    r: Option<i64>,
    id: Option<i64>,
    from: Option<NaiveDate>,
) -> Result<Vec<PaymentRow>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.retailer_id, p.kind, p.amount_paise, p.received_on::text AS "received_on!", p.method,
                  p.reference, p.note,
                  COALESCE(x.applied, '[]'::jsonb) AS "applied!: sqlx::types::Json<Vec<(String, i64)>>",
                  COALESCE(x.total, 0) AS "applied_total!",
                  EXISTS (SELECT 1 FROM payments v WHERE v.reverses = p.id) AS "reversed!"
             FROM payments p
             LEFT JOIN LATERAL (SELECT jsonb_agg(jsonb_build_array(i.number, a.paise) ORDER BY i.issued_on, i.id) AS applied,
                                       sum(a.paise)::bigint AS total
                                  FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
                                 WHERE a.payment_id = p.id) x ON true
            WHERE p.distributor_id = $1 AND ($2::bigint IS NULL OR p.retailer_id = $2)
              AND ($3::bigint IS NULL OR p.id = $3) AND ($4::date IS NULL OR p.received_on >= $4)
            ORDER BY p.received_on DESC, p.id DESC
            LIMIT 500"#,
        d,
        r,
        id,
        from
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|x| {
            let kind = EntryKind::parse(&x.kind).ok_or_else(|| internal("payment kind"))?;
            Ok(PaymentRow {
                id: x.id,
                retailer_id: x.retailer_id,
                kind,
                amount_paise: x.amount_paise,
                received_on: x.received_on,
                method: Method::parse(&x.method).ok_or_else(|| internal("payment method"))?,
                reference: x.reference,
                note: x.note,
                applied: x.applied.0,
                advance_paise: if kind == EntryKind::Payment {
                    x.amount_paise - x.applied_total
                } else {
                    0
                },
                reversed: x.reversed,
            })
        })
        .collect()
}

/// The account with `other` (a shop for a distributor, a distributor for a
/// shop) from `from` to `to` (`YYYY-MM-DD`; empty: the financial year so far).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn account(ctx: &Ctx, other: i64, from: &str, to: &str) -> Result<Account, AppError> {
    let pair = pair_of(ctx, other).await?;
    let mut conn = ctx.db().acquire().await?;
    let today = today(&mut conn).await?;
    let to = if to.trim().is_empty() {
        today
    } else {
        parse_day("to", to)?
    };
    let from = if from.trim().is_empty() {
        fy_start(today)
    } else {
        parse_day("from", from)?
    };
    if from > to {
        return Err(AppError::field("from", "The period starts after it ends"));
    }
    let names = sqlx::query!(
        r#"SELECT (SELECT trade_name FROM organisations WHERE id = $1) AS "d!",
                  (SELECT trade_name FROM organisations WHERE id = $2) AS "r!""#,
        pair.0,
        pair.1
    )
    .fetch_one(&mut *conn)
    .await?;
    let opening = sqlx::query_scalar!(
        r#"SELECT (COALESCE((SELECT sum(CASE kind WHEN 'invoice' THEN total_paise ELSE -total_paise END)
                               FROM invoices WHERE distributor_id = $1 AND retailer_id = $2 AND issued_on < $3), 0)
                 + COALESCE((SELECT sum(CASE kind WHEN 'reversal' THEN amount_paise ELSE -amount_paise END)
                               FROM payments WHERE distributor_id = $1 AND retailer_id = $2 AND received_on < $3), 0)
                  )::bigint AS "b!""#,
        pair.0,
        pair.1,
        from
    )
    .fetch_one(&mut *conn)
    .await?;
    let entries = sqlx::query!(
        r#"SELECT day AS "day!", kind AS "kind!", id AS "id!", document AS "document!", note AS "note!", amount AS "amount!"
             FROM (SELECT issued_on::text AS day, issued_at AS at, kind, id, number AS document, '' AS note,
                          total_paise AS amount
                     FROM invoices WHERE distributor_id = $1 AND retailer_id = $2 AND issued_on BETWEEN $3 AND $4
                   UNION ALL
                   SELECT received_on::text, recorded_at, kind, id,
                          method || CASE WHEN reference = '' THEN '' ELSE ' ' || reference END, note, amount_paise
                     FROM payments WHERE distributor_id = $1 AND retailer_id = $2 AND received_on BETWEEN $3 AND $4) e
            ORDER BY day, at, id"#,
        pair.0,
        pair.1,
        from,
        to
    )
    .fetch_all(&mut *conn)
    .await?;
    let kinds: Vec<(EntryKind, i64)> = entries
        .iter()
        .map(|e| {
            Ok((
                EntryKind::parse(&e.kind).ok_or_else(|| internal("entry kind"))?,
                e.amount,
            ))
        })
        .collect::<Result<_, AppError>>()?;
    let balances = ledger::running(opening, &kinds);
    let lines: Vec<LedgerLine> = entries
        .into_iter()
        .zip(kinds)
        .zip(&balances)
        .map(|((e, (kind, amount)), &balance)| {
            let debit = kind.signed(amount) > 0;
            LedgerLine {
                date: e.day,
                kind,
                id: e.id,
                document: e.document,
                note: e.note,
                debit_paise: if debit { amount } else { 0 },
                credit_paise: if debit { 0 } else { amount },
                balance_paise: balance,
            }
        })
        .collect();
    let now = state(&mut conn, pair).await?;
    let terms = terms(&mut conn, pair).await?;
    let online = super::online::connected(&mut conn, pair.0).await?;
    drop(conn);
    let payments = payment_rows(ctx.db(), pair.0, Some(pair.1), None, Some(from)).await?;
    Ok(Account {
        distributor_id: pair.0,
        distributor: names.d,
        retailer_id: pair.1,
        retailer: names.r,
        from: from.to_string(),
        to: to.to_string(),
        opening_paise: opening,
        closing_paise: balances.last().copied().unwrap_or(opening),
        lines,
        balance_paise: now.balance,
        open: now.open,
        ageing: now.ageing,
        advance_paise: now.advance,
        terms,
        online,
        payments,
    })
}

/// Every account of the caller (a distributor's shops or a shop's distributors).
async fn rows(ctx: &Ctx) -> Result<(Vec<AccountRow>, i64), AppError> {
    let me = ctx.user().org_id;
    let (d, r) = match ctx.user().org_kind {
        OrgKind::Distributor => (Some(me), None),
        OrgKind::Retailer => (None, Some(me)),
        _ => return Err(not_found("Account")),
    };
    let mut conn = ctx.db().acquire().await?;
    let facts = facts(&mut conn, d, r).await?;
    let paid = paid(&mut conn, d, r).await?;
    let mut by_pair: BTreeMap<Pair, Vec<&Fact>> = BTreeMap::new();
    for f in &facts {
        by_pair.entry(f.pair).or_default().push(f);
    }
    for pair in paid.keys() {
        by_pair.entry(*pair).or_default();
    }
    let others: Vec<i64> = by_pair
        .keys()
        .map(|&(dd, rr)| if d.is_some() { rr } else { dd })
        .collect();
    let orgs: BTreeMap<i64, (String, String)> = sqlx::query!(
        "SELECT id, trade_name, city FROM organisations WHERE id = ANY($1)",
        &others
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|o| (o.id, (o.trade_name, o.city)))
    .collect();
    let limits: BTreeMap<Pair, i64> = sqlx::query!(
        r#"SELECT distributor_id, retailer_id, credit_limit_paise AS "limit!" FROM shop_terms
            WHERE credit_limit_paise IS NOT NULL AND ($1::bigint IS NULL OR distributor_id = $1)
              AND ($2::bigint IS NULL OR retailer_id = $2)"#,
        d,
        r
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|t| ((t.distributor_id, t.retailer_id), t.limit))
    .collect();
    let mut this_month = 0;
    let mut out = Vec::new();
    for (pair, facts) in by_pair {
        let p = paid.get(&pair);
        this_month += p.map_or(0, |p| p.this_month);
        let s = state_of(&facts, p.map_or(0, |p| p.unapplied));
        let other = if d.is_some() { pair.1 } else { pair.0 };
        let (name, city) = orgs.get(&other).cloned().unwrap_or_default();
        out.push(AccountRow {
            other_id: other,
            other_name: name,
            city,
            balance_paise: s.balance,
            overdue_paise: s.ageing[1..].iter().sum(),
            ageing: s.ageing,
            last_payment: p.and_then(|p| p.last.clone()),
            credit_limit_paise: limits.get(&pair).copied(),
        });
    }
    out.sort_by(|a, b| {
        (b.overdue_paise, b.balance_paise, &a.other_name).cmp(&(
            a.overdue_paise,
            a.balance_paise,
            &b.other_name,
        ))
    });
    Ok((out, this_month))
}

/// What the distributor is owed: total, by age, collected this month, and every
/// shop's account, most overdue first.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn receivables(ctx: &Ctx) -> Result<Receivables, AppError> {
    let (accounts, collected) = rows(ctx).await?;
    let mut ageing = [0i64; 5];
    for a in &accounts {
        for (sum, x) in ageing.iter_mut().zip(a.ageing) {
            *sum += x;
        }
    }
    let settings = sqlx::query!(
        "SELECT default_due_days, hold_overdue_days, reminder_days FROM organisations WHERE id = $1",
        ctx.user().org_id
    )
    .fetch_one(ctx.db())
    .await?;
    Ok(Receivables {
        total_paise: accounts.iter().map(|a| a.balance_paise.max(0)).sum(),
        ageing,
        collected_this_month_paise: collected,
        accounts,
        default_due_days: settings.default_due_days,
        hold_overdue_days: settings.hold_overdue_days,
        reminder_days: settings.reminder_days,
    })
}

/// A shop's accounts with each of its distributors.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn my_accounts(ctx: &Ctx) -> Result<Vec<AccountRow>, AppError> {
    Ok(rows(ctx).await?.0)
}

/// Sets a shop's days to pay (empty: the distributor's default) and credit
/// limit (empty: none). Owner only. Applies to invoices issued from now on.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_terms(
    ctx: &Ctx,
    retailer_id: i64,
    due_days: &str,
    credit_limit: &str,
) -> Result<Terms, AppError> {
    let mut c = Checks::new();
    let days = match due_days.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(n) if (0..=365).contains(&n) => Some(n),
            _ => {
                c.add(
                    "due_days",
                    "Enter 0 to 365 days, or leave it empty for your default",
                );
                None
            }
        },
    };
    let limit = match credit_limit.trim() {
        "" => None,
        t => match Paise::parse(t) {
            Ok(p) if p.0 >= 0 && p.0 <= MAX_PAISE => Some(p.0),
            _ => {
                c.add(
                    "credit_limit",
                    "Enter the limit in rupees (0 for cash only), or leave it empty for no limit",
                );
                None
            }
        },
    };
    c.finish()?;
    let pair = pair_of(ctx, retailer_id).await?;
    let mut tx = ctx.db().begin().await?;
    sqlx::query!(
        "INSERT INTO shop_terms (distributor_id, retailer_id, due_days, credit_limit_paise, updated_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (distributor_id, retailer_id)
         DO UPDATE SET due_days = $3, credit_limit_paise = $4, updated_by = $5, updated_at = now()",
        pair.0,
        pair.1,
        days,
        limit,
        ctx.user().user_id
    )
    .execute(&mut *tx)
    .await?;
    let t = terms(&mut tx, pair).await?;
    // A raised limit lets through the held orders that now fit.
    let released = super::holds::recheck(&mut tx, pair, ctx.user().user_id).await?;
    tx.commit().await?;
    for order in released {
        ctx.state()
            .notifier
            .send(crate::orders::live::Change::order(order, pair.1, pair.0));
    }
    Ok(t)
}

/// The distributor's default days to pay. Owner only.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_default_days(ctx: &Ctx, days: i32) -> Result<i32, AppError> {
    if !(0..=365).contains(&days) {
        return Err(AppError::field("days", "Enter 0 to 365 days"));
    }
    sqlx::query!(
        "UPDATE organisations SET default_due_days = $2, updated_at = now() WHERE id = $1",
        ctx.user().org_id,
        days
    )
    .execute(ctx.db())
    .await?;
    Ok(days)
}

/// Hold a shop's new orders while a due is more than `days` past its due date
/// (empty: never). Owner only.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_hold_days(ctx: &Ctx, days: &str) -> Result<Option<i32>, AppError> {
    let days = match days.trim() {
        "" => None,
        t => Some(
            t.parse::<i32>()
                .ok()
                .filter(|n| (0..=365).contains(n))
                .ok_or_else(|| {
                    AppError::field(
                        "days",
                        "Enter 0 to 365 days, or leave it empty to never hold",
                    )
                })?,
        ),
    };
    sqlx::query!(
        "UPDATE organisations SET hold_overdue_days = $2, updated_at = now() WHERE id = $1",
        ctx.user().org_id,
        days
    )
    .execute(ctx.db())
    .await?;
    Ok(days)
}

/// The days, relative to each invoice's due date, on which shops are reminded
/// on WhatsApp ("-3, 0, 7": empty for none). Owner only.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_reminder_days(ctx: &Ctx, days: &str) -> Result<Vec<i16>, AppError> {
    let days = ledger::parse_reminder_days(days).map_err(|e| AppError::field("days", e))?;
    sqlx::query!(
        "UPDATE organisations SET reminder_days = $2, updated_at = now() WHERE id = $1",
        ctx.user().org_id,
        &days
    )
    .execute(ctx.db())
    .await?;
    Ok(days)
}
