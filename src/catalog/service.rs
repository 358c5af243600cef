use super::{CSV_HEADER, CSV_MAX_ROWS, Category, ImportReport, RowError, SkuRow};
use crate::domain::OrgKind;
use crate::domain::catalog::{SkuInput, ValidSku, search_text};
use crate::error::AppError;
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use std::collections::HashMap;

const CATEGORY_SQL: &str = "SELECT c.id, c.name, c.status, o.trade_name AS proposed_by_name
   FROM categories c LEFT JOIN organisations o ON o.id = c.proposed_by";

pub async fn categories(ctx: &Ctx) -> Result<Vec<Category>, AppError> {
    let sql = match ctx.user.org_kind {
        OrgKind::Platform => {
            format!("{CATEGORY_SQL} ORDER BY (c.status = 'proposed') DESC, c.name")
        }
        OrgKind::Manufacturer => format!(
            "{CATEGORY_SQL} WHERE c.status = 'approved' OR c.proposed_by = $1 ORDER BY c.name"
        ),
        _ => format!("{CATEGORY_SQL} WHERE c.status = 'approved' AND $1 > 0 ORDER BY c.name"),
    };
    let q = sqlx::query_as(&sql);
    let q = if ctx.user.org_kind == OrgKind::Platform {
        q
    } else {
        q.bind(ctx.user.org_id)
    };
    q.fetch_all(ctx.db()).await.map_err(internal)
}

pub async fn propose_category(ctx: &Ctx, name: &str) -> Result<Category, AppError> {
    let name = name.trim();
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(AppError::field(
            "name",
            "A category name has 2 to 80 characters",
        ));
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO categories (name, proposed_by) VALUES ($1, $2) ON CONFLICT (lower(name)) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(ctx.user.org_id)
    .fetch_optional(ctx.db())
    .await
    .map_err(internal)?;
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
        .await
        .map_err(internal)?
        .ok_or_else(|| not_found("Category"))
}

pub async fn decide_category(ctx: &Ctx, id: i64, approve: bool) -> Result<Category, AppError> {
    let done = sqlx::query(
        "UPDATE categories SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1 AND status = 'proposed'",
    )
    .bind(id)
    .bind(if approve { "approved" } else { "rejected" })
    .bind(ctx.user.user_id)
    .execute(ctx.db())
    .await
    .map_err(internal)?;
    if done.rows_affected() == 0 {
        let c = category(ctx, id).await?;
        return Err(AppError::Conflict(format!(
            "\u{201c}{}\u{201d} is already {}.",
            c.name, c.status
        )));
    }
    category(ctx, id).await
}

pub const SKU_SQL: &str = "SELECT s.id, s.code, s.name, s.brand, s.category_id, c.name AS category, s.hsn, s.mrp_paise, s.unit,
        s.pack_size, s.active, gst_rate_bp(s.hsn, (now() AT TIME ZONE 'Asia/Kolkata')::date, 0) AS rate_bp,
        (SELECT count(*) FROM listings l WHERE l.sku_id = s.id AND l.active) AS distributors,
        (SELECT COALESCE(sum(l.on_hand), 0)::bigint FROM listings l WHERE l.sku_id = s.id) AS stock_on_hand
   FROM skus s JOIN categories c ON c.id = s.category_id";

pub async fn my_skus(ctx: &Ctx, q: &str) -> Result<Vec<SkuRow>, AppError> {
    let q = q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    sqlx::query_as(&format!(
        "{SKU_SQL} WHERE s.manufacturer_id = $1 AND ($2 = '' OR s.search_text LIKE '%' || $2 || '%' OR lower(s.code) LIKE $2 || '%')
          ORDER BY s.name LIMIT 500"
    ))
    .bind(ctx.user.org_id)
    .bind(q)
    .fetch_all(ctx.db())
    .await
    .map_err(internal)
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
            .await
            .map_err(internal)?;
    Ok(rows.into_iter().collect())
}

async fn has_rate(ctx: &Ctx, hsn: &str) -> Result<bool, AppError> {
    let rate: Option<i32> =
        sqlx::query_scalar("SELECT gst_rate_bp($1, (now() AT TIME ZONE 'Asia/Kolkata')::date, 0)")
            .bind(hsn)
            .fetch_one(ctx.db())
            .await
            .map_err(internal)?;
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
    let result = match id {
        None => sqlx::query_scalar(
            "INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        ),
        Some(_) => sqlx::query_scalar(
            "UPDATE skus SET code = $2, name = $3, brand = $4, category_id = $5, hsn = $6, mrp_paise = $7, unit = $8,
                    pack_size = $9, search_text = $10, updated_at = now()
              WHERE manufacturer_id = $1 AND id = $11 RETURNING id",
        ),
    }
    .bind(ctx.user.org_id)
    .bind(&sku.code)
    .bind(&sku.name)
    .bind(&sku.brand)
    .bind(category_id)
    .bind(&sku.hsn)
    .bind(sku.mrp.0)
    .bind(&sku.unit)
    .bind(sku.pack_size)
    .bind(&search)
    .bind(id.unwrap_or(0))
    .fetch_optional(ctx.db())
    .await;
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
    sqlx::query("UPDATE listings SET price_paise = LEAST(price_paise, $2), updated_at = now() WHERE sku_id = $1 AND price_paise > $2")
        .bind(saved)
        .bind(sku.mrp.0)
        .execute(ctx.db())
        .await
        .map_err(internal)?;
    sqlx::query_as(&format!(
        "{SKU_SQL} WHERE s.id = $1 AND s.manufacturer_id = $2"
    ))
    .bind(saved)
    .bind(ctx.user.org_id)
    .fetch_optional(ctx.db())
    .await
    .map_err(internal)?
    .ok_or_else(|| not_found("SKU"))
}

/// Parses and checks a CSV file. Pure apart from the lookups passed in.
pub fn check_csv(
    csv_text: &str,
    categories: &HashMap<String, i64>,
    known_hsn: &dyn Fn(&str) -> bool,
) -> Result<Vec<(usize, ValidSku, i64)>, Vec<RowError>> {
    let err = |line: usize, field: &str, reason: String| RowError {
        line,
        field: field.to_string(),
        reason,
    };
    if csv_text.contains('\u{FFFD}') {
        return Err(vec![err(0, "file", "The file is not UTF-8 text. In Excel choose Save As \u{2192} \u{201c}CSV UTF-8\u{201d} and upload again.".into())]);
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
            return Err(vec![err(
                1,
                "header",
                format!("Cannot read the header line: {e}"),
            )]);
        }
    };
    if header != CSV_HEADER {
        return Err(vec![err(
            1,
            "header",
            format!(
                "The first line must be exactly: {} (found: {})",
                CSV_HEADER.join(","),
                header.join(",")
            ),
        )]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if rows.len() + errors.len() >= CSV_MAX_ROWS {
            return Err(vec![err(
                line,
                "file",
                format!("A file may have at most {CSV_MAX_ROWS} rows: split it into smaller files"),
            )]);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(line, "row", format!("Cannot read this line: {e}")));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != CSV_HEADER.len() {
            errors.push(err(
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
            Err(list) => errors.extend(list.into_iter().map(|(f, r)| err(line, f, r))),
            Ok(sku) => {
                let mut ok = true;
                if let Some(first) = seen_codes.insert(sku.code.clone(), line) {
                    errors.push(err(
                        line,
                        "code",
                        format!("Code {} appears again (first on line {first})", sku.code),
                    ));
                    ok = false;
                }
                let category_id = categories.get(&sku.category.to_lowercase()).copied();
                if category_id.is_none() {
                    errors.push(err(
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
                    errors.push(err(line, "hsn", unknown_hsn(&sku.hsn)));
                    ok = false;
                }
                if let (true, Some(cid)) = (ok, category_id) {
                    rows.push((line, sku, cid));
                }
            }
        }
        if errors.len() >= 1000 {
            errors.push(err(
                line,
                "file",
                "Stopped after 1,000 problems: fix these and upload again".into(),
            ));
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(vec![err(
            2,
            "file",
            "The file has no product rows below the header".into(),
        )]);
    }
    Ok(rows)
}

pub async fn import_csv(ctx: &Ctx, csv_text: &str) -> Result<ImportReport, AppError> {
    let categories = approved_categories(ctx).await?;
    let prefixes: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT hsn FROM hsn_rates WHERE valid_from <= current_date")
            .fetch_all(ctx.db())
            .await
            .map_err(internal)?;
    let known = |hsn: &str| prefixes.iter().any(|p| hsn.starts_with(p.as_str()));
    let rows = match check_csv(csv_text, &categories, &known) {
        Ok(rows) => rows,
        Err(errors) => {
            return Ok(ImportReport {
                imported: 0,
                updated: 0,
                errors,
            });
        }
    };
    let mut tx = ctx.db().begin().await.map_err(internal)?;
    let mut inserted = 0usize;
    let mut updated = 0usize;
    for chunk in rows.chunks(5_000) {
        let codes: Vec<&str> = chunk.iter().map(|(_, s, _)| s.code.as_str()).collect();
        let names: Vec<&str> = chunk.iter().map(|(_, s, _)| s.name.as_str()).collect();
        let brands: Vec<&str> = chunk.iter().map(|(_, s, _)| s.brand.as_str()).collect();
        let cats: Vec<i64> = chunk.iter().map(|(_, _, c)| *c).collect();
        let hsns: Vec<&str> = chunk.iter().map(|(_, s, _)| s.hsn.as_str()).collect();
        let mrps: Vec<i64> = chunk.iter().map(|(_, s, _)| s.mrp.0).collect();
        let units: Vec<&str> = chunk.iter().map(|(_, s, _)| s.unit.as_str()).collect();
        let packs: Vec<i32> = chunk.iter().map(|(_, s, _)| s.pack_size).collect();
        let search: Vec<String> = chunk
            .iter()
            .map(|(_, s, _)| search_text(&s.name, &s.brand, &s.category))
            .collect();
        let results: Vec<bool> = sqlx::query_scalar(
            "INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::int[], $10::text[])
             ON CONFLICT (manufacturer_id, code) DO UPDATE SET name = EXCLUDED.name, brand = EXCLUDED.brand,
                 category_id = EXCLUDED.category_id, hsn = EXCLUDED.hsn, mrp_paise = EXCLUDED.mrp_paise, unit = EXCLUDED.unit,
                 pack_size = EXCLUDED.pack_size, search_text = EXCLUDED.search_text, updated_at = now()
             RETURNING (xmax = 0)",
        )
        .bind(ctx.user.org_id)
        .bind(&codes)
        .bind(&names)
        .bind(&brands)
        .bind(&cats)
        .bind(&hsns)
        .bind(&mrps)
        .bind(&units)
        .bind(&packs)
        .bind(&search)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?;
        inserted += results.iter().filter(|new| **new).count();
        updated += results.iter().filter(|new| !**new).count();
    }
    sqlx::query(
        "UPDATE listings l SET price_paise = s.mrp_paise, updated_at = now()
           FROM skus s WHERE s.id = l.sku_id AND s.manufacturer_id = $1 AND l.price_paise > s.mrp_paise",
    )
    .bind(ctx.user.org_id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(ImportReport {
        imported: inserted,
        updated,
        errors: Vec::new(),
    })
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
