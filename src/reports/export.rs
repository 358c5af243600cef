//! Every order line of a period, downloaded as CSV or XLSX however many there
//! are: rows are read from PostgreSQL as a stream and written out as they come,
//! so the server holds a few thousand rows at a time, not the file.
//!
//! - CSV is streamed to the browser chunk by chunk.
//! - XLSX is written by rust_xlsxwriter in its constant-memory mode (each row
//!   goes to an anonymous temporary file, deleted by the system when closed),
//!   then zipped straight into the response.
//!
//! A dropped connection closes the channel the writer sends into: the query,
//! the writer and its temporary file all stop and are gone. `X-Rows` tells the
//! page how many lines to expect, for its progress bar.

use super::PeriodQuery;
use super::service::{Resolved, naive, resolve};
use super::xlsx::{COUNT_FORMAT, INR_FORMAT};
use crate::domain::OrgKind;
use crate::domain::order::OrderState;
use crate::error::AppError;
use crate::server::Ctx;
use axum::body::{Body, Bytes};
use axum::response::Response;
use chrono::NaiveDate;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::io::Write;
use tokio::sync::mpsc;

/// One order line as the export writes it.
pub struct LineRow {
    pub day: NaiveDate,
    pub order_id: i64,
    pub state: OrderState,
    pub shop: String,
    pub town: String,
    pub distributor: String,
    pub product: String,
    pub brand: String,
    pub hsn: String,
    pub qty: i32,
    pub unit: String,
    pub unit_price_paise: i64,
    pub value_paise: i64,
    pub tax_rate_bp: i32,
}

const HEADER: [&str; 14] = [
    "Date",
    "Order",
    "Status",
    "Shop",
    "Town",
    "Distributor",
    "Product",
    "Brand",
    "HSN",
    "Quantity",
    "Unit",
    "Unit price",
    "Value before GST",
    "GST rate %",
];

/// Bytes gathered before a CSV chunk is sent.
const CHUNK: usize = 64 * 1024;

// Orders placed in the period (India days $2–$3, as the rollups date them),
// through the tenant's own index, oldest first.
macro_rules! lines_query {
    ($db:expr, $where:literal $(, $arg:expr)*) => {
        sqlx::query_as!(
            LineRow,
            r#"SELECT ist_day(o.created_at) AS "day!", o.id AS order_id, o.state AS "state: OrderState",
                      r.trade_name AS shop, r.city AS town, d.trade_name AS distributor,
                      l.name AS product, l.brand, l.hsn, l.qty AS "qty!: i32", l.unit,
                      l.unit_price_paise AS "unit_price_paise!: i64",
                      (l.qty::bigint * l.unit_price_paise) AS "value_paise!", l.tax_rate_bp
                 FROM orders o
                 JOIN order_lines l ON l.order_id = o.id
                 JOIN organisations r ON r.id = o.retailer_id
                 JOIN organisations d ON d.id = o.distributor_id
                WHERE "# + $where + r#"
                  AND o.created_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Kolkata'
                  AND o.created_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
                ORDER BY o.created_at, o.id, l.line_no"#
            $(, $arg)*
        )
        .fetch($db)
    };
}

/// Whose lines: a distributor's, a shop's, or (for the admin) everyone's.
#[derive(Clone, Copy)]
enum Side {
    Distributor(i64),
    Retailer(i64),
    Platform,
}

fn rows<'a>(
    db: &'a sqlx::PgPool,
    side: Side,
    from: NaiveDate,
    to: NaiveDate,
) -> BoxStream<'a, Result<LineRow, sqlx::Error>> {
    match side {
        Side::Distributor(id) => lines_query!(db, "o.distributor_id = $1", id, from, to),
        Side::Retailer(id) => lines_query!(db, "o.retailer_id = $1", id, from, to),
        Side::Platform => lines_query!(db, "$1::bigint IS NULL", None::<i64>, from, to),
    }
}

/// How many lines the period has, from the rollups (for the progress bar).
async fn expected(ctx: &Ctx, side: Side, from: NaiveDate, to: NaiveDate) -> Result<i64, AppError> {
    let (d, r) = match side {
        Side::Distributor(id) => (Some(id), None),
        Side::Retailer(id) => (None, Some(id)),
        Side::Platform => (None, None),
    };
    Ok(sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(lines), 0)::bigint AS "n!" FROM orders_daily
            WHERE day BETWEEN $1 AND $2
              AND ($3::bigint IS NULL OR distributor_id = $3) AND ($4::bigint IS NULL OR retailer_id = $4)"#,
        from,
        to,
        d,
        r
    )
    .fetch_one(ctx.db())
    .await?)
}

fn csv_line(out: &mut String, r: &LineRow) {
    use super::table::Cell;
    let text = |t: &str| Cell::Text(t.to_string());
    let cells = [
        super::service::civil(r.day)
            .map(Cell::Date)
            .unwrap_or(Cell::Text(String::new())),
        Cell::Count(r.order_id),
        text(r.state.label()),
        text(&r.shop),
        text(&r.town),
        text(&r.distributor),
        text(&r.product),
        text(&r.brand),
        text(&r.hsn),
        Cell::Count(i64::from(r.qty)),
        text(&r.unit),
        Cell::Money(r.unit_price_paise),
        Cell::Money(r.value_paise),
        text(&rate(r.tax_rate_bp)),
    ];
    let fields: Vec<String> = cells.iter().map(super::table::csv_cell).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// A GST rate in basis points as per cent: 1800 → "18", 25 → "0.25".
fn rate(bp: i32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// The caller's order lines of the period as `format` (csv or xlsx).
pub async fn lines(ctx: &Ctx, q: &PeriodQuery, format: &str) -> Result<Response, AppError> {
    let side = match ctx.user().org_kind {
        OrgKind::Distributor => Side::Distributor(ctx.user().org_id),
        OrgKind::Retailer => Side::Retailer(ctx.user().org_id),
        OrgKind::Platform => Side::Platform,
        OrgKind::Manufacturer => return Err(AppError::NotFound("There is no such report.".into())),
    };
    if !matches!(format, "csv" | "xlsx") {
        return Err(AppError::NotFound("There is no such report.".into()));
    }
    let Resolved {
        period,
        downloads_blocked,
        ..
    } = resolve(ctx, q, false).await?;
    if let Some(why) = downloads_blocked {
        return Err(AppError::Forbidden(why));
    }
    let (from, to) = (naive(period.from), naive(period.to));
    let total = expected(ctx, side, from, to).await?;
    let name = format!("order-lines-{}-{}", period.from.iso(), period.to.iso());
    let db = ctx.db().clone();
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (content_type, file) = if format == "csv" {
        tokio::spawn(stream_csv(db, side, from, to, tx));
        ("text/csv; charset=utf-8", format!("{name}.csv"))
    } else {
        tokio::spawn(stream_xlsx(db, side, from, to, tx, period.show()));
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{name}.xlsx"),
        )
    };
    let body = Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    Response::builder()
        .header(http::header::CONTENT_TYPE, content_type)
        .header(
            http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        )
        .header(http::header::CACHE_CONTROL, "private, no-store")
        .header("x-rows", total.to_string())
        .body(body)
        .map_err(crate::error::internal)
}

async fn stream_csv(
    db: sqlx::PgPool,
    side: Side,
    from: NaiveDate,
    to: NaiveDate,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let mut out = String::with_capacity(CHUNK + 1024);
    // A byte-order mark, so spreadsheet programs read the ₹ and Devanagari as UTF-8.
    out.push('\u{feff}');
    out.push_str(&HEADER.join(","));
    out.push_str("\r\n");
    let mut stream = rows(&db, side, from, to);
    while let Some(row) = stream.next().await {
        match row {
            Ok(r) => csv_line(&mut out, &r),
            Err(e) => {
                tracing::error!(error = %e, "order lines export");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                return;
            }
        }
        if out.len() >= CHUNK {
            let chunk = Bytes::from(std::mem::replace(
                &mut out,
                String::with_capacity(CHUNK + 1024),
            ));
            if tx.send(Ok(chunk)).await.is_err() {
                return; // The browser went away: stop reading.
            }
        }
    }
    let _ = tx.send(Ok(Bytes::from(out))).await;
}

/// Sends what the workbook writes into the response, in chunks.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "download closed"))
    }
}

async fn stream_xlsx(
    db: sqlx::PgPool,
    side: Side,
    from: NaiveDate,
    to: NaiveDate,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    heading: String,
) {
    // Rows go from the query to the workbook's thread through a bounded queue.
    let (rows_tx, rows_rx) = mpsc::channel::<LineRow>(2048);
    let out = tx.clone();
    let writer = tokio::task::spawn_blocking(move || write_xlsx(rows_rx, out, &heading));
    let mut stream = rows(&db, side, from, to);
    let mut failed = false;
    while let Some(row) = stream.next().await {
        match row {
            Ok(r) => {
                if rows_tx.send(r).await.is_err() || tx.is_closed() {
                    failed = true;
                    break;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "order lines export");
                failed = true;
                break;
            }
        }
    }
    drop(stream);
    drop(rows_tx);
    match writer.await {
        Ok(Ok(())) if !failed => {}
        Ok(Ok(())) | Ok(Err(_)) | Err(_) => {
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
        }
    }
}

fn write_xlsx(
    mut rows: mpsc::Receiver<LineRow>,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    heading: &str,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(INR_FORMAT);
    let count = Format::new().set_num_format(COUNT_FORMAT);
    let date = Format::new().set_num_format("d mmm yyyy");
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Order lines")?;
    // Widths first: a constant-memory sheet writes its columns before its rows.
    for (i, w) in [12, 9, 16, 28, 14, 28, 36, 16, 10, 10, 8, 14, 16, 10]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(i as u16, w)?;
    }
    sheet.write_string_with_format(0, 0, format!("Order lines · {heading}"), &bold)?;
    for (i, h) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(1, i as u16, *h, &bold)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    let mut at = 2u32;
    while let Some(r) = rows.blocking_recv() {
        let day = super::service::civil(r.day)
            .map(|d| d.days_since_epoch())
            .unwrap_or(0);
        sheet.write_number_with_format(at, 0, f64::from(day + 25_569), &date)?;
        sheet.write_number(at, 1, r.order_id as f64)?;
        sheet.write_string(at, 2, r.state.label())?;
        for (col, text) in [
            (3, &r.shop),
            (4, &r.town),
            (5, &r.distributor),
            (6, &r.product),
            (7, &r.brand),
            (8, &r.hsn),
        ] {
            sheet.write_string(at, col, text)?;
        }
        sheet.write_number_with_format(at, 9, f64::from(r.qty), &count)?;
        sheet.write_string(at, 10, &r.unit)?;
        sheet.write_number_with_format(at, 11, r.unit_price_paise as f64 / 100.0, &money)?;
        sheet.write_number_with_format(at, 12, r.value_paise as f64 / 100.0, &money)?;
        sheet.write_number(at, 13, f64::from(r.tax_rate_bp) / 100.0)?;
        at += 1;
        if at > 1_048_575 {
            // Excel's last row; the CSV has no such limit.
            break;
        }
    }
    let mut w = ChannelWriter {
        tx,
        buf: Vec::with_capacity(CHUNK),
    };
    book.save_to_writer(&mut w)?;
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_as_per_cent() {
        for (bp, s) in [
            (1800, "18"),
            (500, "5"),
            (25, "0.25"),
            (150, "1.5"),
            (0, "0"),
        ] {
            assert_eq!(super::rate(bp), s);
        }
    }
}
