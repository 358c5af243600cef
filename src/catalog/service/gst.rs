//! The GST schedule as a SKU's maker sees it: the entries in force today for an
//! HSN code, sorted by `domain::gst_schedule::options` into the default and the
//! alternatives the maker may (or must) choose from.

use crate::catalog::{GstRateRow, RATE_CSV_HEADER, RateImport, RowError};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::parse_hsn;
use crate::domain::gst_schedule::{RateChange, RateChangeInput, RateEntry, RateOptions, options};
use crate::error::AppError;
use crate::server::Ctx;
use crate::server::audit::{self, Entry, Subject};
use crate::server::guard::internal;
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

/// The schedule's rows for codes beginning with `prefix` (or naming a code it
/// begins with), newest first: what the admin's page lists.
pub async fn rows(ctx: &Ctx, prefix: &str) -> Result<Vec<GstRateRow>, AppError> {
    let prefix: String = prefix.chars().filter(|c| !c.is_whitespace()).collect();
    if prefix.len() > 8 || !(prefix == "*" || prefix.bytes().all(|b| b.is_ascii_digit())) {
        return Err(AppError::field(
            "hsn",
            "Search by the first digits of a code, or *",
        ));
    }
    if prefix.len() < 2 {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as!(
        GstRateRow,
        r#"SELECT g.id, g.hsn, g.valid_from::text AS "valid_from!", g.rate_bp, g.min_unit_paise, g.max_unit_paise,
                  g.condition, g.general, g.description, g.source, u.name AS "added_by?",
                  g.valid_from <= ist_today() AS "in_force!"
             FROM gst_rates g LEFT JOIN users u ON u.id = g.added_by
            WHERE g.hsn LIKE $1 || '%' OR $1 LIKE g.hsn || '%'
            ORDER BY g.hsn, g.condition, g.valid_from DESC
            LIMIT 500"#,
        prefix
    )
    .fetch_all(ctx.db())
    .await?)
}

/// Adds one rate change; it applies to invoices dated on or after its date.
pub async fn add(ctx: &Ctx, input: RateChangeInput) -> Result<GstRateRow, AppError> {
    let change = input.validate().map_err(super::skus::field_errors)?;
    let mut tx = ctx.db().begin().await?;
    let id = insert(&mut tx, ctx, &change).await.map_err(|e| match e {
        AddError::Duplicate => AppError::field(
            "source",
            "This source already gives this code a rate from that date",
        ),
        AddError::App(e) => e,
    })?;
    tx.commit().await?;
    rows(ctx, &change.hsn)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| internal("the new rate is not in the list"))
}

/// Most rows one notification's CSV may hold.
pub const MAX_RATE_ROWS: usize = 5_000;

/// Adds every row of a notification's CSV (`hsn,condition,valid_from,rate,min_value,
/// max_value,description,source`), or none, naming each bad row by its line.
pub async fn import(ctx: &Ctx, text: &str) -> Result<RateImport, AppError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_lowercase).collect())
        .unwrap_or_default();
    if header != RATE_CSV_HEADER {
        return Ok(RateImport::refused(vec![RowError {
            line: 1,
            field: "header".into(),
            reason: format!(
                "The first line must be exactly: {}",
                RATE_CSV_HEADER.join(",")
            ),
        }]));
    }
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if changes.len() + errors.len() >= MAX_RATE_ROWS {
            errors.push(RowError {
                line,
                field: "file".into(),
                reason: format!("At most {MAX_RATE_ROWS} rows in one file"),
            });
            break;
        }
        let Ok(record) = record else {
            errors.push(RowError {
                line,
                field: "row".into(),
                reason: "This line is not valid CSV".into(),
            });
            continue;
        };
        let get = |k: usize| record.get(k).unwrap_or_default().to_string();
        let input = RateChangeInput {
            hsn: get(0),
            condition: get(1),
            valid_from: get(2),
            rate: get(3),
            min_value: get(4),
            max_value: get(5),
            description: get(6),
            source: get(7),
        };
        match input.validate() {
            Ok(c) => changes.push((line, c)),
            Err(list) => errors.extend(list.into_iter().map(|(f, r)| RowError {
                line,
                field: f.into(),
                reason: r,
            })),
        }
    }
    if changes.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 2,
            field: "file".into(),
            reason: "The file has no rate rows below the header".into(),
        });
    }
    if !errors.is_empty() {
        return Ok(RateImport::refused(errors));
    }
    let mut tx = ctx.db().begin().await?;
    for (line, change) in &changes {
        match insert(&mut tx, ctx, change).await {
            Ok(_) => {}
            Err(AddError::Duplicate) => errors.push(RowError {
                line: *line,
                field: "source".into(),
                reason: format!(
                    "{} already gives {} a rate from that date",
                    change.source, change.hsn
                ),
            }),
            Err(AddError::App(e)) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Ok(RateImport::refused(errors));
    }
    tx.commit().await?;
    Ok(RateImport {
        added: changes.len(),
        errors,
    })
}

enum AddError {
    Duplicate,
    App(AppError),
}

/// Inserts one change and its audit entry in `tx`; a repeat of (source, code,
/// date) is `Duplicate` (the transaction stays usable: a savepoint takes the hit).
async fn insert(tx: &mut sqlx::PgConnection, ctx: &Ctx, c: &RateChange) -> Result<i64, AddError> {
    let (y, m, d) = c.valid_from;
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AddError::App(AppError::field("valid_from", "Not a date")))?;
    let mut sp = sqlx::Connection::begin(&mut *tx)
        .await
        .map_err(|e| AddError::App(e.into()))?;
    let id = sqlx::query_scalar!(
        "INSERT INTO gst_rates (hsn, valid_from, rate_bp, min_unit_paise, max_unit_paise, condition, general,
                                description, source, added_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (source, hsn, valid_from) DO NOTHING
         RETURNING id",
        c.hsn,
        date,
        c.rate_bp,
        c.min_unit_paise,
        c.max_unit_paise,
        c.condition,
        c.general,
        c.description,
        c.source,
        ctx.user().user_id
    )
    .fetch_optional(&mut *sp)
    .await
    .map_err(|e| AddError::App(e.into()))?
    .ok_or(AddError::Duplicate)?;
    super::proposals::close_covered(&mut sp, ctx, &c.hsn, &c.source)
        .await
        .map_err(|e| AddError::App(e.into()))?;
    // What applied to the code and condition the day before, for the log.
    let before = sqlx::query_scalar!(
        "SELECT rate_bp FROM gst_rates
          WHERE hsn = $1 AND condition = $2 AND valid_from < $3 AND id <> $4
          ORDER BY valid_from DESC LIMIT 1",
        c.hsn,
        c.condition,
        date,
        id
    )
    .fetch_optional(&mut *sp)
    .await
    .map_err(|e| AddError::App(e.into()))?;
    audit::record(
        &mut sp,
        ctx,
        Entry {
            action: AuditAction::GstRateChange,
            subject: Subject {
                table: "gst_rates",
                id: Some(id),
                label: format!("HSN {} {}", c.hsn, c.condition).trim().to_string(),
            },
            before: before
                .map(|bp| serde_json::json!({ "rate": crate::domain::gst::rate_label(bp) })),
            after: Some(serde_json::json!({
                "rate": crate::domain::gst::rate_label(c.rate_bp),
                "from": date.to_string(),
                "source": c.source,
            })),
            note: c.description.clone(),
        },
    )
    .await
    .map_err(AddError::App)?;
    sp.commit().await.map_err(|e| AddError::App(e.into()))?;
    Ok(id)
}
