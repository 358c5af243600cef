//! Downloads: the stored invoice PDF, the e-invoice JSON and the monthly statement.
//! Plain GET routes (a browser saves them as files), authorised exactly like server
//! functions: signed in, a party to the document, else 401 / 403 / 404.

use crate::domain::OrgKind;
use crate::error::AppError;
use crate::server::http::{attachment, error_response};
use crate::server::{AppState, Ctx};
use axum::extract::{Path, State};
use axum::response::Response;
use http::request::Parts;

/// "SGT/2627/12" → "SGT-2627-12" (a file name cannot hold '/').
fn file_name(number: &str) -> String {
    number.replace('/', "-")
}

fn id_from(text: &str) -> Result<i64, AppError> {
    text.parse()
        .map_err(|_| AppError::NotFound("Invoice not found.".into()))
}

pub async fn invoice_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &OrgKind::PARTIES).await?;
        let id = id_from(&id)?;
        let (number, pdf) = super::service::pdf(&ctx, id).await?;
        let tag = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&pdf))
        };
        Ok::<_, AppError>(attachment(
            "application/pdf",
            format!("{}.pdf", file_name(&number)),
            pdf,
            Some(tag),
        ))
    };
    result.await.unwrap_or_else(error_response)
}

pub async fn einvoice_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Distributor]).await?;
        let id = id_from(&id)?;
        let (doc, enabled) = super::service::document(&ctx, id).await?;
        if !enabled {
            return Err(AppError::Conflict(
                super::einvoice::ExportError::NotEnabled.to_string(),
            ));
        }
        let json = super::einvoice::export(&doc).map_err(|e| AppError::Conflict(e.to_string()))?;
        // The IRP takes a list of documents.
        let body = format!("[\n{json}\n]").into_bytes();
        Ok(attachment(
            "application/json",
            format!("{}-einvoice.json", file_name(&doc.number)),
            body,
            None,
        ))
    };
    result.await.unwrap_or_else(error_response)
}

pub async fn statement_pdf(
    State(state): State<AppState>,
    Path((month, distributor, retailer)): Path<(String, String, String)>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &OrgKind::PARTIES).await?;
        let not_found = || AppError::NotFound("Statement not found.".into());
        let distributor: i64 = distributor.parse().map_err(|_| not_found())?;
        let retailer: i64 = retailer.parse().map_err(|_| not_found())?;
        let mine = match ctx.user().org_kind {
            OrgKind::Retailer => retailer == ctx.user().org_id,
            _ => distributor == ctx.user().org_id,
        };
        if !mine {
            return Err(not_found());
        }
        let (name, pdf) =
            super::statement::render_for(ctx.db(), &month, distributor, retailer).await?;
        Ok(attachment("application/pdf", name, pdf, None))
    };
    result.await.unwrap_or_else(error_response)
}
