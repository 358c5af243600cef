//! Downloads of the sales report's tables as CSV: a plain GET a browser saves,
//! authorised like the page's server function (signed in, a distributor or a
//! shop, only its own orders), else 401 / 403; a bad period is a 422 saying why.

use super::table::ReportTable;
use super::{PeriodQuery, Section};
use crate::domain::OrgKind;
use crate::domain::period::Period;
use crate::error::AppError;
use crate::server::http::{attachment, error_response};
use crate::server::{AppState, Ctx};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::request::Parts;

pub async fn sales_download(
    State(state): State<AppState>,
    Path((section, format)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &OrgKind::PARTIES).await?;
        let section = Section::parse(&section).ok_or_else(no_such_report)?;
        let report = super::service::sales(&ctx, &q).await?;
        let (period, title) = (report.period, "Sales");
        let table = report.section(section).ok_or_else(no_such_report)?;
        download(&format, "sales", section, title, period, &table)
    };
    result.await.unwrap_or_else(error_response)
}

/// A brand's report tables as CSV or XLSX, for its manufacturer only.
pub async fn brand_download(
    State(state): State<AppState>,
    Path((section, format)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Manufacturer]).await?;
        let section = Section::parse(&section).ok_or_else(no_such_report)?;
        let report = super::brand::report(&ctx, &q).await?;
        let (period, title) = (report.period, "Brand sales");
        let table = report.section(section).ok_or_else(no_such_report)?;
        download(&format, "brand", section, title, period, &table)
    };
    result.await.unwrap_or_else(error_response)
}

fn no_such_report() -> AppError {
    AppError::NotFound("There is no such report.".into())
}

/// A table as a CSV or XLSX file named after the report, section and period,
/// never cached (the figures change with every order).
fn download(
    format: &str,
    report: &str,
    section: Section,
    title: &str,
    period: Period,
    table: &ReportTable,
) -> Result<Response, AppError> {
    let name = format!(
        "{report}-{}-{}-{}",
        section.as_str(),
        period.from,
        period.to
    );
    let mut res = match format {
        // A byte-order mark, so spreadsheet programs read the ₹ and Devanagari as UTF-8.
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("{name}.csv"),
            format!("\u{feff}{}", table.to_csv()).into_bytes(),
            None,
        ),
        "xlsx" => {
            let heading = format!("{title} · {} · {}", table.title, period.show());
            let bytes = super::xlsx::workbook(table, &heading).map_err(crate::error::internal)?;
            attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{name}.xlsx"),
                bytes,
                None,
            )
        }
        _ => return Err(no_such_report()),
    };
    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// The platform report's tables as CSV or XLSX, for AuroMart's admins only.
pub async fn platform_download(
    State(state): State<AppState>,
    Path((section, format)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Platform]).await?;
        let section = Section::parse(&section).ok_or_else(no_such_report)?;
        let report = super::platform::report(&ctx, &q).await?;
        let (period, title) = (report.period, "Platform");
        let table = report.section(section).ok_or_else(no_such_report)?;
        download(&format, "platform", section, title, period, &table)
    };
    result.await.unwrap_or_else(error_response)
}
