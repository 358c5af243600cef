//! One definition of a report table (its columns, rows and totals row) that the
//! screen and the CSV download both render, so they always agree.

use crate::domain::Paise;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Text,
    Count,
    Money,
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
}

impl Cell {
    /// As on screen: "₹1,23,456.00", "1,234".
    pub fn show(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => group_indian(*n),
            Cell::Money(p) => Paise(*p).to_string(),
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
        }
    }
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
        let totals = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let sum = || {
                    self.rows
                        .iter()
                        .map(|r| match r.get(i) {
                            Some(Cell::Count(n) | Cell::Money(n)) => *n,
                            _ => 0,
                        })
                        .sum()
                };
                match c.kind {
                    Kind::Text if i == 0 => Cell::Text("Total".into()),
                    Kind::Text => Cell::Text(String::new()),
                    Kind::Count => Cell::Count(sum()),
                    Kind::Money => Cell::Money(sum()),
                }
            })
            .collect();
        self.totals = Some(totals);
        self
    }

    /// The table as CSV (RFC 4180): a header, the rows, the totals row. A text
    /// cell a spreadsheet would run as a formula (= + - @ first) is quoted with
    /// a leading apostrophe.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let mut line = |cells: Vec<String>| {
            let quoted: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
            out.push_str(&quoted.join(","));
            out.push_str("\r\n");
        };
        line(self.columns.iter().map(|c| c.label.clone()).collect());
        for row in self.rows.iter().chain(self.totals.iter()) {
            line(
                row.iter()
                    .map(|c| match c {
                        Cell::Text(t) if t.starts_with(['=', '+', '-', '@']) => format!("'{t}"),
                        other => other.csv(),
                    })
                    .collect(),
            );
        }
        out
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
