use super::{Category, ImportReport, PartReport, SkuRow};
use crate::domain::catalog::SkuInput;
use crate::error::AppError;
use leptos::prelude::*;

/// Approved categories, plus the caller's own proposals (manufacturers) or all
/// proposals (admin).
#[server(endpoint = "catalog/categories")]
pub async fn categories() -> Result<Vec<Category>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::categories(&ctx).await
}

/// A manufacturer proposes a new category; the admin approves it.
#[server(endpoint = "catalog/propose_category")]
pub async fn propose_category(name: String) -> Result<Category, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::propose_category(&ctx, &name).await
}

/// The admin approves or rejects a proposed category.
#[server(endpoint = "catalog/decide_category")]
pub async fn decide_category(id: i64, approve: bool) -> Result<Category, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::decide_category(&ctx, id, approve).await
}

/// The manufacturer's own SKUs, optionally filtered by text.
#[server(endpoint = "catalog/my_skus")]
pub async fn my_skus(q: String) -> Result<Vec<SkuRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::my_skus(&ctx, &q).await
}

/// What the GST schedule says about an HSN code today: the default entry and the
/// ones the goods may fall under. Public reference data, for the SKU form.
#[server(endpoint = "catalog/gst_options")]
pub async fn gst_options(
    hsn: String,
) -> Result<crate::domain::gst_schedule::RateOptions, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::gst::options_for(ctx.db(), &hsn).await
}

/// Create (id empty) or edit one of the manufacturer's SKUs.
#[server(endpoint = "catalog/save_sku")]
pub async fn save_sku(id: Option<i64>, sku: SkuInput) -> Result<SkuRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::save_sku(&ctx, id, sku).await
}

/// Import SKUs from CSV: every row is checked; nothing is written unless all are good.
#[server(endpoint = "catalog/import_csv")]
pub async fn import_csv(csv: String) -> Result<ImportReport, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::import_csv(&ctx, &csv).await
}

/// Starts importing a large file in parts: `rows` records over `lines` lines
/// below the header. Answers the import's id.
#[server(endpoint = "catalog/import_begin")]
pub async fn import_begin(rows: u32, lines: u32) -> Result<i64, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::import_begin(&ctx, rows, lines).await
}

/// Checks and stages one part (header line plus records from `first_line`).
#[server(endpoint = "catalog/import_part")]
pub async fn import_part(
    import: i64,
    first_line: u32,
    csv: String,
) -> Result<PartReport, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::import_part(&ctx, import, first_line, &csv).await
}

/// Writes every staged row in one transaction, or nothing if any row is bad.
#[server(endpoint = "catalog/import_finish")]
pub async fn import_finish(import: i64) -> Result<ImportReport, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::import_finish(&ctx, import).await
}

/// Sets a SKU's photo from an uploaded JPEG, PNG or WebP (a `data:` URL).
#[server(endpoint = "catalog/set_photo")]
pub async fn set_photo(id: i64, data_url: String) -> Result<SkuRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::set_photo(&ctx, id, data_url).await
}

/// Removes a SKU's photo.
#[server(endpoint = "catalog/remove_photo")]
pub async fn remove_photo(id: i64) -> Result<SkuRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::remove_photo(&ctx, id).await
}

/// The GST schedule's rows for codes beginning with `hsn` (the admin's page).
#[server(endpoint = "catalog/gst_rates")]
pub async fn gst_rates(hsn: String) -> Result<Vec<super::GstRateRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::gst::rows(&ctx, &hsn).await
}

/// Add a rate change to the schedule (never edits a row: history stays).
#[server(endpoint = "catalog/add_gst_rate")]
pub async fn add_gst_rate(
    change: crate::domain::gst_schedule::RateChangeInput,
) -> Result<super::GstRateRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::gst::add(&ctx, change).await
}

/// Propose an HSN code the GST schedule does not name, for the admin to add.
#[server(endpoint = "catalog/propose_hsn")]
pub async fn propose_hsn(
    proposal: crate::domain::gst_schedule::HsnProposalInput,
) -> Result<super::HsnProposalRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::proposals::propose(&ctx, proposal).await
}

/// The brand's HSN proposals and what became of them.
#[server(endpoint = "catalog/my_hsn_proposals")]
pub async fn my_hsn_proposals() -> Result<Vec<super::HsnProposalRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::service::proposals::mine(&ctx).await
}

/// Open HSN proposals of every brand (the admin's GST page).
#[server(endpoint = "catalog/hsn_proposals")]
pub async fn hsn_proposals() -> Result<Vec<super::HsnProposalRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::proposals::open(&ctx).await
}

/// Decline a brand's HSN proposal, saying why.
#[server(endpoint = "catalog/decline_hsn_proposal")]
pub async fn decline_hsn_proposal(
    id: i64,
    note: String,
) -> Result<super::HsnProposalRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::proposals::decline(&ctx, id, &note).await
}

/// Add every rate of a notification's CSV, or none.
#[server(endpoint = "catalog/import_gst_rates")]
pub async fn import_gst_rates(csv: String) -> Result<super::RateImport, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    if csv.len() > 2_000_000 {
        return Err(AppError::field(
            "csv",
            "The file is larger than 2 MB: split it",
        ));
    }
    super::service::gst::import(&ctx, &csv).await
}
