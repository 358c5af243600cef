//! Checking a CSV of SKUs: header, every field by `domain::catalog`, category
//! and HSN lookups passed in. Pure, so it is tested without a database.

use crate::catalog::{CSV_HEADER, CSV_MAX_ROWS, RowError};
use crate::domain::catalog::{SkuInput, ValidSku};
use std::collections::HashMap;

/// What checking (part of) a CSV file found.
#[derive(Debug, Default)]
pub struct CsvCheck {
    /// Good rows: line, SKU, category id.
    pub rows: Vec<(usize, ValidSku, i64)>,
    pub errors: Vec<RowError>,
    /// Records that were not blank, good or bad.
    pub records: usize,
}

pub(super) fn row_error(line: usize, field: &str, reason: String) -> RowError {
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
    hsn_problem: &dyn Fn(&str) -> Option<String>,
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
            ..SkuInput::default()
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
                if let Some(problem) = hsn_problem(&sku.hsn) {
                    out.errors.push(err(line, "hsn", problem));
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

pub(super) fn too_many_rows() -> String {
    format!("A file may have at most {CSV_MAX_ROWS} rows: split it into smaller files")
}

/// Parses and checks a whole CSV file.
pub fn check_csv(
    csv_text: &str,
    categories: &HashMap<String, i64>,
    hsn_problem: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(usize, ValidSku, i64)>, Vec<RowError>> {
    let check = check_csv_part(csv_text, 2, categories, hsn_problem);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> HashMap<String, i64> {
        [("biscuits".to_string(), 1), ("namkeen".to_string(), 2)]
            .into_iter()
            .collect()
    }
    fn known(h: &str) -> Option<String> {
        (!(h.starts_with("1905") || h.starts_with("2106")))
            .then(|| format!("HSN {h} needs a choice"))
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
