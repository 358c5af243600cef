//! The monthly statement of account for one retailer–distributor pair: every invoice
//! and credit note of the month with its taxable value, tax and amount, and the net
//! amount. Derived from the stored documents each time it is asked for.

use crate::domain::money::{Paise, plain};
use crate::error::AppError;
use crate::pdf::canvas::{A4_HEIGHT, Align, Canvas};
use crate::pdf::fonts::Weight::{Bold, Regular};
use crate::server::guard::{internal, not_found};

const LEFT: f32 = 36.0;
const RIGHT: f32 = 559.0;

/// One invoice or credit note of the month.
#[derive(sqlx::FromRow)]
pub struct Line {
    pub kind: String,
    pub number: String,
    pub issued_on: String,
    pub order_id: i64,
    pub refers_to: Option<String>,
    pub taxable_paise: i64,
    pub tax_paise: i64,
    pub total_paise: i64,
}

/// A party as the statement prints it.
pub struct Party {
    pub name: String,
    pub address: String,
    pub gstin: Option<String>,
}

/// Everything a statement shows.
pub struct Statement {
    pub year: i32,
    pub month: u32,
    pub supplier: Party,
    pub recipient: Party,
    pub lines: Vec<Line>,
}

/// "2026-11" → (2026, 11), refusing anything else.
pub fn parse_month(month: &str) -> Option<(i32, u32)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    ((2000..=2200).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The statement of a pair that has traded: without a single document between
/// them the pair is "not found", exactly like ids that do not exist, so a caller
/// cannot learn another party's name, address or GSTIN by trying ids.
pub async fn render_for(
    db: &sqlx::PgPool,
    month: &str,
    distributor: i64,
    retailer: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (year, m) = parse_month(month).ok_or_else(|| not_found("Statement"))?;
    let first = format!("{year:04}-{m:02}-01");
    let mut conn = db.acquire().await?;
    let names = sqlx::query!(
        r#"SELECT d.trade_name AS d_name, d.address_line || ', ' || d.city || ' ' || d.pincode AS "d_addr!",
                  d.gstin AS d_gstin, r.trade_name AS r_name,
                  r.address_line || ', ' || r.city || ' ' || r.pincode AS "r_addr!", r.gstin AS r_gstin
             FROM organisations d, organisations r
            WHERE d.id = $1 AND d.kind = 'distributor' AND r.id = $2 AND r.kind = 'retailer'
              AND EXISTS (SELECT 1 FROM invoices i WHERE i.distributor_id = d.id AND i.retailer_id = r.id)"#,
        distributor,
        retailer
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| not_found("Statement"))?;
    let (d_name, d_addr, r_name, d_gstin, r_addr, r_gstin) = (
        names.d_name,
        names.d_addr,
        names.r_name,
        names.d_gstin,
        names.r_addr,
        names.r_gstin,
    );
    let file = format!(
        "statement-{month}-{}.pdf",
        r_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(30)
            .collect::<String>()
    );
    let lines: Vec<Line> = sqlx::query_as!(Line, r#"SELECT i.kind, i.number, show_date(i.issued_on) AS "issued_on!", i.order_id,
                ref.number AS "refers_to?", i.taxable_paise, i.cgst_paise + i.sgst_paise + i.igst_paise AS "tax_paise!", i.total_paise
           FROM invoices i LEFT JOIN invoices ref ON ref.id = i.refers_to
          WHERE i.distributor_id = $1 AND i.retailer_id = $2
            AND i.issued_on >= $3::text::date AND i.issued_on < ($3::text::date + interval '1 month')
          ORDER BY i.issued_on, i.id"#, distributor, retailer, &first)
    .fetch_all(&mut *conn)
    .await?;
    let statement = Statement {
        year,
        month: m,
        supplier: Party {
            name: d_name,
            address: d_addr,
            gstin: d_gstin,
        },
        recipient: Party {
            name: r_name,
            address: r_addr,
            gstin: r_gstin,
        },
        lines,
    };
    let pdf = render(&statement).map_err(|e| internal(format!("statement PDF: {e}")))?;
    Ok((file, pdf))
}

/// The statement as an A4 PDF.
pub fn render(st: &Statement) -> Result<Vec<u8>, crate::pdf::canvas::PdfError> {
    layout(st)?.finish()
}

/// The statement laid out on as many pages as it needs.
pub fn layout(st: &Statement) -> Result<Canvas, crate::pdf::canvas::PdfError> {
    let (year, m, lines) = (st.year, st.month, &st.lines);
    let title = format!("{} {year}", MONTHS[(m.clamp(1, 12) - 1) as usize]);
    let mut c = Canvas::new(&format!("Statement {title}"))?;
    c.text(LEFT, 48.0, 15.0, Bold, Align::Left, "STATEMENT OF ACCOUNT");
    c.text(RIGHT, 48.0, 11.0, Bold, Align::Right, &title);
    c.rule(LEFT, 56.0, RIGHT, 56.0, 1.0, 0.0);
    let mut y = 74.0;
    let width = RIGHT - LEFT - 90.0;
    for (label, p) in [
        ("From (supplier)", &st.supplier),
        ("To (recipient)", &st.recipient),
    ] {
        c.text_grey(LEFT, y, 7.5, Regular, Align::Left, label, 0.35);
        for line in c.wrap(&p.name, 9.5, Bold, width) {
            c.text(LEFT + 90.0, y, 9.5, Bold, Align::Left, &line);
            y += 12.0;
        }
        let gstin = format!("GSTIN: {}", p.gstin.as_deref().unwrap_or("unregistered"));
        for text in [&p.address, &gstin] {
            for line in c.wrap(text, 8.5, Regular, width) {
                c.text(LEFT + 90.0, y, 8.5, Regular, Align::Left, &line);
                y += 11.0;
            }
        }
        y += 7.0;
    }
    // (title, anchor x, alignment, width): each cell is drawn within its width,
    // the document's text wrapping, the figures shrinking if ever they must.
    let cols: [(&str, f32, Align, f32); 6] = [
        ("Date", LEFT, Align::Left, 62.0),
        ("Document", LEFT + 62.0, Align::Left, 180.0),
        ("Order", LEFT + 242.0, Align::Left, 52.0),
        ("Taxable", LEFT + 370.0, Align::Right, 76.0),
        ("GST", LEFT + 444.0, Align::Right, 74.0),
        ("Amount", RIGHT, Align::Right, 79.0),
    ];
    let header = |c: &mut Canvas, y: f32| {
        c.fill(LEFT, y, RIGHT - LEFT, 14.0, 0.9);
        for (t, x, a, _) in cols {
            let x = if a == Align::Left { x + 2.0 } else { x - 2.0 };
            c.text(x, y + 10.0, 7.5, Bold, a, t);
        }
        y + 14.0
    };
    y = header(&mut c, y);
    let (mut invoiced, mut credited) = (0i64, 0i64);
    for l in lines {
        let credit = l.kind == "credit_note";
        let sign = if credit { -1 } else { 1 };
        if credit {
            credited += l.total_paise;
        } else {
            invoiced += l.total_paise;
        }
        let doc = match (&l.refers_to, credit) {
            (Some(r), true) => format!("Credit note {} (against {r})", l.number),
            _ => format!("Invoice {}", l.number),
        };
        let cells = [
            l.issued_on.clone(),
            doc,
            format!("#{}", l.order_id),
            plain(sign * l.taxable_paise),
            plain(sign * l.tax_paise),
            plain(sign * l.total_paise),
        ];
        let doc_lines = c.wrap(&cells[1], 7.5, Regular, cols[1].3 - 4.0);
        let height = doc_lines.len() as f32 * 9.5 + 3.5;
        if y + height > A4_HEIGHT - 90.0 {
            c.new_page();
            y = header(&mut c, 48.0);
        }
        for (k, ((_, x, a, width), text)) in cols.iter().zip(&cells).enumerate() {
            let x = if *a == Align::Left { x + 2.0 } else { x - 2.0 };
            if k == 1 {
                for (n, line) in doc_lines.iter().enumerate() {
                    c.text(x, y + 9.0 + n as f32 * 9.5, 7.5, Regular, *a, line);
                }
            } else {
                c.text_fit(x, y + 9.0, 7.5, Regular, *a, text, width - 4.0);
            }
        }
        y += height;
        c.rule(LEFT, y, RIGHT, y, 0.3, 0.8);
    }
    if lines.is_empty() {
        c.text(
            LEFT + 2.0,
            y + 12.0,
            8.5,
            Regular,
            Align::Left,
            "No invoices or credit notes this month.",
        );
        y += 16.0;
    }
    y += 18.0;
    for (label, value, weight) in [
        ("Invoiced", Paise(invoiced), Regular),
        ("Less credit notes", Paise(-credited), Regular),
        ("Net for the month", Paise(invoiced - credited), Bold),
    ] {
        c.text(RIGHT - 220.0, y, 9.0, weight, Align::Left, label);
        c.text_fit(
            RIGHT,
            y,
            9.0,
            weight,
            Align::Right,
            &value.to_string(),
            120.0,
        );
        y += 13.0;
    }
    c.text_grey(
        LEFT,
        A4_HEIGHT - 30.0,
        7.0,
        Regular,
        Align::Left,
        "Derived from the tax invoices and credit notes issued through AuroMart; each document is the record.",
        0.35,
    );
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::layout_check::problems;

    // Paise written with Indian grouping (lakh, crore), as the figures are read.
    #[allow(clippy::inconsistent_digit_grouping)]
    #[test]
    fn no_two_texts_meet_at_the_largest_figures() {
        let long = "Shree Ganesh Wholesale Traders Private Limited of Market Yard Pune ".repeat(3);
        let party = |gstin: Option<&str>| Party {
            name: long.trim().to_string(),
            address: long.trim().to_string(),
            gstin: gstin.map(str::to_string),
        };
        let line = |kind: &str, n: i64, refers: Option<&str>| Line {
            kind: kind.into(),
            number: format!("SGTXX-CN/2627/{n:05}"),
            issued_on: "30 Nov 2026".into(),
            order_id: 99_999_999 - n,
            refers_to: refers.map(str::to_string),
            taxable_paise: 9_99_99_99_999,
            tax_paise: 3_99_99_99_999,
            total_paise: 99_99_99_99_999,
        };
        let mut lines = Vec::new();
        for n in 0..70 {
            lines.push(line("invoice", n, None));
            lines.push(line("credit_note", n, Some("SGTXX-INV/2627/99999")));
        }
        let st = Statement {
            year: 2026,
            month: 11,
            supplier: party(Some("27AAPFU0939F1ZV")),
            recipient: party(None),
            lines,
        };
        let canvas = layout(&st).expect("lays out");
        assert!(canvas.page_count() >= 3);
        let found = problems(canvas.text_boxes());
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn months() {
        assert_eq!(super::parse_month("2026-11"), Some((2026, 11)));
        for bad in ["2026-13", "2026-1", "26-11", "abcd-ef", ""] {
            assert_eq!(super::parse_month(bad), None, "{bad}");
        }
    }
}
