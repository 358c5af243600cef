//! Server functions for places. Open to anyone: sign-up needs them before there
//! is an account, and the directory is public reference data.

use super::{PincodeList, PincodePlace};
use crate::error::AppError;
use leptos::prelude::*;

/// Where a pincode is (empty when India Post has no such pincode).
#[server(endpoint = "places/pincode")]
pub async fn pincode_places(pincode: String) -> Result<Vec<PincodePlace>, AppError> {
    let public = crate::server::Public::get()?;
    let pin = crate::domain::pincode::Pincode::parse(&pincode)
        .map_err(|e| AppError::field("pincode", e.to_string()))?;
    let mut conn = public.db().acquire().await?;
    super::service::places(&mut conn, &pin).await
}

/// How a list of pincodes (a delivery area) spreads over districts, and which
/// India Post does not have.
#[server(endpoint = "places/pincode_list")]
pub async fn summarise_pincodes(list: String) -> Result<PincodeList, AppError> {
    let public = crate::server::Public::get()?;
    if list.len() > 20_000 {
        return Err(AppError::field("pincodes", "At most 2,000 pincodes"));
    }
    let pins = crate::trade::service::parse_pincodes(&list)?;
    let mut conn = public.db().acquire().await?;
    super::service::list(&mut conn, &pins).await
}
