//! One definition of a report table (its columns, rows and totals row) that the
//! screen and the CSV download both render, so they always agree.

use crate::domain::Paise;
use crate::domain::period::{Change, Day};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Text,
    Count,
    Money,
    /// A count of distinct things (shops buying a product in a district): rows
    /// do not add up to a total, so the totals row leaves it blank.
    Distinct,
    Date,
    /// A share or a change, in per cent.
    Percent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub label: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// Paise.
    Money(i64),
    Date(Day),
    /// A figure against the period before, shown as its change in per cent.
    Growth(Change),
    /// A share in tenths of a per cent (None: nothing to divide by).
    Percent(Option<i64>),
}

/// What a column sorts by: numbers as numbers, dates as days, text by its
/// lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Number(i64),
    Text(String),
}

impl Cell {
    /// As on screen: "₹1,23,456.00", "1,234".
    pub fn show(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => group_indian(*n),
            Cell::Money(p) => Paise(*p).to_string(),
            Cell::Date(d) => d.show(),
            Cell::Growth(c) => c.show_percent(),
            Cell::Percent(p) => super::show_per_mille(*p),
        }
    }

    /// Its place when its column is sorted. A change from nothing ("new") sorts
    /// above every percentage, nothing at all below.
    pub fn sort_key(&self) -> SortKey {
        match self {
            Cell::Text(t) => SortKey::Text(t.to_lowercase()),
            Cell::Count(n) | Cell::Money(n) => SortKey::Number(*n),
            Cell::Date(d) => SortKey::Number(i64::from(d.days_since_epoch())),
            Cell::Growth(c) => SortKey::Number(match c.per_mille() {
                Some(p) => p,
                None if c.now != 0 => i64::MAX,
                None => i64::MIN,
            }),
            Cell::Percent(p) => SortKey::Number(p.unwrap_or(i64::MIN)),
        }
    }

    /// As in a CSV file for a spreadsheet: plain numbers, rupees with two decimals.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Money(p) => {
                let sign = if *p < 0 { "-" } else { "" };
                format!(
                    "{sign}{}.{:02}",
                    p.unsigned_abs() / 100,
                    p.unsigned_abs() % 100
                )
            }
            Cell::Date(d) => d.iso(),
            Cell::Growth(c) => match c.per_mille() {
                Some(p) => per_cent(p),
                None => c.show_percent(),
            },
            Cell::Percent(p) => p.map(per_cent).unwrap_or_default(),
        }
    }
}

/// Tenths of a per cent as a spreadsheet reads a percentage: "12.5%", "-3.0%".
fn per_cent(p: i64) -> String {
    let sign = if p < 0 { "-" } else { "" };
    format!("{sign}{}.{}%", p.abs() / 10, p.abs() % 10)
}

/// 1234567 as "12,34,567" (Indian grouping: thousands, then lakhs, crores).
pub fn group_indian(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let (head, last3) = digits.split_at(digits.len().saturating_sub(3));
    let mut out = String::new();
    let first = head.len() % 2;
    for (i, c) in head.chars().enumerate() {
        if i > 0 && (i + 2 - first) % 2 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !head.is_empty() {
        out.push(',');
    }
    out.push_str(last3);
    if n < 0 { format!("-{out}") } else { out }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTable {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Sums of the count and money columns ("Total" in the first).
    pub totals: Option<Vec<Cell>>,
}

impl ReportTable {
    pub fn new(title: &str, columns: &[(&str, Kind)]) -> ReportTable {
        ReportTable {
            title: title.to_string(),
            columns: columns
                .iter()
                .map(|(label, kind)| Column {
                    label: label.to_string(),
                    kind: *kind,
                })
                .collect(),
            rows: Vec::new(),
            totals: None,
        }
    }

    /// A table of `rows` under `columns`, with its totals row.
    pub fn of(
        title: &str,
        columns: &[(&str, Kind)],
        rows: impl Iterator<Item = Vec<Cell>>,
    ) -> ReportTable {
        ReportTable {
            rows: rows.collect(),
            ..ReportTable::new(title, columns)
        }
        .with_totals()
    }

    /// Adds the totals row: the sum of each count and money column.
    pub fn with_totals(mut self) -> ReportTable {
        self.totals = Some(self.totals_of(self.rows.iter()));
        self
    }

    /// The totals row of some of the rows ("Total" in a first text column).
    pub fn totals_of<'a>(&self, rows: impl Iterator<Item = &'a Vec<Cell>> + Clone) -> Vec<Cell> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let sum = || {
                    rows.clone()
                        .map(|r| match r.get(i) {
                            Some(Cell::Count(n) | Cell::Money(n)) => *n,
                            _ => 0,
                        })
                        .sum()
                };
                match c.kind {
                    Kind::Text if i == 0 => Cell::Text("Total".into()),
                    Kind::Text | Kind::Distinct | Kind::Date | Kind::Percent => {
                        Cell::Text(String::new())
                    }
                    Kind::Count => Cell::Count(sum()),
                    Kind::Money => Cell::Money(sum()),
                }
            })
            .collect()
    }

    /// The table as CSV (RFC 4180): a header, the rows, the totals row. A text
    /// cell a spreadsheet would run as a formula (= + - @ first) is quoted with
    /// a leading apostrophe.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let mut line = |cells: Vec<String>| {
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(self.columns.iter().map(|c| csv_field(&c.label)).collect());
        for row in self.rows.iter().chain(self.totals.iter()) {
            line(row.iter().map(csv_cell).collect());
        }
        out
    }
}

/// One cell as a CSV field, quoted where it must be. A text cell a spreadsheet
/// would run as a formula (= + - @ first) gets a leading apostrophe.
pub fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) if t.starts_with(['=', '+', '-', '@']) => csv_field(&format!("'{t}")),
        other => csv_field(&other.csv()),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_grouping() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (12_345, "12,345"),
            (123_456, "1,23,456"),
            (1_234_567, "12,34,567"),
            (123_456_789, "12,34,56,789"),
            (-1_234_567, "-12,34,567"),
        ] {
            assert_eq!(group_indian(n), s);
        }
    }

    #[test]
    fn the_csv_is_the_screen_table_with_its_totals() {
        let mut t = ReportTable::new(
            "By shop",
            &[
                ("Shop", Kind::Text),
                ("Orders", Kind::Count),
                ("Value", Kind::Money),
            ],
        );
        t.rows.push(vec![
            Cell::Text("Sai Kirana, Pune".into()),
            Cell::Count(3),
            Cell::Money(1_234_550),
        ]);
        t.rows.push(vec![
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Count(1),
            Cell::Money(5),
        ]);
        let t = t.with_totals();
        assert_eq!(
            t.totals.as_ref().unwrap(),
            &vec![
                Cell::Text("Total".into()),
                Cell::Count(4),
                Cell::Money(1_234_555)
            ]
        );
        assert_eq!(t.totals.as_ref().unwrap()[2].show(), "₹12,345.55");
        assert_eq!(
            t.to_csv(),
            "Shop,Orders,Value\r\n\"Sai Kirana, Pune\",3,12345.50\r\n\"'=HYPERLINK(\"\"x\"\")\",1,0.05\r\nTotal,4,12345.55\r\n"
        );
    }
}
