//! A payment's receipt as a PDF: who paid whom, how much, when and how, and
//! the invoices it settled (what it did not is an advance). Made when it is
//! sent or downloaded, from the payment's rows, which never change.

use super::Method;
use crate::domain::Paise;
use crate::domain::period::Day;
use crate::error::AppError;
use crate::reports::table::{Cell, Kind, ReportTable};
use crate::server::guard::{internal, not_found};
use sqlx::PgPool;

/// The receipt of payment `id` as (file name, PDF bytes); `party` limits it to
/// the payment's distributor or shop (None: the sender, which has no caller).
pub async fn render(
    db: &PgPool,
    id: i64,
    party: Option<i64>,
) -> Result<(String, Vec<u8>), AppError> {
    let p = sqlx::query!(
        r#"SELECT p.amount_paise, p.received_on::text AS "received_on!", p.method, p.reference, p.note,
                  d.trade_name AS distributor, d.gstin, r.trade_name AS retailer,
                  (SELECT v.received_on::text || ': ' || v.note FROM payments v WHERE v.reverses = p.id) AS reversed
             FROM payments p
             JOIN organisations d ON d.id = p.distributor_id
             JOIN organisations r ON r.id = p.retailer_id
            WHERE p.id = $1 AND p.kind = 'payment'
              AND ($2::bigint IS NULL OR $2 IN (p.distributor_id, p.retailer_id))"#,
        id,
        party
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| not_found("Receipt"))?;
    let applied = sqlx::query!(
        r#"SELECT i.number, i.issued_on::text AS "issued_on!", a.paise
             FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
            WHERE a.payment_id = $1 ORDER BY i.issued_on, i.id"#,
        id
    )
    .fetch_all(db)
    .await?;
    let method = Method::parse(&p.method).ok_or_else(|| internal("payment method"))?;
    let mut table = ReportTable::new(
        "Applied to invoices",
        &[
            ("Invoice", Kind::Text),
            ("Dated", Kind::Date),
            ("Amount", Kind::Money),
        ],
    );
    let day = |t: &str| Day::parse(t).map_or_else(|_| Cell::Text(t.to_string()), Cell::Date);
    let mut total = 0;
    for a in &applied {
        total += a.paise;
        table.rows.push(vec![
            Cell::Text(a.number.clone()),
            day(&a.issued_on),
            Cell::Money(a.paise),
        ]);
    }
    table.totals = Some(vec![
        Cell::Text("Applied".into()),
        Cell::Text(String::new()),
        Cell::Money(total),
    ]);
    let heading = format!("Payment receipt R-{id} · {}", p.distributor);
    let mut about = vec![
        format!(
            "Received from {}: {} on {}",
            p.retailer,
            Paise(p.amount_paise),
            p.received_on
        ),
        if p.reference.is_empty() {
            format!("By {}", method.label())
        } else {
            format!("By {}, reference {}", method.label(), p.reference)
        },
    ];
    if let Some(gstin) = p.gstin {
        about.push(format!("{}, GSTIN {gstin}", p.distributor));
    }
    if p.amount_paise > total {
        about.push(format!(
            "Kept as an advance: {}",
            Paise(p.amount_paise - total)
        ));
    }
    if !p.note.is_empty() {
        about.push(format!("Note: {}", p.note));
    }
    if let Some(reversed) = p.reversed {
        about.push(format!("This payment was reversed on {reversed}"));
    }
    let bytes = tokio::task::spawn_blocking(move || {
        crate::reports::pdf::layout(&[&table], &heading, &about).and_then(|c| c.finish())
    })
    .await
    .map_err(crate::error::internal)?
    .map_err(crate::error::internal)?;
    Ok((format!("receipt-R-{id}.pdf"), bytes))
}
