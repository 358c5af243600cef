//! The GST schedule as a SKU's maker sees it: the entries in force today for an
//! HSN code, sorted by `domain::gst_schedule::options` into the default and the
//! alternatives the maker may (or must) choose from.

use crate::domain::catalog::parse_hsn;
use crate::domain::gst_schedule::{RateEntry, RateOptions, options};
use crate::error::AppError;
use sqlx::PgExecutor;

/// Every entry in force today: the latest row of each (code, condition, slab).
pub async fn entries_in_force<'e>(
    db: impl PgExecutor<'e>,
    hsn: Option<&str>,
) -> Result<Vec<RateEntry>, AppError> {
    Ok(sqlx::query_as!(
        RateEntry,
        r#"SELECT DISTINCT ON (hsn, condition, min_unit_paise, max_unit_paise)
                  id, hsn, rate_bp, min_unit_paise, max_unit_paise, condition, general, description, source
             FROM gst_rates
            WHERE valid_from <= ist_today()
              AND ($1::text IS NULL OR hsn IN (left($1, 2), left($1, 4), left($1, 6), left($1, 8), '*'))
            ORDER BY hsn, condition, min_unit_paise, max_unit_paise, valid_from DESC"#,
        hsn
    )
    .fetch_all(db)
    .await?)
}

/// What the schedule says about `hsn` today.
pub async fn options_for<'e>(db: impl PgExecutor<'e>, hsn: &str) -> Result<RateOptions, AppError> {
    let hsn = parse_hsn(hsn).map_err(|e| AppError::field("hsn", e.to_string()))?;
    Ok(options(entries_in_force(db, Some(&hsn)).await?))
}

/// The entries of `all` that apply to `hsn` (prefix codes and "*").
pub fn applying(all: &[RateEntry], hsn: &str) -> Vec<RateEntry> {
    all.iter()
        .filter(|e| e.hsn == "*" || hsn.starts_with(e.hsn.as_str()))
        .cloned()
        .collect()
}

/// Why a SKU of `hsn` cannot be saved without choosing an entry, if it cannot.
pub fn choice_needed(hsn: &str, o: &RateOptions) -> Option<String> {
    if o.residual_only {
        return Some(format!(
            "HSN {hsn} is not named in the GST rate schedule: check the code. If it is right, the residual rate applies: choose it below and say why."
        ));
    }
    o.must_choose.then(|| {
        format!(
            "The GST rate of HSN {hsn} depends on what the goods are: choose the entry of the schedule that describes them."
        )
    })
}
