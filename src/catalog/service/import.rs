//! Importing SKUs from CSV: in one request (small files and scripts) or in
//! parts staged side by side and written all-or-nothing by the finish, so a file
//! of 100,000 rows survives a bad connection.

use super::csv::{MAX_REPORTED_ERRORS, check_csv, check_csv_part, row_error, too_many_rows};
use super::gst;
use super::skus::approved_categories;
use crate::catalog::{CSV_MAX_ROWS, ImportReport, PartReport, RowError};
use crate::domain::catalog::{ValidSku, search_text};
use crate::domain::gst_schedule::options;
use crate::error::{AppError, OrInternal};
use crate::server::Ctx;
use crate::server::guard::not_found;
use std::cell::RefCell;
use std::collections::HashMap;

/// Why a CSV row's HSN cannot be imported (its rate depends on a choice the
/// file cannot carry, or no entry names it), from the schedule in force today,
/// read once per file and sorted once per distinct code.
async fn hsn_rules(ctx: &Ctx) -> Result<impl Fn(&str) -> Option<String>, AppError> {
    let entries = gst::entries_in_force(ctx.db(), None).await?;
    let seen: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
    Ok(move |hsn: &str| {
        if let Some(known) = seen.borrow().get(hsn) {
            return known.clone();
        }
        let problem = gst::choice_needed(hsn, &options(gst::applying(&entries, hsn))).map(|why| {
            format!("{why} Add this product in the form, where the entries are listed.")
        });
        seen.borrow_mut().insert(hsn.to_string(), problem.clone());
        problem
    })
}

fn report_errors(errors: Vec<RowError>) -> ImportReport {
    ImportReport {
        imported: 0,
        updated: 0,
        errors,
    }
}

/// Good rows as column arrays, for one UNNEST.
struct Columns<'a> {
    lines: Vec<i32>,
    codes: Vec<&'a str>,
    names: Vec<&'a str>,
    brands: Vec<&'a str>,
    cats: Vec<i64>,
    hsns: Vec<&'a str>,
    mrps: Vec<i64>,
    units: Vec<&'a str>,
    packs: Vec<i32>,
    search: Vec<String>,
}

fn columns(rows: &[(usize, ValidSku, i64)]) -> Columns<'_> {
    Columns {
        lines: rows
            .iter()
            .map(|(l, _, _)| i32::try_from(*l).unwrap_or(i32::MAX))
            .collect(),
        codes: rows.iter().map(|(_, s, _)| s.code.as_str()).collect(),
        names: rows.iter().map(|(_, s, _)| s.name.as_str()).collect(),
        brands: rows.iter().map(|(_, s, _)| s.brand.as_str()).collect(),
        cats: rows.iter().map(|(_, _, c)| *c).collect(),
        hsns: rows.iter().map(|(_, s, _)| s.hsn.as_str()).collect(),
        mrps: rows.iter().map(|(_, s, _)| s.mrp.0).collect(),
        units: rows.iter().map(|(_, s, _)| s.unit.as_str()).collect(),
        packs: rows.iter().map(|(_, s, _)| s.pack_size).collect(),
        search: rows
            .iter()
            .map(|(_, s, _)| search_text(&s.name, &s.brand, &s.category))
            .collect(),
    }
}

/// Inserts or updates the manufacturer's SKUs ($1) from `$source` (a FROM item
/// `r` giving the SKU columns and the file line), returning the counts of new
/// and updated SKUs.
macro_rules! upsert_query {
    ($source:tt, $($args:tt)*) => {
        sqlx::query!(
            r#"WITH up AS (
                INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
                SELECT $1, r.code, r.name, r.brand, r.category_id, r.hsn, r.mrp_paise, r.unit, r.pack_size, r.search_text
                  FROM "# + $source + r#" ORDER BY r.line
                ON CONFLICT (manufacturer_id, code) DO UPDATE SET name = EXCLUDED.name, brand = EXCLUDED.brand,
                    category_id = EXCLUDED.category_id, hsn = EXCLUDED.hsn, mrp_paise = EXCLUDED.mrp_paise, unit = EXCLUDED.unit,
                    pack_size = EXCLUDED.pack_size, search_text = EXCLUDED.search_text, updated_at = now()
                RETURNING (xmax = 0) AS new
             )
             SELECT count(*) FILTER (WHERE new) AS "new!", count(*) FILTER (WHERE NOT new) AS "old!" FROM up"#,
            $($args)*
        )
    };
}

/// `$query!(…head…, <the Columns arrays of $c>)`: the arrays as parameters, in
/// the order `line, code, name, brand, category_id, hsn, mrp_paise, unit,
/// pack_size, search_text` (the head's SQL unnests them in that order).
macro_rules! with_columns {
    ($c:ident, $($query:ident)::+, [$($head:tt)*]) => {
        $($query)::+!(
            $($head)*
            &$c.lines,
            &$c.codes[..] as &[&str],
            &$c.names[..] as &[&str],
            &$c.brands[..] as &[&str],
            &$c.cats,
            &$c.hsns[..] as &[&str],
            &$c.mrps,
            &$c.units[..] as &[&str],
            &$c.packs,
            &$c.search
        )
    };
}

async fn cap_prices(tx: &mut sqlx::PgConnection, org: i64) -> Result<(), AppError> {
    sqlx::query!("UPDATE listings l SET price_paise = s.mrp_paise, updated_at = now()
           FROM skus s WHERE s.id = l.sku_id AND s.manufacturer_id = $1 AND l.price_paise > s.mrp_paise", org)
    .execute(tx)
    .await?;
    Ok(())
}

fn counts((new, old): (i64, i64)) -> ImportReport {
    ImportReport {
        imported: usize::try_from(new).unwrap_or(0),
        updated: usize::try_from(old).unwrap_or(0),
        errors: Vec::new(),
    }
}

/// The whole file in one request (small files and scripts).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn import_csv(ctx: &Ctx, csv_text: &str) -> Result<ImportReport, AppError> {
    let categories = approved_categories(ctx).await?;
    let known = hsn_rules(ctx).await?;
    let rows = match check_csv(csv_text, &categories, &known) {
        Ok(rows) => rows,
        Err(errors) => return Ok(report_errors(errors)),
    };
    let mut tx = ctx.db().begin().await?;
    let (mut inserted, mut updated) = (0, 0);
    for chunk in rows.chunks(5_000) {
        let c = columns(chunk);
        let up = with_columns!(
            c,
            upsert_query,
            [
                "UNNEST($2::int[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::int[], $11::text[])
                   AS r (line, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)",
                ctx.user().org_id,
            ]
        )
        .fetch_one(&mut *tx)
        .await?;
        inserted += up.new;
        updated += up.old;
    }
    cap_prices(&mut tx, ctx.user().org_id).await?;
    tx.commit().await?;
    Ok(counts((inserted, updated)))
}

/// Parts larger than this are refused (the page sends about 256 KB at a time).
pub const MAX_PART_BYTES: usize = 4 << 20;

/// Starts an import of a file with `rows` records over `lines` lines below
/// the header. Stale imports of the organisation (a day old) are dropped.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn import_begin(ctx: &Ctx, rows: u32, lines: u32) -> Result<i64, AppError> {
    if rows as usize > CSV_MAX_ROWS {
        return Err(AppError::field("file", too_many_rows()));
    }
    if rows == 0 || lines == 0 {
        return Err(AppError::field(
            "file",
            "The file has no product rows below the header",
        ));
    }
    if lines > 10_000_000 {
        return Err(AppError::field("file", "The file is too large to import"));
    }
    sqlx::query!("DELETE FROM sku_imports WHERE manufacturer_id = $1 AND created_at < now() - interval '1 day'", ctx.user().org_id)
    .execute(ctx.db())
    .await?;
    sqlx::query_scalar!("INSERT INTO sku_imports (manufacturer_id, created_by, lines) VALUES ($1, $2, $3) RETURNING id", ctx.user().org_id, ctx.user().user_id, lines as i32)
    .fetch_one(ctx.db())
    .await
    .or_internal()
}

/// An import's progress, as `open_import` reads it.
struct ImportHead {
    state: String,
    lines: i32,
    imported: Option<i32>,
    updated: Option<i32>,
}

/// Reads the caller's import $1 (of organisation $2) with the given row lock.
macro_rules! import_head {
    ($lock:tt, $id:expr, $org:expr) => {
        sqlx::query_as!(
            ImportHead,
            "SELECT state, lines, imported, updated FROM sku_imports WHERE id = $1 AND manufacturer_id = $2 FOR "
                + $lock,
            $id,
            $org
        )
    };
}

/// Locks the caller's open import (shared: parts go in side by side; the
/// finish takes it exclusively). Another organisation's import is "not found".
async fn open_import(
    tx: &mut sqlx::PgConnection,
    ctx: &Ctx,
    id: i64,
    exclusive: bool,
) -> Result<ImportHead, AppError> {
    let org = ctx.user().org_id;
    if exclusive {
        import_head!("UPDATE", id, org).fetch_optional(tx).await?
    } else {
        import_head!("SHARE", id, org).fetch_optional(tx).await?
    }
    .ok_or_else(|| not_found("Import"))
}

/// Checks one part (the header line, then records starting on the file's line
/// `first_line`) and stages its good rows. Sending the same part again
/// replaces it, so a part lost on a bad connection can simply be retried.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn import_part(
    ctx: &Ctx,
    id: i64,
    first_line: u32,
    csv_text: &str,
) -> Result<PartReport, AppError> {
    if csv_text.len() > MAX_PART_BYTES {
        return Err(AppError::field(
            "file",
            "This part of the file is too large",
        ));
    }
    let first_line = first_line.max(2) as usize;
    let categories = approved_categories(ctx).await?;
    let known = hsn_rules(ctx).await?;
    let check = check_csv_part(csv_text, first_line, &categories, &known);
    let header_end = csv_text.find('\n').map_or(csv_text.len(), |i| i + 1);
    let body = &csv_text[header_end..];
    let lines = body.matches('\n').count() + usize::from(!body.is_empty() && !body.ends_with('\n'));
    let mut tx = ctx.db().begin().await?;
    let head = open_import(&mut tx, ctx, id, false).await?;
    let total = head.lines;
    if head.state != "open" {
        return Err(AppError::Conflict(
            "This import is finished already: start again to import the file once more".into(),
        ));
    }
    if first_line + lines > total as usize + 2 {
        return Err(AppError::field(
            "file",
            format!("This part runs past the end of the file ({total} lines)"),
        ));
    }
    let to_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query!("INSERT INTO sku_import_parts (import_id, first_line, lines, records, errors) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (import_id, first_line) DO UPDATE SET lines = EXCLUDED.lines, records = EXCLUDED.records, errors = EXCLUDED.errors", id, to_i32(first_line), to_i32(lines.max(1)), to_i32(check.records), sqlx::types::Json(&check.errors) as _)
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM sku_import_rows WHERE import_id = $1 AND first_line = $2",
        id,
        to_i32(first_line)
    )
    .execute(&mut *tx)
    .await?;
    // Good rows are staged even beside bad ones, so the finish can also name
    // codes repeated across parts.
    if !check.rows.is_empty() {
        let c = columns(&check.rows);
        with_columns!(
            c,
            sqlx::query,
            [
                "INSERT INTO sku_import_rows (import_id, first_line, line, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
                 SELECT $1, $2, r.* FROM UNNEST($3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::int[], $12::text[])
                      AS r (line, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)",
                id,
                to_i32(first_line),
            ]
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(PartReport {
        records: check.records,
        errors: check.errors,
    })
}

/// Ends an import: if every part arrived and all rows are good (codes unique
/// across parts too), all staged rows are written in one transaction;
/// otherwise nothing is, and every problem is reported. Calling it again
/// after success answers the same counts.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn import_finish(ctx: &Ctx, id: i64) -> Result<ImportReport, AppError> {
    let mut tx = ctx.db().begin().await?;
    let head = open_import(&mut tx, ctx, id, true).await?;
    let total = head.lines;
    if head.state == "done" {
        return Ok(counts((
            head.imported.unwrap_or(0).into(),
            head.updated.unwrap_or(0).into(),
        )));
    }
    let found = sqlx::query!(
        r#"SELECT COALESCE(sum(records), 0)::bigint AS "records!",
                  COALESCE(jsonb_agg(e ORDER BY p.first_line, (e->>'line')::int) FILTER (WHERE e IS NOT NULL), '[]')
                      AS "errors!: sqlx::types::Json<Vec<RowError>>"
             FROM sku_import_parts p LEFT JOIN LATERAL jsonb_array_elements(p.errors) e ON true
            WHERE p.import_id = $1"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    let records = found.records;
    let mut errors = found.errors.0;
    if records as usize > CSV_MAX_ROWS {
        return Ok(report_errors(vec![row_error(0, "file", too_many_rows())]));
    }
    if errors.len() < MAX_REPORTED_ERRORS {
        let dups = sqlx::query!(
            r#"SELECT code, line, first_value(line) OVER (PARTITION BY code ORDER BY line) AS "first!"
                 FROM sku_import_rows r
                WHERE import_id = $1 AND code IN (SELECT code FROM sku_import_rows WHERE import_id = $1 GROUP BY code HAVING count(*) > 1)
                ORDER BY line"#,
            id
        )
        .fetch_all(&mut *tx)
        .await?;
        for d in dups.into_iter().filter(|d| d.line != d.first) {
            errors.push(row_error(
                d.line as usize,
                "code",
                format!("Code {} appears again (first on line {})", d.code, d.first),
            ));
        }
        errors.sort_by_key(|e| e.line);
    }
    if !errors.is_empty() {
        errors.truncate(MAX_REPORTED_ERRORS + 1);
        return Ok(report_errors(errors));
    }
    // The parts must tile lines 2 .. total + 1 with no gap and no overlap.
    let missing: Option<i32> = sqlx::query_scalar!("SELECT min(expected) FROM (
            SELECT first_line, lag(first_line + lines, 1, 2) OVER (ORDER BY first_line) AS expected
              FROM sku_import_parts WHERE import_id = $1
            UNION ALL
            SELECT NULL, COALESCE(max(first_line + lines), 2) FROM sku_import_parts WHERE import_id = $1 HAVING COALESCE(max(first_line + lines), 2) <> $2 + 2
         ) t WHERE first_line IS DISTINCT FROM expected", id, total)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(line) = missing {
        return Err(AppError::Conflict(format!(
            "Part of the file did not arrive (from line {line}): nothing was imported, please upload the file again"
        )));
    }
    if records == 0 {
        return Ok(report_errors(vec![row_error(
            2,
            "file",
            "The file has no product rows below the header".into(),
        )]));
    }
    let up = upsert_query!(
        "sku_import_rows r WHERE r.import_id = $2",
        ctx.user().org_id,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    let (new, old) = (up.new, up.old);
    cap_prices(&mut tx, ctx.user().org_id).await?;
    sqlx::query!("DELETE FROM sku_import_parts WHERE import_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "UPDATE sku_imports SET state = 'done', imported = $2, updated = $3 WHERE id = $1",
        id,
        new as i32,
        old as i32
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(counts((new, old)))
}
