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

pub async fn sales_csv(
    State(state): State<AppState>,
    Path(section): Path<String>,
    Query(q): Query<PeriodQuery>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &OrgKind::PARTIES).await?;
        let section = Section::parse(&section).ok_or_else(no_such_report)?;
        let report = super::service::sales(&ctx, &q).await?;
        let name = file_name("sales", section, report.period);
        let table = report.section(section).ok_or_else(no_such_report)?;
        Ok::<_, AppError>(csv_response(name, &table))
    };
    result.await.unwrap_or_else(error_response)
}

/// A brand's report tables as CSV, for its manufacturer only.
pub async fn brand_csv(
    State(state): State<AppState>,
    Path(section): Path<String>,
    Query(q): Query<PeriodQuery>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Manufacturer]).await?;
        let section = Section::parse(&section).ok_or_else(no_such_report)?;
        let report = super::brand::report(&ctx, &q).await?;
        let name = file_name("brand", section, report.period);
        let table = report.section(section).ok_or_else(no_such_report)?;
        Ok::<_, AppError>(csv_response(name, &table))
    };
    result.await.unwrap_or_else(error_response)
}

fn no_such_report() -> AppError {
    AppError::NotFound("There is no such report.".into())
}

fn file_name(report: &str, section: Section, period: Period) -> String {
    format!(
        "{report}-{}-{}-{}.csv",
        section.as_str(),
        period.from,
        period.to
    )
}

/// A table as a CSV file, never cached (the figures change with every order).
fn csv_response(name: String, table: &ReportTable) -> Response {
    // A byte-order mark, so spreadsheet programs read the ₹ and Devanagari as UTF-8.
    let body = format!("\u{feff}{}", table.to_csv()).into_bytes();
    let mut res = attachment("text/csv; charset=utf-8", name, body, None);
    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("private, no-store"),
    );
    res
}

/// The platform report's tables as CSV, for AuroMart's admins only.
pub async fn platform_csv(
    State(state): State<AppState>,
    Path(section): Path<String>,
    Query(q): Query<PeriodQuery>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Platform]).await?;
        let section = Section::parse(&section).ok_or_else(no_such_report)?;
        let report = super::platform::report(&ctx, &q).await?;
        let name = file_name("platform", section, report.period);
        let table = report.section(section).ok_or_else(no_such_report)?;
        Ok::<_, AppError>(csv_response(name, &table))
    };
    result.await.unwrap_or_else(error_response)
}
