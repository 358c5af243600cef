//! Connection pool and migrations.

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub async fn connect(url: &SecretString, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        // Catalog search: how alike a typed word must be to a word of the product
        // text (pg_trgm's `<%`); 0.3 lets "biskit" find "biscuits". No JIT: for
        // queries of this app's size compiling costs more than it saves (a
        // brand's report spent 0.7 s of 1.2 s compiling one aggregate).
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query!(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', '0.3', false) AS trgm, set_config('jit', 'off', false) AS jit"
                )
                .fetch_one(conn)
                .await?;
                Ok(())
            })
        })
        .acquire_timeout(Duration::from_secs(5))
        .connect(url.expose_secret())
        .await
}

pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// The name of the unique index or constraint a write violated, if that is why it failed.
pub fn violated_constraint(err: &sqlx::Error) -> Option<String> {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            db.constraint().map(str::to_string)
        }
        _ => None,
    }
}

/// Begins a transaction whose statements use generic plans. With PostgreSQL's
/// default (`plan_cache_mode = auto`) a prepared statement whose custom plan
/// looks cheaper than the generic one is planned again on every execution; for
/// the order path's large, fixed-shape statements (UNNEST of the lines, writes
/// by primary key) that planning cost more than running them. Sent with the
/// BEGIN, so it costs no extra round trip.
pub async fn begin_generic(
    pool: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    pool.begin_with("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan")
        .await
}

/// Begins a read-only transaction whose plans reach tables through indexes. For
/// the catalog search's word lookup: a query's words are often correlated (every
/// "atta" SKU comes in "5 kg"), which PostgreSQL's estimates assume they are not,
/// and a sequential scan it expects to stop early may read a million rows; the
/// GIN index bounds the work instead. JIT is off: the penalty PostgreSQL adds to
/// the plans it refuses would otherwise make the query look costly enough to
/// compile. Sent with the BEGIN, so no extra round trip.
pub async fn begin_indexed(
    pool: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    pool.begin_with("BEGIN READ ONLY; SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        .await
}
