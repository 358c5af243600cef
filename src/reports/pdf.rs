//! Report tables as an A4 PDF: the report's heading with its period and who it
//! is for, then each table with the same columns, rows and totals row as the
//! screen and the spreadsheet (each cell as the screen shows it), its header
//! repeated on every page, and "page n of N" at the foot.

use super::table::{Kind, ReportTable};
use crate::pdf::canvas::{A4_HEIGHT, Align, Canvas, PdfError};
use crate::pdf::fonts::Weight::{Bold, Regular};

const LEFT: f32 = 36.0;
const RIGHT: f32 = 559.0;
const SIZE: f32 = 7.5;
const LINE: f32 = 9.5;
/// The lowest a row may reach before the next page.
const BOTTOM: f32 = A4_HEIGHT - 56.0;

/// Rows a PDF holds at most (about 400 pages); longer tables are for the
/// spreadsheet downloads, which have no limit.
pub const MAX_PDF_ROWS: usize = 20_000;

/// The tables laid out under `heading` and the `about` lines (period, for whom,
/// when made); each table under its own title when there are several.
pub fn layout(
    tables: &[&ReportTable],
    heading: &str,
    about: &[String],
) -> Result<Canvas, PdfError> {
    let mut c = Canvas::new(heading)?;
    let mut y = 48.0;
    for line in c.wrap(heading, 14.0, Bold, RIGHT - LEFT) {
        c.text(LEFT, y, 14.0, Bold, Align::Left, &line);
        y += 17.0;
    }
    for text in about {
        for line in c.wrap(text, 8.5, Regular, RIGHT - LEFT) {
            c.text_grey(LEFT, y, 8.5, Regular, Align::Left, &line, 0.3);
            y += 11.0;
        }
    }
    c.rule(LEFT, y - 4.0, RIGHT, y - 4.0, 0.8, 0.0);
    y += 8.0;
    for table in tables {
        if tables.len() > 1 {
            if y + 60.0 > BOTTOM {
                c.new_page();
                y = 48.0;
            }
            y += 6.0;
            c.text(LEFT, y, 11.0, Bold, Align::Left, &table.title);
            y += 8.0;
        }
        y = draw_table(&mut c, table, y) + 14.0;
    }
    footers(&mut c);
    Ok(c)
}

/// One table from `y` on (new pages as it needs); returns where it ended.
fn draw_table(c: &mut Canvas, table: &ReportTable, mut y: f32) -> f32 {
    let cells: Vec<Vec<String>> =
        std::iter::once(table.columns.iter().map(|col| col.label.clone()).collect())
            .chain(
                table
                    .rows
                    .iter()
                    .chain(table.totals.iter())
                    .map(|r| r.iter().map(|cell| cell.show()).collect()),
            )
            .collect();
    // The first text column (the name) takes what the others leave and wraps.
    let flex = table
        .columns
        .iter()
        .position(|col| col.kind == Kind::Text)
        .unwrap_or(0);
    let mut widths = vec![24.0; table.columns.len()];
    let scale = c.fit_columns(&mut widths, &cells, SIZE, flex, 110.0, RIGHT - LEFT);
    let size = SIZE * scale.min(1.0);
    let mut xs = Vec::with_capacity(widths.len());
    let mut x = LEFT;
    for w in &widths {
        xs.push(x);
        x += w;
    }
    let align = |i: usize| {
        if table.columns[i].kind == Kind::Text {
            Align::Left
        } else {
            Align::Right
        }
    };
    let anchor = |i: usize| match align(i) {
        Align::Left => xs[i] + 2.0,
        _ => xs[i] + widths[i] - 2.0,
    };
    let header = |c: &mut Canvas, y: f32| {
        let lines: Vec<Vec<String>> = cells[0]
            .iter()
            .zip(&widths)
            .map(|(t, w)| c.wrap(t, size, Bold, w - 4.0))
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * LINE + 4.0;
        c.fill(LEFT, y, RIGHT - LEFT, height, 0.9);
        for (i, col) in lines.iter().enumerate() {
            for (n, line) in col.iter().enumerate() {
                c.text(
                    anchor(i),
                    y + 9.0 + n as f32 * LINE,
                    size,
                    Bold,
                    align(i),
                    line,
                );
            }
        }
        y + height
    };
    y = header(c, y);
    let body = cells.len() - 1;
    for (k, row) in cells.iter().skip(1).enumerate() {
        let totals = table.totals.is_some() && k + 1 == body;
        let weight = if totals { Bold } else { Regular };
        let name = c.wrap(&row[flex], size, weight, widths[flex] - 4.0);
        let height = name.len().max(1) as f32 * LINE + 3.5;
        if y + height > BOTTOM {
            c.new_page();
            y = header(c, 48.0);
        }
        if totals {
            c.rule(LEFT, y, RIGHT, y, 0.8, 0.0);
        }
        for (i, text) in row.iter().enumerate() {
            if i == flex {
                for (n, line) in name.iter().enumerate() {
                    c.text(
                        anchor(i),
                        y + 9.0 + n as f32 * LINE,
                        size,
                        weight,
                        align(i),
                        line,
                    );
                }
            } else {
                c.text_fit(
                    anchor(i),
                    y + 9.0,
                    size,
                    weight,
                    align(i),
                    text,
                    widths[i] - 4.0,
                );
            }
        }
        y += height;
        if !totals {
            c.rule(LEFT, y, RIGHT, y, 0.3, 0.8);
        }
    }
    if table.rows.is_empty() {
        c.text(
            LEFT + 2.0,
            y + 12.0,
            8.5,
            Regular,
            Align::Left,
            "Nothing in this period.",
        );
        y += 16.0;
    }
    y
}

fn footers(c: &mut Canvas) {
    let pages = c.page_count();
    for page in 0..pages {
        c.on_page(page);
        c.text_grey(
            LEFT,
            A4_HEIGHT - 30.0,
            7.0,
            Regular,
            Align::Left,
            "AuroMart · figures from the orders as they stood when this was made",
            0.35,
        );
        c.text_grey(
            RIGHT,
            A4_HEIGHT - 30.0,
            7.0,
            Regular,
            Align::Right,
            &format!("Page {} of {pages}", page + 1),
            0.35,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::layout_check::problems;
    use crate::reports::table::Cell;

    // Paise written with Indian grouping (lakh, crore), as the figures are read.
    #[allow(clippy::inconsistent_digit_grouping)]
    fn table(rows: usize) -> ReportTable {
        ReportTable::of(
            "By shop",
            &[
                ("Shop", Kind::Text),
                ("Town", Kind::Text),
                ("Orders", Kind::Count),
                ("Lines", Kind::Count),
                ("Value with GST", Kind::Money),
                ("Last order", Kind::Text),
            ],
            (0..rows).map(|n| {
                vec![
                    Cell::Text(format!(
                        "Shree Ganesh Kirana and General Stores Market Yard {n}"
                    )),
                    Cell::Text("Pimpri-Chinchwad".into()),
                    Cell::Count(99_999),
                    Cell::Count(999_999),
                    Cell::Money(99_99_99_99_999),
                    Cell::Text("30 Nov 2026".into()),
                ]
            }),
        )
    }

    #[test]
    fn every_row_and_the_totals_are_legible_on_every_page() {
        let t = table(150);
        let about = vec![
            "1 Nov 2026 – 30 Nov 2026".to_string(),
            "Shree Ganesh Wholesale Traders, Pune".to_string(),
        ];
        let c = layout(&[&t, &table(3)], "Sales · By shop", &about).expect("lays out");
        assert!(c.page_count() >= 3, "{} pages", c.page_count());
        let found = problems(c.text_boxes());
        assert!(found.is_empty(), "{}", found.join("\n"));
        // The totals row's figures are there, as the screen shows them.
        let total = t.totals.as_ref().unwrap()[4].show();
        assert!(c.text_boxes().iter().any(|b| b.text == total), "{total}");
        let last = c
            .text_boxes()
            .iter()
            .filter(|b| b.text.starts_with("Page "))
            .count();
        assert_eq!(last, c.page_count());
    }

    #[test]
    fn an_empty_table_says_so() {
        let c = layout(&[&table(0)], "Sales · By shop", &[]).expect("lays out");
        assert!(
            c.text_boxes()
                .iter()
                .any(|b| b.text == "Nothing in this period.")
        );
        assert!(problems(c.text_boxes()).is_empty());
    }
}
