//! Live order updates. After an order change commits, its process hands the
//! change to its `Notifier`, which sends it with `pg_notify('order_changes', …)`
//! in batches; one listener per server process fans the notifications out, and
//! `/events` streams to each signed-in browser only the changes of its own
//! organisation (Server-Sent Events). Works across several server processes.
//!
//! Why not NOTIFY inside the order's transaction: PostgreSQL serialises the
//! commits of all transactions that notified (a database-wide lock held through
//! the commit's WAL flush), which capped order placement at one commit per
//! flush. One NOTIFY for everything that changed meanwhile costs one such commit
//! per batch instead. If a process dies between an order's commit and the
//! batch, that live update is lost; browsers refetch on reconnect and the
//! WhatsApp sender also polls.

use crate::domain::OrgKind;
use crate::error::AppError;
use crate::server::session;
use crate::server::{AppState, Ctx};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use http::request::Parts;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The order; 0 for an account change.
    pub order: i64,
    pub retailer: i64,
    pub distributor: i64,
    /// The shop's account with the distributor changed (a payment, a
    /// reversal): the khata's pages refetch.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub account: bool,
}

impl Change {
    pub fn order(order: i64, retailer: i64, distributor: i64) -> Change {
        Change {
            order,
            retailer,
            distributor,
            account: false,
        }
    }

    pub fn account(distributor: i64, retailer: i64) -> Change {
        Change {
            order: 0,
            retailer,
            distributor,
            account: true,
        }
    }
}

/// What this process hears from PostgreSQL: order changes, and organisations
/// whose sessions changed (a log-out, a suspension), from any process.
#[derive(Clone)]
pub struct Hub {
    pub orders: broadcast::Sender<Change>,
    pub sessions: broadcast::Sender<i64>,
}

impl Hub {
    pub fn new() -> Hub {
        Hub {
            orders: broadcast::channel(1024).0,
            sessions: broadcast::channel(256).0,
        }
    }
}

/// The NOTIFY channel that says "this organisation's sessions changed"; its
/// payload is the organisation id. Sent by `server::session::announce`.
pub const SESSIONS_CHANNEL: &str = "sessions_changed";

/// An open event stream re-checks its session this often even when no
/// notification came (expiry, a notification lost while reconnecting).
const RECHECK: Duration = Duration::from_secs(30);

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// Queues committed order changes for the batched NOTIFY (see the module notes).
#[derive(Clone)]
pub struct Notifier(tokio::sync::mpsc::UnboundedSender<Change>);

/// The receiving end, taken by `send_notifications`.
pub type Pending = tokio::sync::mpsc::UnboundedReceiver<Change>;

impl Notifier {
    pub fn new() -> (Notifier, Pending) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (Notifier(tx), rx)
    }

    /// Announces a change; call it after the change's transaction committed.
    pub fn send(&self, change: Change) {
        // Fails only once the process is shutting down.
        let _ = self.0.send(change);
    }
}

/// Changes per NOTIFY: a payload must stay under PostgreSQL's 8,000 bytes.
const BATCH: usize = 100;

/// Sends queued changes, everything that arrived meanwhile in one NOTIFY (as a
/// JSON array), until the process ends.
pub async fn send_notifications(pool: sqlx::PgPool, mut pending: Pending) {
    let mut batch = Vec::with_capacity(BATCH);
    while pending.recv_many(&mut batch, BATCH).await > 0 {
        let payload = match serde_json::to_string(&batch) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "order changes not encoded");
                batch.clear();
                continue;
            }
        };
        for attempt in 0..3u64 {
            match sqlx::query!("SELECT pg_notify('order_changes', $1)", &payload)
                .execute(&pool)
                .await
            {
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "order changes not announced");
                    tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
                }
            }
        }
        batch.clear();
    }
}

/// A notification's changes: a batch (JSON array) or one change (object).
fn changes(payload: &str) -> Vec<Change> {
    serde_json::from_str::<Vec<Change>>(payload)
        .or_else(|_| serde_json::from_str::<Change>(payload).map(|c| vec![c]))
        .unwrap_or_default()
}

/// Listens for order and session changes until the process ends, reconnecting
/// after errors. A session change also empties this process's session cache, so
/// a log-out or suspension takes effect at once in every process.
pub async fn listen(
    pool: sqlx::PgPool,
    hub: Hub,
    sessions: std::sync::Arc<crate::server::session_cache::SessionCache>,
) {
    loop {
        match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(e) = listener
                    .listen_all(["order_changes", SESSIONS_CHANNEL])
                    .await
                {
                    tracing::warn!(error = %e, "LISTEN order_changes failed");
                } else {
                    // Whatever happened while not listening: forget it all.
                    sessions.clear();
                    loop {
                        match listener.recv().await {
                            Ok(n) if n.channel() == SESSIONS_CHANNEL => {
                                sessions.clear();
                                if let Ok(org) = n.payload().parse::<i64>() {
                                    let _ = hub.sessions.send(org);
                                }
                            }
                            Ok(n) => {
                                for change in changes(n.payload()) {
                                    let _ = hub.orders.send(change);
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "order listener lost its connection");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "order listener cannot connect"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// `GET /events`: order ids that changed for the caller's organisation, until
/// the caller's session ends (log-out, expiry, suspension: in any process).
pub async fn events(State(state): State<AppState>, parts: Parts) -> Response {
    // Subscribed before the session is checked, so no change slips between.
    let session_changes = state.hub.sessions.subscribe();
    let ctx = match Ctx::from_parts(state, parts, &OrgKind::ALL).await {
        Ok(ctx) => ctx,
        Err(e) => return crate::server::http::error_response(e),
    };
    let Some(token) = session::token_from(&ctx.parts().headers) else {
        return crate::server::http::error_response(AppError::Unauthenticated);
    };
    let org = ctx.user().org_id;
    let state = ctx.state().clone();
    let db = ctx.db().clone();
    let ended = session_ended(db, token, org, session_changes);
    let stream = BroadcastStream::new(state.hub.orders.subscribe())
        .filter_map(move |msg| async move {
            match msg {
                Ok(c) if c.account && (c.retailer == org || c.distributor == org) => {
                    // The other side's id: the page of that account refetches.
                    let other = if c.distributor == org {
                        c.retailer
                    } else {
                        c.distributor
                    };
                    Some(Ok::<_, std::convert::Infallible>(
                        Event::default().event("account").data(other.to_string()),
                    ))
                }
                Ok(c) if c.retailer == org || c.distributor == org => Some(Ok(Event::default()
                    .event("order")
                    .data(c.order.to_string()))),
                // A slow client missed some: tell it to refresh everything.
                Err(_) => Some(Ok(Event::default().event("order").data("0"))),
                _ => None,
            }
        })
        .take_until(Box::pin(ended));
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

/// Resolves once the session behind `token` is no longer live or its
/// organisation is suspended: checked in PostgreSQL (never the cache) whenever
/// its organisation's sessions change, and every `RECHECK`.
async fn session_ended(
    db: sqlx::PgPool,
    token: String,
    org: i64,
    mut changes: broadcast::Receiver<i64>,
) {
    let mut tick = tokio::time::interval(RECHECK);
    tick.tick().await;
    loop {
        tokio::select! {
            changed = changes.recv() => match changed {
                Ok(o) if o != org => continue,
                Err(broadcast::error::RecvError::Closed) => return,
                _ => {}
            },
            _ = tick.tick() => {}
        }
        let live = match db.acquire().await {
            Ok(mut conn) => session::lookup(&mut conn, &token).await,
            Err(e) => Err(e),
        };
        match live {
            Ok(Some(user)) if user.approval != crate::domain::ApprovalState::Suspended => {}
            Ok(_) => return,
            // The database is unreachable: keep the stream and ask again later.
            Err(e) => tracing::warn!(error = %e, "event stream: session re-check failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_carry_one_change_or_a_batch() {
        let one = Change::order(7, 1, 2);
        assert_eq!(
            changes(r#"{"order":7,"retailer":1,"distributor":2}"#),
            vec![one]
        );
        let batch = serde_json::to_string(&vec![one; BATCH]).expect("json");
        assert!(batch.len() < 8000, "fits a NOTIFY payload: {}", batch.len());
        assert_eq!(changes(&batch).len(), BATCH);
        assert!(changes("not json").is_empty());
        let account = Change::account(2, 1);
        let text = serde_json::to_string(&vec![account, one]).expect("json");
        assert_eq!(changes(&text), vec![account, one]);
    }
}
