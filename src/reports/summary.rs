//! The monthly report a distributor's or a brand's owner gets on WhatsApp
//! (`whatsapp::monthly` queues it): last month's report as one PDF, made from
//! the same report functions and tables as the page and its downloads, as the
//! recipient would see them.

use super::PeriodQuery;
use crate::domain::OrgKind;
use crate::error::AppError;
use crate::invoices::statement::parse_month;
use crate::server::{AppState, Ctx};

/// Summaries made at once per process. On the 1st every distributor's and
/// brand's report is due at the same moment; made one at a time they leave the
/// pool to the people using the app (32 at once took every connection).
static MAKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// "sales-summary-2026-11.pdf" and the PDF of `month` ("2026-11") for the user
/// `recipient` (their organisation's report).
pub async fn render_for(
    state: &AppState,
    month: &str,
    recipient: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (year, m) =
        parse_month(month).ok_or_else(|| AppError::field("month", "Not a month (YYYY-MM)"))?;
    let _turn = MAKING.acquire().await.map_err(crate::error::internal)?;
    let mut conn = state.db.acquire().await?;
    let user = crate::server::session::by_id(&mut conn, recipient)
        .await?
        .ok_or_else(|| AppError::NotFound("No such user.".into()))?;
    drop(conn);
    let last = crate::domain::period::Day::from_ymd(year, m, 1)
        .map(|d| d.add_months(1).add_days(-1))
        .ok_or_else(|| AppError::field("month", "Not a month (YYYY-MM)"))?;
    let q = PeriodQuery {
        period: "custom".into(),
        from: format!("{year:04}-{m:02}-01"),
        to: last.iso(),
        group: "day".into(),
        compare: String::new(),
    };
    let org = user.org_name.clone();
    let kind = user.org_kind;
    let ctx = Ctx::acting_via_whatsapp(state.clone(), user);
    let (name, heading, about, tables) = match kind {
        OrgKind::Distributor => {
            let r = super::service::sales(&ctx, &q, false).await?;
            let about = vec![
                r.period.show(),
                format!("For {org}"),
                format!(
                    "Sales with GST {} ({} against {}) · {} orders · GST collected {}",
                    crate::domain::Paise(r.total.now),
                    r.total.show_percent(),
                    r.previous.show(),
                    r.orders.now,
                    crate::domain::Paise(r.gst.now)
                ),
            ];
            let tables = vec![
                r.parties,
                r.products,
                r.categories,
                r.inactive,
                r.rejections,
            ];
            ("sales-summary", "Monthly sales summary", about, tables)
        }
        OrgKind::Manufacturer => {
            let r = super::brand::report(&ctx, &q, false).await?;
            let about = vec![
                r.period.show(),
                format!("For {org}"),
                format!(
                    "Sold before GST {} ({} against {}) · {} units · {} shops",
                    crate::domain::Paise(r.goods.now),
                    r.goods.show_percent(),
                    r.previous.show(),
                    r.qty.now,
                    r.shops.now
                ),
            ];
            let tables = vec![r.distributors, r.districts, r.products, r.visibility];
            ("brand-summary", "Monthly brand summary", about, tables)
        }
        _ => {
            return Err(AppError::NotFound(
                "No monthly summary for this business.".into(),
            ));
        }
    };
    // Laying out a large distributor's month takes a while: off the async threads.
    let pdf = tokio::task::spawn_blocking(move || {
        let refs: Vec<&super::table::ReportTable> = tables.iter().collect();
        super::pdf::layout(&refs, heading, &about).and_then(|c| c.finish())
    })
    .await
    .map_err(crate::error::internal)?
    .map_err(crate::error::internal)?;
    Ok((format!("{name}-{month}.pdf"), pdf))
}
