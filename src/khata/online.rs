//! Online payments through a distributor's own Razorpay account: connecting it
//! (keys checked with Razorpay first), a payment link for an invoice's due or a
//! shop's whole due (reused while payable, remade when the amount changed), and
//! the webhook that records what the shop paid.
//!
//! The webhook (`POST /webhooks/razorpay/{distributor}`) is refused unless
//! `X-Razorpay-Signature` is the HMAC of the raw body with that distributor's
//! webhook secret. Each event is stored under Razorpay's event id
//! (`X-Razorpay-Event-Id`) in the same transaction as its effect, and each
//! payment under its payment id, so a retried or repeated event records
//! nothing twice. A payment is what it is: it pays the link's invoice first,
//! then the oldest dues, and anything more is an advance.

use super::razorpay::{Event, GatewayError, Keys, NewLink};
use super::service::{self, Pair};
use super::{Gateway, PayLink};
use crate::domain::OrgKind;
use crate::domain::ledger;
use crate::domain::money::Paise;
use crate::error::{AppError, Checks};
use crate::server::guard::not_found;
use crate::server::{AppState, Ctx};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::request::Parts;
use sqlx::PgConnection;

pub const WEBHOOK_PATH: &str = "/webhooks/razorpay/{distributor}";

/// The events to tick in Razorpay's dashboard for the webhook.
pub const EVENTS: [&str; 4] = [
    "payment_link.paid",
    "payment_link.partially_paid",
    "payment_link.cancelled",
    "payment_link.expired",
];

impl From<GatewayError> for AppError {
    fn from(e: GatewayError) -> AppError {
        match e {
            GatewayError::Keys | GatewayError::Rejected(_) => AppError::Conflict(e.to_string()),
            GatewayError::Unavailable(ref why) | GatewayError::Answer(ref why) => {
                tracing::warn!(error = %why, "razorpay");
                AppError::Unavailable(e.to_string())
            }
        }
    }
}

/// The webhook address to paste into Razorpay's dashboard, on this host.
fn webhook_url(parts: &Parts, distributor: i64) -> String {
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if host.starts_with("127.0.0.1") || host.starts_with("localhost") {
        "http"
    } else {
        "https"
    };
    format!(
        "{scheme}://{host}{}",
        WEBHOOK_PATH.replace("{distributor}", &distributor.to_string())
    )
}

/// The caller's gateway, as its pages show it (never the secrets).
pub async fn gateway(ctx: &Ctx) -> Result<Gateway, AppError> {
    let d = ctx.user().org_id;
    let row = sqlx::query!(
        r#"SELECT key_id, ist_short(connected_at) AS "at!" FROM payment_gateways WHERE distributor_id = $1"#,
        d
    )
    .fetch_optional(ctx.db())
    .await?;
    Ok(Gateway {
        key_id: row.as_ref().map(|r| r.key_id.clone()),
        connected_at: row.map(|r| r.at),
        webhook_url: webhook_url(ctx.parts(), d),
        events: EVENTS.iter().map(|e| e.to_string()).collect(),
    })
}

/// Connects (or replaces) the distributor's Razorpay account once Razorpay
/// accepts the keys. Owner only.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn connect(
    ctx: &Ctx,
    key_id: &str,
    key_secret: &str,
    webhook_secret: &str,
) -> Result<Gateway, AppError> {
    let mut c = Checks::new();
    let key_id = key_id.trim();
    let id_ok = ["rzp_test_", "rzp_live_"].iter().any(|p| {
        key_id.strip_prefix(p).is_some_and(|rest| {
            (6..=40).contains(&rest.len()) && rest.chars().all(|ch| ch.is_ascii_alphanumeric())
        })
    });
    if !id_ok {
        c.add(
            "key_id",
            "Paste the key id from Razorpay's dashboard (Settings → API keys): it starts with rzp_live_ or rzp_test_",
        );
    }
    let printable = |s: &str| s.chars().all(|ch| ch.is_ascii_graphic());
    let key_secret = key_secret.trim();
    if !(8..=100).contains(&key_secret.len()) || !printable(key_secret) {
        c.add(
            "key_secret",
            "Paste the key secret Razorpay showed with the key id",
        );
    }
    let webhook_secret = webhook_secret.trim();
    if !(8..=100).contains(&webhook_secret.len()) || !printable(webhook_secret) {
        c.add(
            "webhook_secret",
            "Enter the webhook secret you set in Razorpay's dashboard (8 to 100 characters, no spaces)",
        );
    }
    c.finish()?;
    let keys = Keys {
        key_id: key_id.to_string(),
        key_secret: key_secret.to_string(),
    };
    ctx.state().razorpay.check_keys(&keys).await?;
    let d = ctx.user().org_id;
    let mut tx = ctx.db().begin().await?;
    let before = sqlx::query_scalar!(
        "SELECT key_id FROM payment_gateways WHERE distributor_id = $1 FOR UPDATE",
        d
    )
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO payment_gateways (distributor_id, key_id, key_secret, webhook_secret, connected_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (distributor_id) DO UPDATE
            SET key_id = $2, key_secret = $3, webhook_secret = $4, connected_by = $5, connected_at = now()",
        d,
        key_id,
        key_secret,
        webhook_secret,
        ctx.user().user_id
    )
    .execute(&mut *tx)
    .await?;
    crate::server::audit::record(&mut tx, ctx, gateway_entry(ctx, before, Some(key_id))).await?;
    tx.commit().await?;
    gateway(ctx).await
}

/// Disconnects the gateway: shops see the static UPI id again; links already
/// made stay payable at Razorpay and their webhooks are refused. Owner only.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn disconnect(ctx: &Ctx) -> Result<Gateway, AppError> {
    let d = ctx.user().org_id;
    let mut tx = ctx.db().begin().await?;
    let gone = sqlx::query_scalar!(
        "DELETE FROM payment_gateways WHERE distributor_id = $1 RETURNING key_id",
        d
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("No payment gateway is connected.".into()))?;
    crate::server::audit::record(&mut tx, ctx, gateway_entry(ctx, Some(gone), None)).await?;
    tx.commit().await?;
    gateway(ctx).await
}

/// The audit entry of a gateway change: the key id before and after (never a secret).
fn gateway_entry(
    ctx: &Ctx,
    before: Option<String>,
    after: Option<&str>,
) -> crate::server::audit::Entry {
    let key =
        |k: Option<&str>| k.map(|k| serde_json::json!({ "provider": "razorpay", "key_id": k }));
    crate::server::audit::Entry {
        action: crate::domain::audit::AuditAction::PaymentGateway,
        subject: crate::server::audit::Subject {
            table: "organisations",
            id: Some(ctx.user().org_id),
            label: ctx.user().org_name.clone(),
        },
        before: key(before.as_deref()),
        after: key(after),
        note: String::new(),
    }
}

async fn keys(conn: &mut PgConnection, d: i64) -> Result<Option<Keys>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT key_id, key_secret FROM payment_gateways WHERE distributor_id = $1",
        d
    )
    .fetch_optional(conn)
    .await?
    .map(|k| Keys {
        key_id: k.key_id,
        key_secret: k.key_secret,
    }))
}

/// Whether distributor `d` takes payments online.
pub async fn connected(conn: &mut PgConnection, d: i64) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM payment_gateways WHERE distributor_id = $1) AS "on!""#,
        d
    )
    .fetch_one(conn)
    .await?)
}

/// A payment link for what invoice `invoice` still owes (None: everything the
/// shop owes), for the account of the caller with `other`. The same link while
/// it is payable and the amount has not changed; else a new one (the old one is
/// cancelled at Razorpay).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn link(ctx: &Ctx, other: i64, invoice: Option<i64>) -> Result<PayLink, AppError> {
    let pair = service::pair_of(ctx, other).await?;
    let mut link = link_for(ctx.state(), pair, invoice, Some(ctx.user().user_id)).await?;
    link.qr_svg = crate::pdf::canvas::qr_svg(
        &link.url,
        &format!("QR code to pay {} online", Paise(link.amount_paise)),
    )
    .map_err(crate::error::internal)?;
    Ok(link)
}

/// `link` for an account already authorised (also the reminders' link).
pub async fn link_for(
    state: &AppState,
    pair: Pair,
    invoice: Option<i64>,
    by: Option<i64>,
) -> Result<PayLink, AppError> {
    let mut tx = state.db.begin().await?;
    let keys = keys(&mut tx, pair.0).await?.ok_or_else(|| {
        AppError::Conflict(
            "This distributor does not take online payments yet: pay by UPI to the id on the invoice."
                .into(),
        )
    })?;
    // One link at a time per account: the lock is held across Razorpay's answer.
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('paylink:' || $1::bigint || ':' || $2::bigint, 0))",
        pair.0,
        pair.1
    )
    .execute(&mut *tx)
    .await?;
    let now = service::state(&mut tx, pair).await?;
    let (amount, number) = match invoice {
        Some(id) => {
            let item = now
                .open
                .iter()
                .find(|o| o.invoice_id == id)
                .ok_or_else(|| {
                    AppError::Conflict("Nothing is due on this invoice any more.".into())
                })?;
            (item.due_paise, Some(item.number.clone()))
        }
        None => (now.balance, None),
    };
    if amount <= 0 {
        return Err(AppError::Conflict("Nothing is due.".into()));
    }
    let reusable = sqlx::query!(
        r#"SELECT id, gateway_id, short_url, amount_paise, status, ist_short(expires_at) AS "expires!"
             FROM payment_links
            WHERE distributor_id = $1 AND retailer_id = $2 AND invoice_id IS NOT DISTINCT FROM $3
              AND status IN ('created', 'partially_paid') AND expires_at > now() + interval '1 hour'
            ORDER BY id DESC"#,
        pair.0,
        pair.1,
        invoice
    )
    .fetch_all(&mut *tx)
    .await?;
    // A link partly paid at Razorpay asks for the rest of its own amount, which is
    // no longer what is due here: only an untouched link of the same amount is reused.
    if let Some(l) = reusable
        .iter()
        .find(|l| l.amount_paise == amount && l.status == "created")
    {
        let link = PayLink {
            url: l.short_url.clone(),
            amount_paise: amount,
            expires: l.expires.clone(),
            invoice: number,
            qr_svg: String::new(),
        };
        tx.commit().await?;
        return Ok(link);
    }
    // Out of date: cancelled at Razorpay, so nobody pays the old amount.
    for old in &reusable {
        match state.razorpay.cancel_link(&keys, &old.gateway_id).await {
            Ok(()) | Err(GatewayError::Rejected(_)) => {
                sqlx::query!(
                    "UPDATE payment_links SET status = 'cancelled' WHERE id = $1 AND status IN ('created', 'partially_paid')",
                    old.id
                )
                .execute(&mut *tx)
                .await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let names = sqlx::query!(
        r#"SELECT d.trade_name AS distributor, r.trade_name AS retailer,
                  (SELECT u.phone FROM users u WHERE u.org_id = r.id AND u.role = 'owner' AND u.active LIMIT 1) AS phone,
                  (now() + make_interval(days => $3))::timestamptz AS "expires!",
                  ist_short(now() + make_interval(days => $3)) AS "expires_text!",
                  nextval(pg_get_serial_sequence('payment_links', 'id')) AS "next_id!"
             FROM organisations d, organisations r WHERE d.id = $1 AND r.id = $2"#,
        pair.0,
        pair.1,
        state.razorpay.link_days as i32
    )
    .fetch_one(&mut *tx)
    .await?;
    let description = match &number {
        Some(n) => format!("Invoice {n} from {}", names.distributor),
        None => format!("Dues to {}", names.distributor),
    };
    let made = state
        .razorpay
        .create_link(
            &keys,
            &NewLink {
                amount_paise: amount,
                reference_id: format!("am-{}", names.next_id),
                description: description.chars().take(200).collect(),
                customer_name: names.retailer.chars().take(60).collect(),
                customer_contact: names.phone.map(|p| format!("+{p}")),
                expire_by: names.expires.timestamp(),
                callback_url: None,
                notes: serde_json::json!({
                    "distributor_id": pair.0,
                    "retailer_id": pair.1,
                    "invoice": number,
                }),
            },
        )
        .await?;
    if made.amount != amount || !made.short_url.starts_with("http") {
        return Err(
            GatewayError::Answer(format!("link {} for {} paise", made.id, made.amount)).into(),
        );
    }
    sqlx::query!(
        "INSERT INTO payment_links (id, distributor_id, retailer_id, invoice_id, amount_paise, gateway_id, short_url,
                                    expires_at, created_by)
         OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        names.next_id,
        pair.0,
        pair.1,
        invoice,
        amount,
        made.id,
        made.short_url,
        names.expires,
        by
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(PayLink {
        url: made.short_url,
        amount_paise: amount,
        expires: names.expires_text,
        invoice: number,
        qr_svg: String::new(),
    })
}

/// `GET /khata/{distributor}/{retailer}/pay?invoice=ID`: the shop's "Pay
/// online" button, a plain link that works before the page's code loads: makes
/// (or reuses) the payment link and sends the browser to Razorpay's page.
pub async fn pay_redirect(
    State(state): State<AppState>,
    Path((d, r)): Path<(i64, i64)>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Retailer]).await?;
        if ctx.user().org_id != r {
            return Err(not_found("Account"));
        }
        let invoice = match q.get("invoice").map(|s| s.trim()) {
            None | Some("") => None,
            Some(v) => Some(
                v.parse::<i64>()
                    .map_err(|_| AppError::field("invoice", "Not an invoice"))?,
            ),
        };
        let pair = service::pair_of(&ctx, d).await?;
        let link = link_for(ctx.state(), pair, invoice, Some(ctx.user().user_id)).await?;
        // Razorpay's checkout page, an address Razorpay gave (never the request's).
        let mut res = Redirect::to(&link.url).into_response();
        res.extensions_mut()
            .insert(crate::server::boundary::TrustedRedirect);
        Ok(res)
    };
    result
        .await
        .unwrap_or_else(crate::server::http::error_response)
}

/// What one webhook POST did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A payment recorded (its id).
    Recorded(i64),
    /// Seen before (the same event id), or its payment already recorded.
    Repeat,
    /// Verified and stored, nothing to do (another event, a link we do not know).
    Noted,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature missing or wrong")]
    Signature,
    #[error("not a Razorpay webhook body: {0}")]
    Body(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    App(#[from] AppError),
}

/// `POST /webhooks/razorpay/{distributor}`.
pub async fn receive(
    State(state): State<AppState>,
    Path(d): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match handle(
        &state,
        d,
        &body,
        header("x-razorpay-signature"),
        header("x-razorpay-event-id"),
    )
    .await
    {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(WebhookError::Signature) => {
            tracing::warn!(distributor = d, "razorpay webhook refused: bad signature");
            (StatusCode::UNAUTHORIZED, "signature refused").into_response()
        }
        Err(WebhookError::Body(e)) => (StatusCode::BAD_REQUEST, e).into_response(),
        Err(e) => {
            // Razorpay retries on errors, and each event takes effect once.
            tracing::error!(error = %e, "razorpay webhook");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}

/// Verifies, stores and applies one webhook body.
pub async fn handle(
    state: &AppState,
    d: i64,
    body: &[u8],
    signature: Option<&str>,
    event_id: Option<&str>,
) -> Result<Outcome, WebhookError> {
    let secret = sqlx::query_scalar!(
        "SELECT webhook_secret FROM payment_gateways WHERE distributor_id = $1",
        d
    )
    .fetch_optional(&state.db)
    .await?;
    // No gateway: nothing can be verified, so nothing is believed.
    let Some(secret) = secret else {
        return Err(WebhookError::Signature);
    };
    if !super::razorpay::signature_ok(secret.as_bytes(), body, signature) {
        return Err(WebhookError::Signature);
    }
    let event: Event =
        serde_json::from_slice(body).map_err(|e| WebhookError::Body(e.to_string()))?;
    let payment = event.payload.payment.as_ref().map(|p| &p.entity);
    let event_id = event_id
        .map(str::to_string)
        .or_else(|| payment.map(|p| format!("{}:{}", event.event, p.id)))
        .filter(|id| !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| WebhookError::Body("no event id".into()))?;
    let mut tx = state.db.begin().await?;
    let fresh = sqlx::query_scalar!(
        "INSERT INTO gateway_events (event_id, distributor_id, event, outcome) VALUES ($1, $2, $3, 'received')
         ON CONFLICT (event_id) DO NOTHING RETURNING 1",
        event_id,
        d,
        event.event.chars().take(64).collect::<String>()
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    if !fresh {
        tx.commit().await?;
        return Ok(Outcome::Repeat);
    }
    let link = match &event.payload.payment_link {
        Some(l) => sqlx::query!(
            "SELECT id, retailer_id, invoice_id FROM payment_links WHERE gateway_id = $1 AND distributor_id = $2",
            l.entity.id,
            d
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| (row, l.entity.status.clone())),
        None => None,
    };
    let (outcome, note, pair) = match (event.event.as_str(), link, payment) {
        ("payment_link.paid" | "payment_link.partially_paid", Some((l, status)), Some(p))
            if p.status == "captured" && p.currency == "INR" && p.amount > 0 =>
        {
            let pair = (d, l.retailer_id);
            set_link_status(&mut tx, l.id, &status).await?;
            match record(&mut tx, pair, l.id, l.invoice_id, p).await? {
                Some(id) => (
                    Outcome::Recorded(id),
                    format!("recorded payment {id}"),
                    Some(pair),
                ),
                None => (Outcome::Repeat, "payment already recorded".into(), None),
            }
        }
        ("payment_link.cancelled" | "payment_link.expired", Some((l, status)), _) => {
            set_link_status(&mut tx, l.id, &status).await?;
            (Outcome::Noted, format!("link {status}"), None)
        }
        (_, None, _) => (Outcome::Noted, "not a link of ours".into(), None),
        _ => (Outcome::Noted, "nothing to record".into(), None),
    };
    sqlx::query!(
        "UPDATE gateway_events SET outcome = $2, payment_id = $3 WHERE event_id = $1",
        event_id,
        note,
        match outcome {
            Outcome::Recorded(id) => Some(id),
            _ => None,
        }
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(pair) = pair {
        service::announce(state, pair);
    }
    Ok(outcome)
}

async fn set_link_status(
    conn: &mut PgConnection,
    id: i64,
    status: &str,
) -> Result<(), sqlx::Error> {
    if ["created", "partially_paid", "paid", "cancelled", "expired"].contains(&status) {
        sqlx::query!(
            "UPDATE payment_links SET status = $2 WHERE id = $1",
            id,
            status
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Records a captured payment once (by Razorpay's payment id): the link's
/// invoice first, then the oldest dues; more than is due is an advance.
async fn record(
    tx: &mut PgConnection,
    pair: Pair,
    link: i64,
    invoice: Option<i64>,
    p: &super::razorpay::PaymentEntity,
) -> Result<Option<i64>, AppError> {
    service::lock(tx, pair).await?;
    let seen = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM payments WHERE gateway_event = $1) AS "seen!""#,
        p.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if seen {
        return Ok(None);
    }
    let open = service::state(tx, pair).await?.open_invoices();
    let (allocations, _advance) = match invoice {
        Some(first) => ledger::allocate_first(&open, p.amount, first),
        None => ledger::allocate_oldest_first(&open, p.amount),
    };
    let received = chrono::DateTime::from_timestamp(p.created_at, 0)
        .map(|t| (t + chrono::Duration::minutes(330)).date_naive())
        .ok_or_else(|| AppError::field("created_at", "not a time"))?;
    let rrn = p
        .acquirer_data
        .as_ref()
        .and_then(|a| a.rrn.clone().or_else(|| a.upi_transaction_id.clone()))
        .filter(|r| r.len() <= 40 && r.chars().all(|c| c.is_ascii_alphanumeric()));
    let note = format!(
        "Razorpay {}{}",
        p.method.as_deref().unwrap_or("payment").to_uppercase(),
        rrn.as_ref()
            .map(|r| format!(", RRN {r}"))
            .unwrap_or_default()
    );
    let reference: String = p.id.chars().take(40).collect();
    let id = sqlx::query_scalar!(
        "INSERT INTO payments (distributor_id, retailer_id, kind, amount_paise, received_on, method, reference, note,
                               gateway_event, link_id)
         VALUES ($1, $2, 'payment', $3, $4, 'gateway', $5, $6, $7, $8) RETURNING id",
        pair.0,
        pair.1,
        p.amount,
        received,
        reference,
        note,
        p.id,
        link
    )
    .fetch_one(&mut *tx)
    .await?;
    service::insert_allocations(tx, id, &allocations).await?;
    let shown = format!("Online ({})", note.trim_start_matches("Razorpay "));
    service::queue_receipt(tx, id, pair, &shown).await?;
    tracing::info!(payment = id, amount = %Paise(p.amount), "gateway payment recorded");
    Ok(Some(id))
}
