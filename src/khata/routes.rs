//! The statement of a shop's account as a file (PDF, Excel or CSV), for the
//! distributor or the shop: a plain GET a browser saves, authorised like the
//! account's server function (signed in, a party of the account, the two have
//! traded; any other pair is a 404 like a missing one).

use super::Account;
use crate::domain::OrgKind;
use crate::domain::ledger::EntryKind;
use crate::domain::period::Day;
use crate::reports::table::{Cell, Kind, ReportTable};
use crate::server::guard::not_found;
use crate::server::http::error_response;
use crate::server::{AppState, Ctx};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::request::Parts;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct Period {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// `/khata/{distributor}/{retailer}/statement/{format}?from=&to=`
pub async fn statement_download(
    State(state): State<AppState>,
    Path((distributor, retailer, format)): Path<(i64, i64, String)>,
    Query(q): Query<Period>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &OrgKind::PARTIES).await?;
        let me = ctx.user().org_id;
        let other = match ctx.user().org_kind {
            OrgKind::Distributor if distributor == me => retailer,
            OrgKind::Retailer if retailer == me => distributor,
            _ => return Err(not_found("Account")),
        };
        let a = super::service::account(&ctx, other, &q.from, &q.to).await?;
        let name = format!("statement-{}-{}-{}", slug(&a), a.from, a.to);
        let heading = format!(
            "Statement of account · {} with {}",
            a.retailer, a.distributor
        );
        let about = vec![
            format!("From {} to {}", a.from, a.to),
            format!("For {}", ctx.user().org_name),
        ];
        crate::reports::routes::table_file(&format, &name, &heading, about, statement_table(&a))
            .await
    };
    result.await.unwrap_or_else(error_response)
}

/// `/khata/receipts/{id}/pdf`: a payment's receipt, for its distributor or shop.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &OrgKind::PARTIES).await?;
        let (name, bytes) = super::receipt::render(ctx.db(), id, Some(ctx.user().org_id)).await?;
        let mut res = crate::server::http::attachment("application/pdf", name, bytes, None);
        res.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
        Ok(res)
    };
    result.await.unwrap_or_else(error_response)
}

fn slug(a: &Account) -> String {
    a.retailer
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn day(text: &str) -> Cell {
    Day::parse(text).map_or_else(|_| Cell::Text(text.to_string()), Cell::Date)
}

/// The statement as one table: the opening balance, each entry with the
/// balance after it, and the closing balance with the period's debits and
/// credits as its totals.
pub fn statement_table(a: &Account) -> ReportTable {
    let mut t = ReportTable::new(
        "Statement",
        &[
            ("Date", Kind::Date),
            ("Entry", Kind::Text),
            ("Debit", Kind::Money),
            ("Credit", Kind::Money),
            ("Balance", Kind::Money),
        ],
    );
    let blank = || Cell::Text(String::new());
    t.rows.push(vec![
        day(&a.from),
        Cell::Text("Opening balance".into()),
        blank(),
        blank(),
        Cell::Money(a.opening_paise),
    ]);
    for l in &a.lines {
        let entry = match l.kind {
            EntryKind::Invoice => format!("Invoice {}", l.document),
            EntryKind::CreditNote => format!("Credit note {}", l.document),
            EntryKind::Payment => format!("Payment, {}", l.document),
            EntryKind::Reversal => format!("Payment reversed: {}", l.note),
        };
        let money = |p: i64| if p > 0 { Cell::Money(p) } else { blank() };
        t.rows.push(vec![
            day(&l.date),
            Cell::Text(entry),
            money(l.debit_paise),
            money(l.credit_paise),
            Cell::Money(l.balance_paise),
        ]);
    }
    t.totals = Some(vec![
        day(&a.to),
        Cell::Text("Closing balance".into()),
        Cell::Money(a.lines.iter().map(|l| l.debit_paise).sum()),
        Cell::Money(a.lines.iter().map(|l| l.credit_paise).sum()),
        Cell::Money(a.closing_paise),
    ]);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::khata::{LedgerLine, Terms};

    #[test]
    fn the_statement_runs_from_the_opening_to_the_closing_balance() {
        let line = |kind, debit, credit, balance| LedgerLine {
            date: "2026-11-03".into(),
            kind,
            id: 1,
            document: "SGT/2627/1".into(),
            note: String::new(),
            debit_paise: debit,
            credit_paise: credit,
            balance_paise: balance,
        };
        let a = Account {
            distributor_id: 1,
            distributor: "Shree Ganesh Traders".into(),
            retailer_id: 2,
            retailer: "Om Sai Kirana".into(),
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            opening_paise: 500,
            lines: vec![
                line(EntryKind::Invoice, 10_000, 0, 10_500),
                line(EntryKind::Payment, 0, 4_000, 6_500),
            ],
            closing_paise: 6_500,
            balance_paise: 6_500,
            open: vec![],
            ageing: [0; 5],
            advance_paise: 0,
            terms: Terms {
                due_days: 15,
                default_days: true,
                credit_limit_paise: None,
            },
            online: false,
            payments: vec![],
        };
        let t = statement_table(&a);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0][4], Cell::Money(500));
        assert_eq!(t.rows[2][3], Cell::Money(4_000));
        assert_eq!(t.rows[2][2], Cell::Text(String::new()));
        let totals = t.totals.expect("totals");
        assert_eq!(totals[2], Cell::Money(10_000));
        assert_eq!(totals[3], Cell::Money(4_000));
        assert_eq!(totals[4], Cell::Money(6_500));
        assert_eq!(slug(&a), "om-sai-kirana");
    }
}
