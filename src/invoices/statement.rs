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

#[derive(sqlx::FromRow)]
struct Line {
    kind: String,
    number: String,
    issued_on: String,
    order_id: i64,
    refers_to: Option<String>,
    taxable_paise: i64,
    tax_paise: i64,
    total_paise: i64,
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

pub async fn render_for(
    db: &sqlx::PgPool,
    month: &str,
    distributor: i64,
    retailer: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (year, m) = parse_month(month).ok_or_else(|| not_found("Statement"))?;
    let first = format!("{year:04}-{m:02}-01");
    let mut conn = db.acquire().await.map_err(internal)?;
    #[allow(clippy::type_complexity)]
    let names: Option<(String, String, String, Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT d.trade_name, d.address_line || ', ' || d.city || ' ' || d.pincode, r.trade_name, d.gstin,
                r.address_line || ', ' || r.city || ' ' || r.pincode, r.gstin
           FROM organisations d, organisations r
          WHERE d.id = $1 AND d.kind = 'distributor' AND r.id = $2 AND r.kind = 'retailer'",
    )
    .bind(distributor)
    .bind(retailer)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    let (d_name, d_addr, r_name, d_gstin, r_addr, r_gstin) =
        names.ok_or_else(|| not_found("Statement"))?;
    let lines: Vec<Line> = sqlx::query_as(
        "SELECT i.kind, i.number, to_char(i.issued_on, 'DD Mon YYYY') AS issued_on, i.order_id, ref.number AS refers_to,
                i.taxable_paise, i.cgst_paise + i.sgst_paise + i.igst_paise AS tax_paise, i.total_paise
           FROM invoices i LEFT JOIN invoices ref ON ref.id = i.refers_to
          WHERE i.distributor_id = $1 AND i.retailer_id = $2
            AND i.issued_on >= $3::date AND i.issued_on < ($3::date + interval '1 month')
          ORDER BY i.issued_on, i.id",
    )
    .bind(distributor)
    .bind(retailer)
    .bind(&first)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let title = format!("{} {year}", MONTHS[(m - 1) as usize]);
    let mut c = Canvas::new(&format!("Statement {title}"))
        .map_err(|e| internal(format!("statement PDF: {e}")))?;
    c.text(LEFT, 48.0, 15.0, Bold, Align::Left, "STATEMENT OF ACCOUNT");
    c.text(RIGHT, 48.0, 11.0, Bold, Align::Right, &title);
    c.rule(LEFT, 56.0, RIGHT, 56.0, 1.0, 0.0);
    let mut y = 74.0;
    for (label, name, addr, gstin) in [
        ("From (supplier)", &d_name, &d_addr, &d_gstin),
        ("To (recipient)", &r_name, &r_addr, &r_gstin),
    ] {
        c.text_grey(LEFT, y, 7.5, Regular, Align::Left, label, 0.35);
        c.text(LEFT + 90.0, y, 9.5, Bold, Align::Left, name);
        y += 12.0;
        c.text(LEFT + 90.0, y, 8.5, Regular, Align::Left, addr);
        y += 11.0;
        c.text(
            LEFT + 90.0,
            y,
            8.5,
            Regular,
            Align::Left,
            &format!("GSTIN: {}", gstin.as_deref().unwrap_or("unregistered")),
        );
        y += 18.0;
    }
    let cols: [(&str, f32, Align); 6] = [
        ("Date", LEFT, Align::Left),
        ("Document", LEFT + 70.0, Align::Left),
        ("Order", LEFT + 250.0, Align::Left),
        ("Taxable", LEFT + 365.0, Align::Right),
        ("GST", LEFT + 435.0, Align::Right),
        ("Amount", RIGHT, Align::Right),
    ];
    let header = |c: &mut Canvas, y: f32| {
        c.fill(LEFT, y, RIGHT - LEFT, 14.0, 0.9);
        for (t, x, a) in cols {
            let x = if a == Align::Left { x + 2.0 } else { x - 2.0 };
            c.text(x, y + 10.0, 7.5, Bold, a, t);
        }
        y + 14.0
    };
    y = header(&mut c, y);
    let (mut invoiced, mut credited) = (0i64, 0i64);
    for l in &lines {
        if y > A4_HEIGHT - 90.0 {
            c.new_page();
            y = header(&mut c, 48.0);
        }
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
        for ((_, x, a), text) in cols.iter().zip(&cells) {
            let x = if *a == Align::Left { x + 2.0 } else { x - 2.0 };
            c.text(x, y + 9.0, 7.5, Regular, *a, text);
        }
        y += 13.0;
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
        c.text(RIGHT - 200.0, y, 9.0, weight, Align::Left, label);
        c.text(RIGHT, y, 9.0, weight, Align::Right, &value.to_string());
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
    let pdf = c
        .finish()
        .map_err(|e| internal(format!("statement PDF: {e}")))?;
    let file = format!(
        "statement-{month}-{}.pdf",
        r_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(30)
            .collect::<String>()
    );
    Ok((file, pdf))
}

#[cfg(test)]
mod tests {
    #[test]
    fn months() {
        assert_eq!(super::parse_month("2026-11"), Some((2026, 11)));
        for bad in ["2026-13", "2026-1", "26-11", "abcd-ef", ""] {
            assert_eq!(super::parse_month(bad), None, "{bad}");
        }
    }
}
