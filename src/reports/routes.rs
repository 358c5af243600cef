//! Downloads of the reports' tables as CSV or XLSX: plain GETs a browser saves,
//! authorised like each page's server function (signed in, of the report's
//! kinds, only the caller's own figures), else 401 / 403; a bad period is a 422
//! saying why; an unknown table or format is a 404.

use super::{PeriodQuery, Report, Section};
use crate::domain::OrgKind;
use crate::error::AppError;
use crate::server::http::{attachment, error_response};
use crate::server::{AppState, Ctx};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::request::Parts;

/// A download handler: who may call it and how its report is made.
macro_rules! download_route {
    ($(#[$doc:meta])* $name:ident, $kinds:expr, $make:path) => {
        download_route!($(#[$doc])* $name, $kinds, $make, [] => $make);
    };
    // `$sections` come from the report `$apart` (made apart from the main one).
    ($(#[$doc:meta])* $name:ident, $kinds:expr, $make:path, $sections:expr => $apart:path) => {
        $(#[$doc])*
        pub async fn $name(
            State(state): State<AppState>,
            Path((section, format)): Path<(String, String)>,
            Query(q): Query<PeriodQuery>,
            parts: Parts,
        ) -> Response {
            let result = async {
                let ctx = Ctx::from_parts(state, parts, $kinds).await?;
                let section = Section::parse(&section).ok_or_else(no_such_report)?;
                if section == Section::Lines {
                    return super::export::lines(&ctx, &q, &format).await;
                }
                if $sections.contains(&section) {
                    let report = $apart(&ctx, &q, false).await?;
                    return download(&ctx, &format, section, report).await;
                }
                let report = $make(&ctx, &q, false).await?;
                download(&ctx, &format, section, report).await
            };
            result.await.unwrap_or_else(error_response)
        }
    };
}

download_route!(
    /// The sales (a shop's purchases) report's tables, for a distributor or a shop.
    sales_download,
    &OrgKind::PARTIES,
    super::service::sales
);
download_route!(
    /// A brand's report tables, for its manufacturer only.
    brand_download,
    &[OrgKind::Manufacturer],
    super::brand::report
);
download_route!(
    /// The platform report's tables, for AuroMart's admins only.
    platform_download,
    &[OrgKind::Platform],
    super::platform::report,
    super::PlatformTables::SECTIONS => super::platform::tables
);

download_route!(
    /// A distributor's receivables and collections (`khata::report`).
    receivables_download,
    &[OrgKind::Distributor],
    crate::khata::report::receivables
);

fn no_such_report() -> AppError {
    AppError::NotFound("There is no such report.".into())
}

/// A table as a CSV or XLSX file named after the report, section and period,
/// never cached (the figures change with every order).
async fn download<R: Report>(
    ctx: &Ctx,
    format: &str,
    section: Section,
    report: R,
) -> Result<Response, AppError> {
    if let Some(why) = report.downloads_blocked() {
        return Err(AppError::Forbidden(why));
    }
    let period = report.period();
    let name = format!(
        "{}-{}-{}-{}",
        R::NAME,
        section.as_str(),
        period.from,
        period.to
    );
    let table = report.section(section).ok_or_else(no_such_report)?;
    let heading = format!("{} · {}", R::TITLE, table.title);
    let about = vec![period.show(), format!("For {}", ctx.user().org_name)];
    table_file(format, &name, &heading, about, table).await
}

/// A table as a CSV, XLSX or PDF file called `name`, never cached (the figures
/// change with every order). The PDF and the workbook carry `heading`; the PDF
/// also the `about` lines and when it was made; the workbook the first of them.
pub async fn table_file(
    format: &str,
    name: &str,
    heading: &str,
    about: Vec<String>,
    table: super::table::ReportTable,
) -> Result<Response, AppError> {
    let mut res = match format {
        // A byte-order mark, so spreadsheet programs read the ₹ and Devanagari as UTF-8.
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("{name}.csv"),
            format!("\u{feff}{}", table.to_csv()).into_bytes(),
            None,
        ),
        "xlsx" => {
            let heading = match about.first() {
                Some(first) => format!("{heading} · {first}"),
                None => heading.to_string(),
            };
            let bytes = super::xlsx::workbook(&table, &heading).map_err(crate::error::internal)?;
            attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{name}.xlsx"),
                bytes,
                None,
            )
        }
        "pdf" => {
            if table.rows.len() > super::pdf::MAX_PDF_ROWS {
                return Err(AppError::field(
                    "format",
                    format!(
                        "This table has {} rows, too many for a PDF (at most {}): download it as Excel or CSV.",
                        table.rows.len(),
                        super::pdf::MAX_PDF_ROWS
                    ),
                ));
            }
            // India time is UTC + 5:30.
            let made = chrono::Utc::now() + chrono::TimeDelta::minutes(330);
            let mut about = about;
            about.push(format!("Made on {} IST", made.format("%-d %b %Y, %H:%M")));
            let heading = heading.to_string();
            let bytes = tokio::task::spawn_blocking(move || {
                super::pdf::layout(&[&table], &heading, &about).and_then(|c| c.finish())
            })
            .await
            .map_err(crate::error::internal)?
            .map_err(crate::error::internal)?;
            attachment("application/pdf", format!("{name}.pdf"), bytes, None)
        }
        _ => return Err(no_such_report()),
    };

    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
