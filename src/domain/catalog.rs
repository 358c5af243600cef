//! Rules for SKUs and listings, shared by the catalog form, the CSV import and
//! the server.

use super::{Invalid, Paise};
use serde::{Deserialize, Serialize};

pub const UNITS: &[(&str, &str)] = &[
    ("pcs", "Piece"),
    ("pack", "Pack"),
    ("box", "Box"),
    ("kg", "Kilogram"),
    ("g", "Gram"),
    ("litre", "Litre"),
    ("ml", "Millilitre"),
    ("dozen", "Dozen"),
    ("set", "Set"),
    ("pair", "Pair"),
    ("metre", "Metre"),
];

/// The largest quantity one order line may ask for: more is a typo, not an order.
pub const MAX_LINE_QTY: i64 = 100_000;
/// The most lines one order may have.
pub const MAX_ORDER_LINES: usize = 500;

/// A SKU as typed (form or CSV row); `validate` turns it into `ValidSku`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuInput {
    pub code: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub hsn: String,
    pub mrp: String,
    pub unit: String,
    pub pack_size: String,
    /// The GST schedule entry the goods fall under (its id), where the HSN's rate
    /// depends on what the goods are; empty for the code's default.
    #[serde(default)]
    pub gst_rate_id: String,
    /// Why that entry, in the maker's words.
    #[serde(default)]
    pub gst_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidSku {
    pub code: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub hsn: String,
    pub mrp: Paise,
    pub unit: String,
    pub pack_size: i32,
    pub gst_rate_id: Option<i64>,
    pub gst_reason: Option<String>,
}

pub fn parse_hsn(input: &str) -> Result<String, Invalid> {
    let h: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(h.len() == 4 || h.len() == 6 || h.len() == 8) || !h.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(
            "An HSN code has 4, 6 or 8 digits, like 1905 or 19053100",
        ));
    }
    Ok(h)
}

pub fn parse_unit(input: &str) -> Result<String, Invalid> {
    let u = input.trim().to_lowercase();
    let u = match u.as_str() {
        "piece" | "pieces" | "pc" | "nos" | "no" => "pcs".to_string(),
        "l" | "ltr" | "liter" => "litre".to_string(),
        "kgs" => "kg".to_string(),
        _ => u,
    };
    if UNITS.iter().any(|(code, _)| *code == u) {
        Ok(u)
    } else {
        let list: Vec<_> = UNITS.iter().map(|(c, _)| *c).collect();
        Err(Invalid::new(format!(
            "Unit must be one of: {}",
            list.join(", ")
        )))
    }
}

/// A whole number in 1..=max, with a message naming `what`.
pub fn parse_count(input: &str, what: &str, max: i64) -> Result<i64, Invalid> {
    let t = input.trim().replace(',', "");
    let n: i64 = t
        .parse()
        .map_err(|_| Invalid::new(format!("{what} must be a whole number")))?;
    if n < 1 {
        return Err(Invalid::new(format!("{what} must be at least 1")));
    }
    if n > max {
        return Err(Invalid::new(format!("{what} can be at most {max}")));
    }
    Ok(n)
}

fn text(input: &str, what: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let t = input.trim();
    let n = t.chars().count();
    if n < min {
        return Err(Invalid::new(format!("Enter the {what}")));
    }
    if n > max {
        return Err(Invalid::new(format!(
            "The {what} can be at most {max} characters"
        )));
    }
    Ok(t.to_string())
}

impl SkuInput {
    /// Every problem, by field, or the clean SKU.
    pub fn validate(&self) -> Result<ValidSku, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut take = |field: &'static str, r: Result<String, Invalid>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push((field, e.0));
                String::new()
            }
        };
        let code = take("code", {
            let c = self.code.trim();
            if c.is_empty()
                || c.len() > 40
                || !c
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "._/-".contains(ch))
            {
                Err(Invalid::new("SKU code: 1–40 letters, digits or . _ / -"))
            } else {
                Ok(c.to_string())
            }
        });
        let name = take("name", text(&self.name, "product name", 2, 160));
        let brand = take("brand", text(&self.brand, "brand", 1, 80));
        let category = take("category", text(&self.category, "category", 2, 80));
        let hsn = take("hsn", parse_hsn(&self.hsn));
        let unit = take("unit", parse_unit(&self.unit));
        let mrp = match Paise::parse(&self.mrp) {
            Ok(p) if p.0 <= 0 => {
                errors.push(("mrp", "MRP must be more than zero".to_string()));
                Paise::ZERO
            }
            Ok(p) if p.0 > 100_000_000_000 => {
                errors.push(("mrp", "MRP looks too large: check the amount".to_string()));
                Paise::ZERO
            }
            Ok(p) => p,
            Err(e) => {
                errors.push(("mrp", format!("MRP: {}", e.0)));
                Paise::ZERO
            }
        };
        let pack_size = if self.pack_size.trim().is_empty() {
            1
        } else {
            match parse_count(&self.pack_size, "Pack size", 100_000) {
                Ok(n) => n as i32,
                Err(e) => {
                    errors.push(("pack_size", e.0));
                    1
                }
            }
        };
        let gst_rate_id = match self.gst_rate_id.trim() {
            "" => None,
            id => match id.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(("gst_rate_id", "Choose an entry from the list".to_string()));
                    None
                }
            },
        };
        let gst_reason = match self.gst_reason.trim() {
            "" => None,
            r if r.chars().count() > 200 => {
                errors.push((
                    "gst_reason",
                    "Keep the reason under 200 characters".to_string(),
                ));
                None
            }
            r => Some(r.to_string()),
        };
        if errors.is_empty() {
            Ok(ValidSku {
                code,
                name,
                brand,
                category,
                hsn,
                mrp,
                unit,
                pack_size,
                gst_rate_id,
                gst_reason,
            })
        } else {
            Err(errors)
        }
    }
}

/// A distributor's price may not exceed the MRP (Legal Metrology (Packaged Commodities) Rules, 2011).
pub fn check_price(price: Paise, mrp: Paise) -> Result<(), Invalid> {
    if price.0 <= 0 {
        return Err(Invalid::new("Price must be more than zero"));
    }
    if price > mrp {
        return Err(Invalid::new(format!(
            "Price {price} is above the MRP {mrp}: selling above MRP is not allowed"
        )));
    }
    Ok(())
}

/// Lower-cased text that catalog search matches against.
pub fn search_text(name: &str, brand: &str, category: &str) -> String {
    format!("{name} {brand} {category}").to_lowercase()
}

/// A run of whole CSV records cut from a file, for uploading a large file in
/// parts: `first_line` is the file's line number (1 = header) where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvPart<'a> {
    pub first_line: usize,
    /// Physical lines it spans (a quoted field may hold line breaks).
    pub lines: usize,
    /// Records that are not blank.
    pub rows: usize,
    pub text: &'a str,
}

/// Physical lines below the header that the parts cover (what the server
/// checks the parts against).
pub fn lines_below_header(parts: &[CsvPart<'_>]) -> usize {
    parts.last().map_or(0, |p| p.first_line + p.lines - 2)
}

/// Splits a CSV file into its header line and parts of at most `max_rows`
/// records and about `max_bytes` bytes, never inside a quoted field. Every
/// physical line after the header falls in exactly one part, so the parts'
/// `first_line`/`lines` tile the file and the server can check nothing is missing.
pub fn split_csv(text: &str, max_rows: usize, max_bytes: usize) -> (&str, Vec<CsvPart<'_>>) {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let header_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let header = text[..header_end].trim_end_matches(['\r', '\n']);
    let body = &text[header_end..];
    let mut parts = Vec::new();
    let (mut start, mut start_line) = (0usize, 2usize);
    let (mut line, mut rows, mut record_blank, mut quoted) = (2usize, 0usize, true, false);
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => {
                quoted = !quoted;
                record_blank = false;
            }
            b'\n' => {
                line += 1;
                if quoted {
                    continue;
                }
                if !record_blank {
                    rows += 1;
                }
                record_blank = true;
                if rows >= max_rows || i + 1 - start >= max_bytes {
                    parts.push(CsvPart {
                        first_line: start_line,
                        lines: line - start_line,
                        rows,
                        text: &body[start..=i],
                    });
                    (start, start_line, rows) = (i + 1, line, 0);
                }
            }
            b'\r' | b' ' | b'\t' | b',' => {}
            _ => record_blank = false,
        }
    }
    if start < body.len() {
        if !record_blank {
            rows += 1;
        }
        // A final line break ends the last line; it does not start another.
        let open_line = usize::from(!body.ends_with('\n'));
        parts.push(CsvPart {
            first_line: start_line,
            lines: line - start_line + open_line,
            rows,
            text: &body[start..],
        });
    }
    (header, parts)
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_parts_tile_the_file_and_keep_quoted_line_breaks_whole() {
        let file = "\u{FEFF}code,name\r\nA,\"two\nlines\"\r\n\r\nB,b\nC,c\nD,\"d, \"\"q\"\"\"\nE,e";
        let (header, parts) = split_csv(file, 2, 1 << 20);
        assert_eq!(header, "code,name");
        let got: Vec<_> = parts
            .iter()
            .map(|p| (p.first_line, p.lines, p.rows))
            .collect();
        // A spans lines 2-3, line 4 is blank, B 5, C 6, D 7, E 8 (no final newline).
        assert_eq!(got, vec![(2, 4, 2), (6, 2, 2), (8, 1, 1)]);
        assert_eq!(parts[0].text, "A,\"two\nlines\"\r\n\r\nB,b\n");
        assert_eq!(parts[2].text, "E,e");
        let joined: String = parts.iter().map(|p| p.text).collect();
        assert_eq!(joined, &file[file.find('\n').unwrap() + 1..]);
    }

    #[test]
    fn a_final_line_break_does_not_add_a_line() {
        for (file, lines) in [
            ("h\na\nb\n", 2),
            ("h\na\nb", 2),
            ("h\na\n\n", 2),
            ("h\na", 1),
        ] {
            let (_, parts) = split_csv(file, 1000, 1 << 20);
            assert_eq!(lines_below_header(&parts), lines, "{file:?}");
            let covered: usize = parts.iter().map(|p| p.lines).sum();
            assert_eq!(covered, lines, "{file:?}");
        }
        let (_, parts) = split_csv("h\na\nb\nc\n", 2, 1 << 20);
        let got: Vec<_> = parts.iter().map(|p| (p.first_line, p.lines)).collect();
        assert_eq!(got, vec![(2, 2), (4, 1)]);
    }

    #[test]
    fn csv_parts_are_cut_by_size_too() {
        let file = "h\naaaa\nbbbb\ncccc\n";
        let (_, parts) = split_csv(file, 100, 8);
        let got: Vec<_> = parts.iter().map(|p| (p.first_line, p.rows)).collect();
        assert_eq!(got, vec![(2, 2), (4, 1)]);
        assert!(split_csv("h\n", 10, 10).1.is_empty());
        assert!(split_csv("", 10, 10).1.is_empty());
    }

    use super::*;

    fn good() -> SkuInput {
        SkuInput {
            code: "SAH-MARIE-200".into(),
            name: "Marie Gold Biscuits 200 g".into(),
            brand: "Sahyadri".into(),
            category: "Biscuits".into(),
            hsn: "1905".into(),
            mrp: "30".into(),
            unit: "Pack".into(),
            pack_size: "".into(),
            ..SkuInput::default()
        }
    }

    #[test]
    fn a_good_sku_is_cleaned() {
        let v = good().validate().expect("valid");
        assert_eq!(
            (v.mrp, v.unit.as_str(), v.pack_size),
            (Paise(3000), "pack", 1)
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = SkuInput {
            code: "bad code!".into(),
            hsn: "19A5".into(),
            mrp: "-5".into(),
            unit: "crate".into(),
            pack_size: "0".into(),
            name: "".into(),
            ..good()
        };
        let errors = bad.validate().expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec!["code", "name", "hsn", "unit", "mrp", "pack_size"]
        );
    }

    #[test]
    fn prices_never_above_mrp() {
        assert!(check_price(Paise(3000), Paise(3000)).is_ok());
        assert!(
            check_price(Paise(3001), Paise(3000))
                .expect_err("above")
                .0
                .contains("above the MRP")
        );
        assert!(check_price(Paise(0), Paise(3000)).is_err());
    }

    #[test]
    fn counts_refuse_zero_negative_and_absurd() {
        assert_eq!(parse_count("12", "Quantity", MAX_LINE_QTY), Ok(12));
        for bad in ["0", "-3", "1.5", "abc", "100001", "99999999999999999999"] {
            assert!(parse_count(bad, "Quantity", MAX_LINE_QTY).is_err(), "{bad}");
        }
    }
}
