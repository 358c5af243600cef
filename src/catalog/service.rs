use super::{CSV_HEADER, CSV_MAX_ROWS, Category, ImportReport, PartReport, RowError, SkuRow};
use crate::domain::OrgKind;
use crate::domain::catalog::{SkuInput, ValidSku, search_text};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use std::collections::HashMap;

const CATEGORY_SQL: &str = "SELECT c.id, c.name, c.status, o.trade_name AS proposed_by_name
   FROM categories c LEFT JOIN organisations o ON o.id = c.proposed_by";

pub async fn categories(ctx: &Ctx) -> Result<Vec<Category>, AppError> {
    let sql = match ctx.user().org_kind {
        OrgKind::Platform => {
            format!("{CATEGORY_SQL} ORDER BY (c.status = 'proposed') DESC, c.name")
        }
        OrgKind::Manufacturer => format!(
            "{CATEGORY_SQL} WHERE c.status = 'approved' OR c.proposed_by = $1 ORDER BY c.name"
        ),
        _ => format!("{CATEGORY_SQL} WHERE c.status = 'approved' AND $1 > 0 ORDER BY c.name"),
    };
    let q = sqlx::query_as(&sql);
    let q = if ctx.user().org_kind == OrgKind::Platform {
        q
    } else {
        q.bind(ctx.user().org_id)
    };
    q.fetch_all(ctx.db()).await.or_internal()
}

pub async fn propose_category(ctx: &Ctx, name: &str) -> Result<Category, AppError> {
    let name = name.trim();
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(AppError::field(
            "name",
            "A category name has 2 to 80 characters",
        ));
    }
    let id: Option<i64> = sqlx::query_scalar!("INSERT INTO categories (name, proposed_by) VALUES ($1, $2) ON CONFLICT (lower(name)) DO NOTHING RETURNING id", name, ctx.user().org_id)
    .fetch_optional(ctx.db())
    .await?;
    let Some(id) = id else {
        return Err(AppError::field(
            "name",
            format!(
                "A category called \u{201c}{name}\u{201d} exists already: pick it from the list"
            ),
        ));
    };
    category(ctx, id).await
}

async fn category(ctx: &Ctx, id: i64) -> Result<Category, AppError> {
    sqlx::query_as(&format!("{CATEGORY_SQL} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| not_found("Category"))
}

pub async fn decide_category(ctx: &Ctx, id: i64, approve: bool) -> Result<Category, AppError> {
    let done = sqlx::query!("UPDATE categories SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1 AND status = 'proposed'", id, if approve { "approved" } else { "rejected" }, ctx.user().user_id)
    .execute(ctx.db())
    .await?;
    if done.rows_affected() == 0 {
        let c = category(ctx, id).await?;
        return Err(AppError::Conflict(format!(
            "\u{201c}{}\u{201d} is already {}.",
            c.name, c.status
        )));
    }
    category(ctx, id).await
}

/// A SKU with its GST rate today and the distributors carrying it now with their
/// stock (through the partial index of active listings by SKU: summed over all
/// listings it was a scan of the listings table per row shown).
pub const SKU_SQL: &str = "SELECT s.id, s.code, s.name, s.brand, s.category_id, c.name AS category, s.hsn, s.mrp_paise, s.unit,
        s.pack_size, s.active, (SELECT g.rate_bp FROM gst_rate(s.hsn, (now() AT TIME ZONE 'Asia/Kolkata')::date, 0) g) AS rate_bp,
        st.distributors, st.stock_on_hand, s.image_version
   FROM skus s JOIN categories c ON c.id = s.category_id
   CROSS JOIN LATERAL (SELECT count(*) AS distributors, COALESCE(sum(l.on_hand), 0)::bigint AS stock_on_hand
                         FROM listings l WHERE l.sku_id = s.id AND l.active) st";

pub async fn my_skus(ctx: &Ctx, q: &str) -> Result<Vec<SkuRow>, AppError> {
    let q = q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    sqlx::query_as(&format!(
        "{SKU_SQL} WHERE s.manufacturer_id = $1 AND ($2 = '' OR s.search_text LIKE '%' || $2 || '%' OR lower(s.code) LIKE $2 || '%')
          ORDER BY s.name LIMIT 500"
    ))
    .bind(ctx.user().org_id)
    .bind(q)
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

fn sku_errors(errors: Vec<(&'static str, String)>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|(f, r)| crate::error::FieldError {
                field: f.to_string(),
                reason: r,
            })
            .collect(),
    )
}

/// Approved category ids by lower-cased name.
async fn approved_categories(ctx: &Ctx) -> Result<HashMap<String, i64>, AppError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT lower(name), id FROM categories WHERE status = 'approved'")
            .fetch_all(ctx.db())
            .await?;
    Ok(rows.into_iter().collect())
}

async fn has_rate(ctx: &Ctx, hsn: &str) -> Result<bool, AppError> {
    let rate: Option<i32> = sqlx::query_scalar!(
        "SELECT (SELECT rate_bp FROM gst_rate($1, (now() AT TIME ZONE 'Asia/Kolkata')::date, 0))",
        hsn
    )
    .fetch_one(ctx.db())
    .await?;
    Ok(rate.is_some())
}

fn unknown_hsn(hsn: &str) -> String {
    format!(
        "AuroMart has no GST rate for HSN {hsn}: check the code, or ask AuroMart support to add its rate"
    )
}

pub async fn save_sku(ctx: &Ctx, id: Option<i64>, input: SkuInput) -> Result<SkuRow, AppError> {
    let sku = input.validate().map_err(sku_errors)?;
    let categories = approved_categories(ctx).await?;
    let Some(&category_id) = categories.get(&sku.category.to_lowercase()) else {
        return Err(AppError::field(
            "category",
            format!(
                "\u{201c}{}\u{201d} is not an approved category: pick one or propose it",
                sku.category
            ),
        ));
    };
    if !has_rate(ctx, &sku.hsn).await? {
        return Err(AppError::field("hsn", unknown_hsn(&sku.hsn)));
    }
    let search = search_text(&sku.name, &sku.brand, &sku.category);
    let org = ctx.user().org_id;
    let result = match id {
        None => {
            sqlx::query_scalar!(
                "INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                org, &sku.code, &sku.name, &sku.brand, category_id, &sku.hsn, sku.mrp.0, &sku.unit,
                sku.pack_size, &search
            )
            .fetch_optional(ctx.db())
            .await
        }
        Some(id) => {
            sqlx::query_scalar!(
                "UPDATE skus SET code = $2, name = $3, brand = $4, category_id = $5, hsn = $6, mrp_paise = $7, unit = $8,
                        pack_size = $9, search_text = $10, updated_at = now()
                  WHERE manufacturer_id = $1 AND id = $11 RETURNING id",
                org, &sku.code, &sku.name, &sku.brand, category_id, &sku.hsn, sku.mrp.0, &sku.unit,
                sku.pack_size, &search, id
            )
            .fetch_optional(ctx.db())
            .await
        }
    };
    let saved: Option<i64> = match result {
        Ok(v) => v,
        Err(e)
            if crate::server::db::violated_constraint(&e).as_deref()
                == Some("skus_manufacturer_id_code_key") =>
        {
            return Err(AppError::field(
                "code",
                format!("You already have a SKU with code {}", sku.code),
            ));
        }
        Err(e) => return Err(internal(e)),
    };
    let saved = saved.ok_or_else(|| not_found("SKU"))?;
    // A lower MRP caps distributors' prices: they may never sell above it.
    sqlx::query!("UPDATE listings SET price_paise = LEAST(price_paise, $2), updated_at = now() WHERE sku_id = $1 AND price_paise > $2", saved, sku.mrp.0)
        .execute(ctx.db())
        .await?;
    own_sku(ctx, saved).await
}

/// One of the manufacturer's SKUs, as the products page shows it.
async fn own_sku(ctx: &Ctx, id: i64) -> Result<SkuRow, AppError> {
    sqlx::query_as(&format!(
        "{SKU_SQL} WHERE s.id = $1 AND s.manufacturer_id = $2"
    ))
    .bind(id)
    .bind(ctx.user().org_id)
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| not_found("SKU"))
}

/// Replaces a SKU's photo with one made from the uploaded data URL.
pub async fn set_photo(ctx: &Ctx, id: i64, data_url: String) -> Result<SkuRow, AppError> {
    own_sku(ctx, id).await?;
    let _permit = super::photo::DECODES.acquire().await?;
    let photo = tokio::task::spawn_blocking(move || {
        super::photo::decode_data_url(&data_url).and_then(|b| super::photo::process(&b))
    })
    .await?
    .map_err(|e| AppError::field("photo", e.to_string()))?;
    let mut tx = ctx.db().begin().await?;
    let version: Option<i32> = sqlx::query_scalar!(
        "UPDATE skus SET image_version = image_version + 1, updated_at = now()
          WHERE id = $1 AND manufacturer_id = $2 RETURNING image_version",
        id,
        ctx.user().org_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let version = version.ok_or_else(|| not_found("SKU"))?;
    sqlx::query!("INSERT INTO sku_images (sku_id, version, thumb, picture, width, height, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sku_id) DO UPDATE SET version = EXCLUDED.version, thumb = EXCLUDED.thumb, picture = EXCLUDED.picture,
             width = EXCLUDED.width, height = EXCLUDED.height, updated_by = EXCLUDED.updated_by, updated_at = now()", id, version, &photo.thumb, &photo.picture, i32::try_from(photo.width).unwrap_or(0), i32::try_from(photo.height).unwrap_or(0), ctx.user().user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    own_sku(ctx, id).await
}

/// Removes a SKU's photo.
pub async fn remove_photo(ctx: &Ctx, id: i64) -> Result<SkuRow, AppError> {
    let mut tx = ctx.db().begin().await?;
    let found: Option<i64> = sqlx::query_scalar!("UPDATE skus SET image_version = 0, updated_at = now() WHERE id = $1 AND manufacturer_id = $2 RETURNING id", id, ctx.user().org_id)
    .fetch_optional(&mut *tx)
    .await?;
    found.ok_or_else(|| not_found("SKU"))?;
    sqlx::query!("DELETE FROM sku_images WHERE sku_id = $1", id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    own_sku(ctx, id).await
}

/// A photo's bytes for `GET /media/sku/{id}/{version}/{size}.jpg`. Product
/// photos are public catalog content, like the product names beside them.
pub async fn photo_bytes(
    db: &sqlx::PgPool,
    id: i64,
    version: i32,
    thumb: bool,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let column = if thumb { "thumb" } else { "picture" };
    sqlx::query_scalar(&format!(
        "SELECT {column} FROM sku_images WHERE sku_id = $1 AND version = $2"
    ))
    .bind(id)
    .bind(version)
    .fetch_optional(db)
    .await
}

/// What checking (part of) a CSV file found.
#[derive(Debug, Default)]
pub struct CsvCheck {
    /// Good rows: line, SKU, category id.
    pub rows: Vec<(usize, ValidSku, i64)>,
    pub errors: Vec<RowError>,
    /// Records that were not blank, good or bad.
    pub records: usize,
}

fn row_error(line: usize, field: &str, reason: String) -> RowError {
    RowError {
        line,
        field: field.to_string(),
        reason,
    }
}

/// Checks a header line plus records whose first record sits on line
/// `first_line` of the whole file. Pure apart from the lookups passed in.
pub fn check_csv_part(
    csv_text: &str,
    first_line: usize,
    categories: &HashMap<String, i64>,
    known_hsn: &dyn Fn(&str) -> bool,
) -> CsvCheck {
    let err = row_error;
    let mut out = CsvCheck::default();
    if csv_text.contains('\u{FFFD}') {
        out.errors.push(err(0, "file", "The file is not UTF-8 text. In Excel choose Save As \u{2192} \u{201c}CSV UTF-8\u{201d} and upload again.".into()));
        return out;
    }
    let text = csv_text.strip_prefix('\u{FEFF}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_lowercase()).collect(),
        Err(e) => {
            out.errors.push(err(
                1,
                "header",
                format!("Cannot read the header line: {e}"),
            ));
            return out;
        }
    };
    if header != CSV_HEADER {
        out.errors.push(err(
            1,
            "header",
            format!(
                "The first line must be exactly: {} (found: {})",
                CSV_HEADER.join(","),
                header.join(",")
            ),
        ));
        return out;
    }
    // The part's text has the header on its line 1 and its first record on line 2.
    let offset = first_line.saturating_sub(2);
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line_before = offset + reader.position().line() as usize;
        let record = match reader.read_record(&mut record) {
            Ok(true) => &record,
            Ok(false) => break,
            Err(e) => {
                out.records += 1;
                let line = e
                    .position()
                    .map_or(line_before, |p| offset + p.line() as usize);
                out.errors
                    .push(err(line, "row", format!("Cannot read this line: {e}")));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        out.records += 1;
        let line = record
            .position()
            .map_or(line_before, |p| offset + p.line() as usize);
        if record.len() != CSV_HEADER.len() {
            out.errors.push(err(
                line,
                "row",
                format!(
                    "Expected {} columns, found {}",
                    CSV_HEADER.len(),
                    record.len()
                ),
            ));
            continue;
        }
        let get = |k: usize| record.get(k).unwrap_or_default().to_string();
        let input = SkuInput {
            code: get(0),
            name: get(1),
            brand: get(2),
            category: get(3),
            hsn: get(4),
            mrp: get(5),
            unit: get(6),
            pack_size: get(7),
        };
        match input.validate() {
            Err(list) => out
                .errors
                .extend(list.into_iter().map(|(f, r)| err(line, f, r))),
            Ok(sku) => {
                let mut ok = true;
                if let Some(first) = seen_codes.insert(sku.code.clone(), line) {
                    out.errors.push(err(
                        line,
                        "code",
                        format!("Code {} appears again (first on line {first})", sku.code),
                    ));
                    ok = false;
                }
                let category_id = categories.get(&sku.category.to_lowercase()).copied();
                if category_id.is_none() {
                    out.errors.push(err(
                        line,
                        "category",
                        format!(
                            "\u{201c}{}\u{201d} is not an approved category",
                            sku.category
                        ),
                    ));
                    ok = false;
                }
                if !known_hsn(&sku.hsn) {
                    out.errors.push(err(line, "hsn", unknown_hsn(&sku.hsn)));
                    ok = false;
                }
                if let (true, Some(cid)) = (ok, category_id) {
                    out.rows.push((line, sku, cid));
                }
            }
        }
        if out.errors.len() >= MAX_REPORTED_ERRORS {
            out.errors.push(err(line, "file", too_many_problems()));
            break;
        }
    }
    out
}

/// At most this many problems are reported; past it, the check stops.
pub const MAX_REPORTED_ERRORS: usize = 1000;

fn too_many_problems() -> String {
    format!("Stopped after {MAX_REPORTED_ERRORS} problems: fix these and upload again")
}

fn too_many_rows() -> String {
    format!("A file may have at most {CSV_MAX_ROWS} rows: split it into smaller files")
}

/// Parses and checks a whole CSV file.
pub fn check_csv(
    csv_text: &str,
    categories: &HashMap<String, i64>,
    known_hsn: &dyn Fn(&str) -> bool,
) -> Result<Vec<(usize, ValidSku, i64)>, Vec<RowError>> {
    let check = check_csv_part(csv_text, 2, categories, known_hsn);
    if check.records > CSV_MAX_ROWS {
        return Err(vec![row_error(0, "file", too_many_rows())]);
    }
    if !check.errors.is_empty() {
        return Err(check.errors);
    }
    if check.rows.is_empty() {
        return Err(vec![row_error(
            2,
            "file",
            "The file has no product rows below the header".into(),
        )]);
    }
    Ok(check.rows)
}

/// HSN prefixes with a rate in force, for checking CSV rows without a query each.
async fn known_hsn_prefixes(ctx: &Ctx) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar!("SELECT DISTINCT hsn FROM hsn_rates WHERE valid_from <= current_date")
        .fetch_all(ctx.db())
        .await
        .or_internal()
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

/// Binds the `Columns` arrays, in `unnest_columns` order, after what `query`
/// has bound so far.
macro_rules! bind_columns {
    ($query:expr, $c:expr) => {
        $query
            .bind(&$c.lines)
            .bind(&$c.codes)
            .bind(&$c.names)
            .bind(&$c.brands)
            .bind(&$c.cats)
            .bind(&$c.hsns)
            .bind(&$c.mrps)
            .bind(&$c.units)
            .bind(&$c.packs)
            .bind(&$c.search)
    };
}

/// UNNEST of the `Columns` arrays bound as parameters $first .. $first + 9.
fn unnest_columns(first: usize) -> String {
    let types = [
        "int", "text", "text", "text", "bigint", "text", "bigint", "text", "int", "text",
    ];
    let args: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("${}::{t}[]", first + i))
        .collect();
    format!(
        "UNNEST({}) AS r (line, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)",
        args.join(", ")
    )
}

/// Inserts or updates the manufacturer's SKUs from `source` (a query giving
/// the SKU columns with $1 as the manufacturer), then caps prices at the new
/// MRPs. Returns (inserted, updated).
fn upsert_sql(source: &str) -> String {
    format!(
        "WITH up AS (
            INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
            SELECT $1, r.code, r.name, r.brand, r.category_id, r.hsn, r.mrp_paise, r.unit, r.pack_size, r.search_text
              FROM {source} ORDER BY r.line
            ON CONFLICT (manufacturer_id, code) DO UPDATE SET name = EXCLUDED.name, brand = EXCLUDED.brand,
                category_id = EXCLUDED.category_id, hsn = EXCLUDED.hsn, mrp_paise = EXCLUDED.mrp_paise, unit = EXCLUDED.unit,
                pack_size = EXCLUDED.pack_size, search_text = EXCLUDED.search_text, updated_at = now()
            RETURNING (xmax = 0) AS new
         )
         SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new) FROM up"
    )
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
pub async fn import_csv(ctx: &Ctx, csv_text: &str) -> Result<ImportReport, AppError> {
    let categories = approved_categories(ctx).await?;
    let prefixes = known_hsn_prefixes(ctx).await?;
    let known = |hsn: &str| prefixes.iter().any(|p| hsn.starts_with(p.as_str()));
    let rows = match check_csv(csv_text, &categories, &known) {
        Ok(rows) => rows,
        Err(errors) => return Ok(report_errors(errors)),
    };
    let mut tx = ctx.db().begin().await?;
    let (mut inserted, mut updated) = (0, 0);
    for chunk in rows.chunks(5_000) {
        let c = columns(chunk);
        let sql = upsert_sql(&unnest_columns(2));
        let query = sqlx::query_as(&sql).bind(ctx.user().org_id);
        let (new, old): (i64, i64) = bind_columns!(query, c).fetch_one(&mut *tx).await?;
        inserted += new;
        updated += old;
    }
    cap_prices(&mut tx, ctx.user().org_id).await?;
    tx.commit().await?;
    Ok(counts((inserted, updated)))
}

/// Parts larger than this are refused (the page sends about 256 KB at a time).
pub const MAX_PART_BYTES: usize = 4 << 20;

/// Starts an import of a file with `rows` records over `lines` lines below
/// the header. Stale imports of the organisation (a day old) are dropped.
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

/// Locks the caller's open import (shared: parts go in side by side; the
/// finish takes it exclusively). Another organisation's import is "not found".
async fn open_import(
    tx: &mut sqlx::PgConnection,
    ctx: &Ctx,
    id: i64,
    exclusive: bool,
) -> Result<(String, i32, Option<i32>, Option<i32>), AppError> {
    let lock = if exclusive { "UPDATE" } else { "SHARE" };
    sqlx::query_as(&format!(
        "SELECT state, lines, imported, updated FROM sku_imports WHERE id = $1 AND manufacturer_id = $2 FOR {lock}"
    ))
    .bind(id)
    .bind(ctx.user().org_id)
    .fetch_optional(tx)
    .await?
    .ok_or_else(|| not_found("Import"))
}

/// Checks one part (the header line, then records starting on the file's line
/// `first_line`) and stages its good rows. Sending the same part again
/// replaces it, so a part lost on a bad connection can simply be retried.
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
    let prefixes = known_hsn_prefixes(ctx).await?;
    let known = |hsn: &str| prefixes.iter().any(|p| hsn.starts_with(p.as_str()));
    let check = check_csv_part(csv_text, first_line, &categories, &known);
    let header_end = csv_text.find('\n').map_or(csv_text.len(), |i| i + 1);
    let body = &csv_text[header_end..];
    let lines = body.matches('\n').count() + usize::from(!body.is_empty() && !body.ends_with('\n'));
    let mut tx = ctx.db().begin().await?;
    let (state, total, _, _) = open_import(&mut tx, ctx, id, false).await?;
    if state != "open" {
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
        let sql = format!(
            "INSERT INTO sku_import_rows (import_id, first_line, line, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
             SELECT $1, $2, r.* FROM {}",
            unnest_columns(3)
        );
        let query = sqlx::query(&sql).bind(id).bind(to_i32(first_line));
        bind_columns!(query, c).execute(&mut *tx).await?;
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
pub async fn import_finish(ctx: &Ctx, id: i64) -> Result<ImportReport, AppError> {
    let mut tx = ctx.db().begin().await?;
    let (state, total, imported, updated) = open_import(&mut tx, ctx, id, true).await?;
    if state == "done" {
        return Ok(counts((
            imported.unwrap_or(0).into(),
            updated.unwrap_or(0).into(),
        )));
    }
    let (records, errors): (i64, sqlx::types::Json<Vec<RowError>>) = sqlx::query_as(
        "SELECT COALESCE(sum(records), 0)::bigint,
                COALESCE(jsonb_agg(e ORDER BY p.first_line, (e->>'line')::int) FILTER (WHERE e IS NOT NULL), '[]')
           FROM sku_import_parts p LEFT JOIN LATERAL jsonb_array_elements(p.errors) e ON true
          WHERE p.import_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let mut errors = errors.0;
    if records as usize > CSV_MAX_ROWS {
        return Ok(report_errors(vec![row_error(0, "file", too_many_rows())]));
    }
    if errors.len() < MAX_REPORTED_ERRORS {
        let dups: Vec<(String, i32, i32)> = sqlx::query_as(
            "SELECT code, line, first_value(line) OVER (PARTITION BY code ORDER BY line)
               FROM sku_import_rows r
              WHERE import_id = $1 AND code IN (SELECT code FROM sku_import_rows WHERE import_id = $1 GROUP BY code HAVING count(*) > 1)
              ORDER BY line",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for (code, line, first) in dups.into_iter().filter(|(_, l, f)| l != f) {
            errors.push(row_error(
                line as usize,
                "code",
                format!("Code {code} appears again (first on line {first})"),
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
    let (new, old): (i64, i64) =
        sqlx::query_as(&upsert_sql("sku_import_rows r WHERE r.import_id = $2"))
            .bind(ctx.user().org_id)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> HashMap<String, i64> {
        [("biscuits".to_string(), 1), ("namkeen".to_string(), 2)]
            .into_iter()
            .collect()
    }
    fn known(h: &str) -> bool {
        h.starts_with("1905") || h.starts_with("2106")
    }

    #[test]
    fn good_file_passes() {
        let csv = "\u{FEFF}code,name,brand,category,hsn,mrp,unit,pack_size\nA1,Marie 200 g,Sahyadri,Biscuits,1905,30,pack,1\nA2,Bhujia,Sahyadri,namkeen,21069099,110.50,pack,\n";
        let rows = check_csv(csv, &cats(), &known).expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1.mrp.0, 11050);
    }

    #[test]
    fn every_bad_row_is_named_by_line() {
        let csv = "code,name,brand,category,hsn,mrp,unit,pack_size\nA1,Marie,Sahyadri,Biscuits,1905,30,pack,1\nA1,Marie again,Sahyadri,Biscuits,1905,30,pack,1\nA3,Chips,Sahyadri,Snacks,1905,20,pack,1\nA4,Soap,Sahyadri,Biscuits,3401,-2,crate,1\nA5,short row\n";
        let errors = check_csv(csv, &cats(), &known).expect_err("invalid");
        let got: Vec<_> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (3, "code"),
                (4, "category"),
                (5, "unit"),
                (5, "mrp"),
                (6, "row")
            ]
        );
    }

    #[test]
    fn wrong_header_and_encoding_are_explained() {
        let wrong = check_csv("sku,name\nA,B\n", &cats(), &known).expect_err("header");
        assert!(
            wrong[0]
                .reason
                .contains("code,name,brand,category,hsn,mrp,unit,pack_size")
        );
        let latin1 = check_csv("code,name\n\u{FFFD}\n", &cats(), &known).expect_err("encoding");
        assert!(latin1[0].reason.contains("CSV UTF-8"));
        let empty = check_csv(
            "code,name,brand,category,hsn,mrp,unit,pack_size\n",
            &cats(),
            &known,
        )
        .expect_err("empty");
        assert!(empty[0].reason.contains("no product rows"));
    }

    #[test]
    fn too_many_rows_are_refused_as_a_whole() {
        let mut csv = String::from("code,name,brand,category,hsn,mrp,unit,pack_size\n");
        for i in 0..=CSV_MAX_ROWS {
            csv.push_str(&format!("C{i},Biscuit {i},Brand,Biscuits,1905,10,pack,1\n"));
        }
        let errors = check_csv(&csv, &cats(), &known).expect_err("too many");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].reason.contains("at most 100000 rows"));
    }
}
