//! The prologue the order and invoice lists share: the date range and search text
//! a filter carries, and which side of the trade the caller is on.

use super::Ctx;
use crate::domain::OrgKind;
use crate::error::AppError;

/// A list filter checked at the boundary.
pub struct ListScope {
    /// YYYY-MM-DD, both ends included; None when not given.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Lower-cased search text ("" for none).
    pub q: String,
    retailer: bool,
}

impl ListScope {
    pub fn new(ctx: &Ctx, from: &str, to: &str, q: &str) -> Result<ListScope, AppError> {
        Ok(ListScope {
            from: parse_day(from, "from")?,
            to: parse_day(to, "to")?,
            q: q.trim().to_lowercase(),
            retailer: ctx.user().org_kind == OrgKind::Retailer,
        })
    }

    /// The caller is the retailer side of the trade (else the distributor's).
    pub fn retailer(&self) -> bool {
        self.retailer
    }
}

/// Runs one of two static queries, for the caller's side of the trade, so each
/// reads its own indexed column: `$query!([$table.retailer_id], "d.trade_name", …)`
/// for a retailer (`d`: the distributor's row, whose name the search looks at),
/// `$query!([$table.distributor_id], "r.trade_name", …)` otherwise; then `.$then`.
macro_rules! by_side {
    ($retailer:expr, $query:ident!($table:tt $(, $arg:expr)* $(,)?) . $($then:tt)+) => {
        if $retailer {
            $query!([$table + ".retailer_id"], "d.trade_name" $(, $arg)*).$($then)+
        } else {
            $query!([$table + ".distributor_id"], "r.trade_name" $(, $arg)*).$($then)+
        }
    };
}
pub(crate) use by_side;

/// A list query's error: a date PostgreSQL refuses (2026-02-30) is the user's.
pub fn list_error(e: sqlx::Error) -> AppError {
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("22008") => {
            AppError::field("from", "That date does not exist")
        }
        _ => crate::error::internal(e),
    }
}

/// A YYYY-MM-DD filter value, or None when empty.
pub fn parse_day(text: &str, field: &str) -> Result<Option<String>, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let ok = t.len() == 10
        && t.as_bytes()[4] == b'-'
        && t.as_bytes()[7] == b'-'
        && t.bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if ok {
        Ok(Some(t.to_string()))
    } else {
        Err(AppError::field(field, "Use a date like 2026-11-25"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked() {
        assert_eq!(parse_day(" ", "from"), Ok(None));
        assert_eq!(
            parse_day("2026-11-25", "from"),
            Ok(Some("2026-11-25".into()))
        );
        for bad in ["2026-1-25", "25-11-2026", "2026/11/25", "2026-11-2x"] {
            assert!(parse_day(bad, "to").is_err(), "{bad}");
        }
    }
}
