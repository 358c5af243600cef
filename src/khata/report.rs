//! The distributor's receivables as report tables of the reports framework
//! (`/reports/receivables/{section}/{format}`, CSV, XLSX or PDF): what each shop
//! owes today by age, and the money collected in the chosen period (payments,
//! and reversals as negative rows). The Accounts page shows the same figures.

use crate::domain::ledger::Bucket;
use crate::domain::period::Period;
use crate::error::AppError;
use crate::reports::service::{Resolved, civil, naive, resolve};
use crate::reports::table::{Cell, Kind, ReportTable};
use crate::reports::{PeriodQuery, Report, Section};
use crate::server::Ctx;

pub struct ReceivablesReport {
    period: Period,
    query: PeriodQuery,
    downloads_blocked: Option<String>,
    receivables: ReportTable,
    collections: ReportTable,
}

impl Report for ReceivablesReport {
    const NAME: &'static str = "receivables";
    const TITLE: &'static str = "Receivables";
    fn period(&self) -> Period {
        self.period
    }
    fn query(&self) -> &PeriodQuery {
        &self.query
    }
    fn downloads_blocked(&self) -> Option<String> {
        self.downloads_blocked.clone()
    }
    fn section(self, s: Section) -> Option<ReportTable> {
        match s {
            Section::Receivables => Some(self.receivables),
            Section::Collections => Some(self.collections),
            _ => None,
        }
    }
}

/// The distributor's receivables today and its collections in the period.
pub async fn receivables(
    ctx: &Ctx,
    q: &PeriodQuery,
    remember: bool,
) -> Result<ReceivablesReport, AppError> {
    let Resolved {
        period,
        query,
        downloads_blocked,
        ..
    } = resolve(ctx, q, remember).await?;
    let r = super::service::receivables(ctx).await?;
    let mut columns: Vec<(&str, Kind)> = vec![
        ("Shop", Kind::Text),
        ("City", Kind::Text),
        ("Balance", Kind::Money),
    ];
    columns.extend(Bucket::ALL.iter().map(|b| (b.label(), Kind::Money)));
    columns.extend([("Last payment", Kind::Text), ("Credit limit", Kind::Money)]);
    let mut receivables = ReportTable::new("What shops owe today", &columns);
    receivables.rows = r
        .accounts
        .iter()
        .filter(|a| a.balance_paise != 0)
        .map(|a| {
            let mut row = vec![
                Cell::Text(a.other_name.clone()),
                Cell::Text(a.city.clone()),
                Cell::Money(a.balance_paise),
            ];
            row.extend(a.ageing.iter().map(|p| Cell::Money(*p)));
            row.push(Cell::Text(a.last_payment.clone().unwrap_or_default()));
            row.push(Cell::Money(a.credit_limit_paise.unwrap_or(0)));
            row
        })
        .collect();
    let mut receivables = receivables.with_totals();
    // A sum of credit limits means nothing.
    if let Some(t) = receivables.totals.as_mut()
        && let Some(last) = t.last_mut()
    {
        *last = Cell::Text(String::new());
    }
    let collected = sqlx::query!(
        r#"SELECT p.received_on AS "on!", r.trade_name AS shop, p.kind, p.method, p.reference, p.note,
                  p.amount_paise
             FROM payments p JOIN organisations r ON r.id = p.retailer_id
            WHERE p.distributor_id = $1 AND p.received_on BETWEEN $2 AND $3
            ORDER BY p.received_on, p.id"#,
        ctx.user().org_id,
        naive(period.from),
        naive(period.to)
    )
    .fetch_all(ctx.db())
    .await?;
    let mut collections = ReportTable::new(
        "Money collected",
        &[
            ("Date", Kind::Date),
            ("Shop", Kind::Text),
            ("How", Kind::Text),
            ("Reference", Kind::Text),
            ("Amount", Kind::Money),
        ],
    );
    collections.rows = collected
        .into_iter()
        .map(|p| {
            let how =
                super::Method::parse(&p.method).map_or(p.method.clone(), |m| m.label().into());
            let reversal = p.kind == "reversal";
            vec![
                match civil(p.on) {
                    Some(d) => Cell::Date(d),
                    None => Cell::Text(p.on.to_string()),
                },
                Cell::Text(p.shop),
                Cell::Text(if reversal {
                    format!("Reversed: {}", p.note)
                } else {
                    how
                }),
                Cell::Text(p.reference),
                Cell::Money(if reversal {
                    -p.amount_paise
                } else {
                    p.amount_paise
                }),
            ]
        })
        .collect();
    Ok(ReceivablesReport {
        period,
        query,
        downloads_blocked,
        receivables,
        collections: collections.with_totals(),
    })
}
