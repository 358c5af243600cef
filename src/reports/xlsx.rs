//! A report table as an Excel workbook: a bold, frozen header row, money in
//! rupees with the Indian lakh/crore grouping, columns sized to their text and
//! the totals row in bold: the same table the screen and the CSV show.
//!
//! Spreadsheets keep numbers as binary floating point; paise are written as
//! `paise / 100`, which a sheet shows exactly to the paisa for any amount
//! below ₹9 × 10¹³.

use super::table::{Cell, Kind, ReportTable};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// ₹1,23,45,678.00: crores and lakhs grouped by two digits, as an Indian reader expects.
pub const INR_FORMAT: &str =
    "[>=10000000]\"₹\"##\\,##\\,##\\,##0.00;[>=100000]\"₹\"##\\,##\\,##0.00;\"₹\"#,##0.00";
/// 12,34,567 for counts.
pub const COUNT_FORMAT: &str = "[>=10000000]##\\,##\\,##\\,##0;[>=100000]##\\,##\\,##0;#,##0";

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;

pub fn workbook(table: &ReportTable, heading: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name: String = table
        .title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(SHEET_NAME_MAX)
        .collect();
    sheet.set_name(if name.is_empty() { "Report" } else { &name })?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(INR_FORMAT);
    let count = Format::new().set_num_format(COUNT_FORMAT);
    let money_total = money.clone().set_bold();
    let count_total = count.clone().set_bold();
    let date = Format::new().set_num_format("d mmm yyyy");
    let date_total = date.clone().set_bold();
    let growth = Format::new().set_num_format("+0.0%;-0.0%;0.0%");
    let growth_total = growth.clone().set_bold();
    let share = Format::new().set_num_format("0.0%");
    let share_total = share.clone().set_bold();
    // Row 0: what and when; row 1: the header (frozen); rows below: the table.
    sheet.write_string_with_format(0, 0, heading, &bold)?;
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .map(|c| c.label.chars().count())
        .collect();
    for (i, c) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(1, i as u16, &c.label, &bold)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    let rows = table.rows.iter().map(|r| (r, false));
    let totals = table.totals.iter().map(|r| (r, true));
    for (n, (row, is_total)) in rows.chain(totals).enumerate() {
        let at = n as u32 + 2;
        for (i, cell) in row.iter().enumerate() {
            let col = i as u16;
            let shown = cell.show().chars().count();
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(shown);
            }
            match (cell, is_total) {
                (Cell::Text(t), false) => {
                    sheet.write_string(at, col, t)?;
                }
                (Cell::Text(t), true) => {
                    sheet.write_string_with_format(at, col, t, &bold)?;
                }
                (Cell::Count(v), t) => {
                    sheet.write_number_with_format(
                        at,
                        col,
                        *v as f64,
                        if t { &count_total } else { &count },
                    )?;
                }
                (Cell::Date(d), t) => {
                    // Excel counts days from 1899-12-30; 1970-01-01 is day 25,569.
                    sheet.write_number_with_format(
                        at,
                        col,
                        f64::from(d.days_since_epoch() + 25_569),
                        if t { &date_total } else { &date },
                    )?;
                }
                (Cell::Growth(c), t) => match c.per_mille() {
                    Some(p) => {
                        sheet.write_number_with_format(
                            at,
                            col,
                            p as f64 / 1000.0,
                            if t { &growth_total } else { &growth },
                        )?;
                    }
                    None => {
                        sheet.write_string(at, col, c.show_percent())?;
                    }
                },
                (Cell::Percent(p), t) => match p {
                    Some(p) => {
                        sheet.write_number_with_format(
                            at,
                            col,
                            *p as f64 / 1000.0,
                            if t { &share_total } else { &share },
                        )?;
                    }
                    None => {
                        sheet.write_string(at, col, "—")?;
                    }
                },
                (Cell::Money(p), t) => {
                    sheet.write_number_with_format(
                        at,
                        col,
                        *p as f64 / 100.0,
                        if t { &money_total } else { &money },
                    )?;
                }
            }
        }
    }
    for (i, (w, c)) in widths.iter().zip(&table.columns).enumerate() {
        let pad = if c.kind == Kind::Text { 2 } else { 4 };
        sheet.set_column_width(i as u16, (w + pad).clamp(8, 60) as f64)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_becomes_a_workbook() {
        let mut t = ReportTable::new(
            "By shop: all",
            &[("Shop", Kind::Text), ("Value", Kind::Money)],
        );
        t.rows.push(vec![
            Cell::Text("साई किराना".into()),
            Cell::Money(1_234_567_890),
        ]);
        let t = t.with_totals();
        let bytes = workbook(&t, "Sales · 1 Dec 2026 – 3 Dec 2026").expect("xlsx");
        assert!(bytes.starts_with(b"PK"), "a zip container");
        assert!(bytes.len() > 2_000);
    }
}
