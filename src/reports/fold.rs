//! Folds ended months of the daily rollups into the monthly ones (migration
//! 0018): once at start and every hour after, in any number of processes (the
//! database function locks its one row, so a second caller waits and finds
//! nothing left to fold).

use sqlx::PgPool;
use std::time::Duration;

/// Folds what is due; the number of months folded.
pub async fn due(db: &PgPool) -> Result<i32, sqlx::Error> {
    let n = sqlx::query_scalar!(r#"SELECT fold_rollups() AS "n!""#)
        .fetch_one(db)
        .await?;
    if n > 0 {
        tracing::info!(months = n, "report rollups folded");
    }
    Ok(n)
}

/// Folds every hour; a failure is logged and tried again at the next hour
/// (reports stay exact meanwhile: an unfolded month is read day by day).
pub async fn run(db: PgPool) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = due(&db).await {
            tracing::warn!(error = %e, "folding the report rollups");
        }
    }
}
