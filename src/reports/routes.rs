//! Downloads of the sales report's tables as CSV: a plain GET a browser saves,
//! authorised like the page's server function (signed in, a distributor or a
//! shop, only its own orders), else 401 / 403; a bad period is a 422 saying why.

use super::{PeriodQuery, Section};
use crate::domain::OrgKind;
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
        let section = Section::parse(&section)
            .ok_or_else(|| AppError::NotFound("There is no such report.".into()))?;
        let report = super::service::sales(&ctx, &q).await?;
        let table = match section {
            Section::Series => super::service::series_table(&report),
            Section::Parties => report.parties,
            Section::Products => report.products,
            Section::Categories => report.categories,
        };
        let name = format!(
            "sales-{}-{}-{}.csv",
            section.as_str(),
            report.period.from,
            report.period.to
        );
        // A byte-order mark, so spreadsheet programs read the ₹ and Devanagari as UTF-8.
        let body = format!("\u{feff}{}", table.to_csv()).into_bytes();
        let mut res = attachment("text/csv; charset=utf-8", name, body, None);
        res.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
        Ok::<_, AppError>(res)
    };
    result.await.unwrap_or_else(error_response)
}
